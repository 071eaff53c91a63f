package retrieval

import (
	"testing"

	"storybot/seeds"
)

// loadStory loads the embedded story.
func loadStory(t testing.TB) *Corpus {
	t.Helper()
	c, err := Load(seeds.FS)
	if err != nil {
		t.Fatalf("Load(seeds.FS): %v", err)
	}
	return c
}
