package bot

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"

	"storybot/answer"
	"storybot/bot/internal/lru"
)

// Custom IDs of the buttons under an answer. Discord allows 1–100 characters.
const (
	maxCustomID = 100

	// sourcesPrefix is followed by comma-separated citation IDs.
	sourcesPrefix = "src:"
	// sourcesKeyPrefix is followed by a key into [SourceIDs]'s memory, for
	// citation lists too long to spell out.
	sourcesKeyPrefix = "srk:"

	// FeedbackPrefix starts the custom IDs of the 👍 and 👎 buttons, which
	// storybot/bot/ask answers.
	FeedbackPrefix = "fb:"
	// FeedbackUp and FeedbackDown are the custom IDs of the 👍 and 👎 buttons.
	FeedbackUp   = FeedbackPrefix + "+1"
	FeedbackDown = FeedbackPrefix + "-1"
)

// SourceIDs encodes the citation IDs behind a "Sources" button into its
// custom_id. Lists that fit are spelled out ("src:doc/1/2,doc/3/1"), so they
// work across restarts; longer ones get a key into a bounded memory
// ("srk:42") and expire once it holds newer lists.
type SourceIDs struct {
	next atomic.Uint64
	mem  *lru.Cache[string, []string]
}

// NewSourceIDs returns an encoder that remembers up to n long lists (1000
// when n <= 0).
func NewSourceIDs(n int) *SourceIDs {
	if n <= 0 {
		n = 1000
	}
	return &SourceIDs{mem: lru.New[string, []string](n)}
}

// Encode returns the custom_id for ids, at most 100 characters.
func (c *SourceIDs) Encode(ids []string) string {
	id := sourcesPrefix + strings.Join(ids, ",")
	if len(id) <= maxCustomID && !strings.Contains(strings.Join(ids, ""), ",") {
		return id
	}
	key := strconv.FormatUint(c.next.Add(1), 36)
	c.mem.Put(key, append([]string(nil), ids...))
	return sourcesKeyPrefix + key
}

// Decode returns the citation IDs of a custom_id made by Encode; ok is false
// when customID is not a sources button or its list was forgotten.
func (c *SourceIDs) Decode(customID string) (ids []string, ok bool) {
	switch {
	case strings.HasPrefix(customID, sourcesPrefix):
		rest := strings.TrimPrefix(customID, sourcesPrefix)
		if rest == "" {
			return nil, false
		}
		return strings.Split(rest, ","), true
	case strings.HasPrefix(customID, sourcesKeyPrefix):
		return c.mem.Get(strings.TrimPrefix(customID, sourcesKeyPrefix))
	}
	return nil, false
}

// registerSources answers the Sources buttons with the full passages,
// privately.
func registerSources(r *Router, ids *SourceIDs, lib Passages, log *slog.Logger) {
	h := func(ctx context.Context, x *Interaction) error {
		x.SetEphemeral(true)
		list, ok := ids.Decode(x.Route + x.Arg)
		if !ok {
			return Refuse("Those sources are no longer available; ask again to see them.")
		}
		var srcs []answer.Source
		for _, id := range list {
			src, err := lib.Source(id)
			if err != nil {
				log.Warn("source of button", "id", id, "err", err)
				continue
			}
			srcs = append(srcs, src)
		}
		return x.Respond(ctx, RenderSources(srcs))
	}
	r.Component(sourcesPrefix, h)
	r.Component(sourcesKeyPrefix, h)
}
