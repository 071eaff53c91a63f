package shareddir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPath(t *testing.T) {
	if _, ok := os.LookupEnv(EnvVar); ok {
		t.Skipf("%s is set", EnvVar)
	}
	p, err := Path("seeds")
	if errors.Is(err, ErrNotFound) {
		t.Skip("no shared folder beside the module")
	}
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p); err != nil || !st.IsDir() {
		t.Errorf("Path(seeds) = %q (%v), want the shared seeds folder", p, err)
	}
	if _, err := Path("no", "such", "file"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Path of a missing file: %v, want ErrNotFound", err)
	}
}

func TestPathFromEnv(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "specs", "discord-openapi.json")
	if err := os.MkdirAll(filepath.Dir(spec), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, dir)
	if got, err := Path("specs", "discord-openapi.json"); err != nil || got != spec {
		t.Errorf("Path with %s=%s = %q, %v; want %q", EnvVar, dir, got, err, spec)
	}
	t.Setenv(EnvVar, filepath.Join(dir, "nowhere"))
	if _, err := Path("specs", "discord-openapi.json"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Path with %s at an empty place: %v, want ErrNotFound", EnvVar, err)
	}
}
