package fakediscord

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindSpec(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo", "internal", "fakediscord")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := findSpec(repo); !errors.Is(err, errNoSpec) {
		t.Errorf("findSpec without a spec = %v, want errNoSpec", err)
	}
	spec := filepath.Join(root, "shared", "specs", "discord-openapi.json")
	if err := os.MkdirAll(filepath.Dir(spec), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := findSpec(repo); err != nil || got != spec {
		t.Errorf("findSpec(%s) = %q, %v; want %q", repo, got, err, spec)
	}
}
