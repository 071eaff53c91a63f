package qatest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"storybot/qa/memstore"

	"storybot/internal/testclock"
)

var update = flag.Bool("update", false, "rewrite testdata/transcript.md from the in-memory store")

// TestUpdateTranscript rewrites the golden transcript with -update; the
// stores' own tests compare theirs with it.
func TestUpdateTranscript(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/transcript.md")
	}
	s := memstore.New()
	s.SetClock(testclock.New())
	if err := os.WriteFile(filepath.Join("testdata", "transcript.md"), transcript(t, s), 0o644); err != nil {
		t.Fatal(err)
	}
}
