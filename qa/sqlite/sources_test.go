package sqlite

import (
	"path/filepath"
	"testing"

	"storybot/bot"
	"storybot/bot/sourcestest"
)

var _ bot.SourceStore = (*Store)(nil)

// TestSourceStore runs the Sources buttons' conformance suite on a new file
// each time.
func TestSourceStore(t *testing.T) {
	sourcestest.Run(t, func(t *testing.T) bot.SourceStore {
		return openAt(t, filepath.Join(t.TempDir(), "storybot.db"), nil)
	})
}

// TestSourcesSurviveReopen: a list put before closing is there after.
func TestSourcesSurviveReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "storybot.db")
	s := openAt(t, path, nil)
	ids := []string{"pride-and-prejudice/12/3", "dracula/4/1"}
	if err := s.PutSources(ctx, "abc", ids, s.now()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2 := openAt(t, path, nil)
	if got, found, err := s2.Sources(ctx, "abc"); err != nil || !found || len(got) != 2 || got[1] != "dracula/4/1" {
		t.Errorf("after reopening, Sources(abc) = %q, %v, %v; want %q", got, found, err, ids)
	}
}
