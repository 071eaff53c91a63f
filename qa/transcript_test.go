package qa

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestRenderTranscriptEmpty(t *testing.T) {
	got := RenderTranscript(Session{StartedAt: time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC), StartedBy: "42"}, nil)
	checkGolden(t, "transcript_empty.md", got)
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("RenderTranscript differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}
