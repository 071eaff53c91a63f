package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"storybot/bot"
	"storybot/bot/sourcestest"
)

func TestMemorySources(t *testing.T) {
	sourcestest.Run(t, func(*testing.T) bot.SourceStore { return bot.NewMemorySources(100) })
}

// failing is a store that always fails.
type failing struct{}

func (failing) PutSources(context.Context, string, []string, time.Time) error {
	return errors.New("disk full")
}
func (failing) Sources(context.Context, string) ([]string, bool, error) {
	return nil, false, errors.New("disk full")
}
func (failing) PruneSources(context.Context, time.Time) (int, error) { return 0, nil }

func TestSourceIDs(t *testing.T) {
	ctx := context.Background()
	mem := bot.NewMemorySources(2)
	c := bot.NewSourceIDs(mem, nil)
	short := []string{"story/1/2", "story/3/1"}
	long := func(n string) []string {
		return []string{
			"macron-and-putin-at-versailles/1/" + n, "macron-and-putin-at-versailles/3/1",
			"macron-and-putin-at-versailles/4/5", "macron-and-putin-at-versailles/7/1",
		}
	}
	for _, ids := range [][]string{short, long("2")} {
		id := c.Encode(ctx, ids)
		if len(id) == 0 || len(id) > 100 {
			t.Fatalf("Encode(%q) = %q, %d characters; want 1–100", ids, id, len(id))
		}
		got, ok := c.Decode(ctx, id)
		if !ok || strings.Join(got, "|") != strings.Join(ids, "|") {
			t.Errorf("Decode(Encode(%q)) = %q, %v", ids, got, ok)
		}
	}
	if got := c.Encode(ctx, short); got != "src:story/1/2,story/3/1" {
		t.Errorf("Encode(%q) = %q, want spelled out", short, got)
	}
	// A long list gets a short key made from the list: the same list, the
	// same key.
	first := c.Encode(ctx, long("2"))
	if !strings.HasPrefix(first, "srk:") || len(first) != 20 || c.Encode(ctx, long("2")) != first {
		t.Errorf("Encode(long) = %q, want srk: and 16 characters, the same each time", first)
	}
	// The memory store is bounded: old long lists are forgotten.
	c.Encode(ctx, long("3"))
	c.Encode(ctx, long("4"))
	if _, ok := c.Decode(ctx, first); ok {
		t.Errorf("Decode(%q) still works after the memory was overfilled", first)
	}
	for _, id := range []string{"fb:+1", "src:", "srk:nope", ""} {
		if got, ok := c.Decode(ctx, id); ok {
			t.Errorf("Decode(%q) = %q, true; want false", id, got)
		}
	}
	// When the store fails, the button spells out what fits.
	f := bot.NewSourceIDs(failing{}, nil)
	got := f.Encode(ctx, long("2"))
	if got != "src:macron-and-putin-at-versailles/1/2,macron-and-putin-at-versailles/3/1" {
		t.Errorf("Encode with a failing store = %q, want the first IDs spelled out", got)
	}
}
