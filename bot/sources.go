package bot

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"log/slog"
	"strings"
	"sync"
	"time"

	"storybot/answer"
)

// Custom IDs of the buttons under an answer. Discord allows 1–100 characters.
const (
	maxCustomID = 100

	// sourcesPrefix is followed by comma-separated citation IDs.
	sourcesPrefix = "src:"
	// sourcesKeyPrefix is followed by the key of a citation list kept in a
	// [SourceStore], for lists too long to spell out.
	sourcesKeyPrefix = "srk:"

	// FeedbackPrefix starts the custom IDs of the 👍 and 👎 buttons, which
	// storybot/bot/ask answers.
	FeedbackPrefix = "fb:"
	// FeedbackUp and FeedbackDown are the custom IDs of the 👍 and 👎 buttons.
	FeedbackUp   = FeedbackPrefix + "+1"
	FeedbackDown = FeedbackPrefix + "-1"
)

// SourcesKeep is how long a citation list stays in the [SourceStore] after
// the last answer that showed it: 90 days. Older Sources buttons say the
// sources are no longer available.
const SourcesKeep = 90 * 24 * time.Hour

// SourceStore keeps the citation lists of Sources buttons too long to
// spell out in a custom ID, under a short key, so that the buttons work
// after a restart. storybot/qa/sqlite keeps them in the bot's database;
// [NewMemorySources] in memory. storybot/bot/sourcestest is the suite every
// implementation passes.
type SourceStore interface {
	// PutSources keeps ids under key, stamped at; putting a key again
	// replaces its list and stamp.
	PutSources(ctx context.Context, key string, ids []string, at time.Time) error
	// Sources returns the list kept under key; found is false when there
	// is none.
	Sources(ctx context.Context, key string) (ids []string, found bool, err error)
	// PruneSources forgets the lists stamped before before and returns how
	// many it forgot.
	PruneSources(ctx context.Context, before time.Time) (int, error)
}

// SourceIDs encodes the citation IDs behind a "Sources" button into its
// custom_id. Lists that fit are spelled out ("src:doc/1/2,doc/3/1");
// longer ones are kept in a [SourceStore] under a key made from the list
// ("srk:" and 16 letters and digits), for [SourcesKeep].
type SourceIDs struct {
	store SourceStore
	log   *slog.Logger
	now   func() time.Time

	mu        sync.Mutex
	lastPrune time.Time
}

// pruneEvery is how often Encode prunes the store.
const pruneEvery = time.Hour

// NewSourceIDs returns an encoder keeping long lists in store; nil means
// [NewMemorySources](2000), which forgets them on restart. logger may be
// nil, which means [slog.Default].
func NewSourceIDs(store SourceStore, logger *slog.Logger) *SourceIDs {
	if store == nil {
		store = NewMemorySources(2000)
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &SourceIDs{store: store, log: logger, now: time.Now}
}

// sourcesKey is the key of a list: its hash, in 16 base-32 characters (80
// bits), so that the same list always gets the same key.
func sourcesKey(ids []string) string {
	h := sha256.Sum256([]byte(strings.Join(ids, "\x00")))
	return strings.ToLower(base32.StdEncoding.EncodeToString(h[:10]))
}

// Encode returns the custom_id for ids, at most 100 characters. When the
// store fails, the button spells out as many IDs as fit, and the failure
// is logged.
func (c *SourceIDs) Encode(ctx context.Context, ids []string) string {
	id := sourcesPrefix + strings.Join(ids, ",")
	if len(id) <= maxCustomID && !strings.Contains(strings.Join(ids, ""), ",") {
		return id
	}
	now := c.now()
	c.prune(ctx, now)
	key := sourcesKey(ids)
	if err := c.store.PutSources(ctx, key, ids, now); err != nil {
		c.log.Warn("keep the sources of a button", "err", err)
		return spelled(ids, key)
	}
	return sourcesKeyPrefix + key
}

// spelled spells out as many of ids as fit in a custom ID, or, when not
// even the first fits, falls back on key (whose button then says the
// sources are gone).
func spelled(ids []string, key string) string {
	id := sourcesPrefix
	for _, s := range ids {
		if s == "" || strings.Contains(s, ",") {
			continue
		}
		next := id + s
		if id != sourcesPrefix {
			next = id + "," + s
		}
		if len(next) > maxCustomID {
			break
		}
		id = next
	}
	if id == sourcesPrefix {
		return sourcesKeyPrefix + key
	}
	return id
}

// prune forgets lists older than SourcesKeep, at most once an hour.
func (c *SourceIDs) prune(ctx context.Context, now time.Time) {
	c.mu.Lock()
	due := now.Sub(c.lastPrune) >= pruneEvery
	if due {
		c.lastPrune = now
	}
	c.mu.Unlock()
	if !due {
		return
	}
	n, err := c.store.PruneSources(ctx, now.Add(-SourcesKeep))
	if err != nil {
		c.log.Warn("prune the sources of old buttons", "err", err)
		return
	}
	if n > 0 {
		c.log.Info("forgot the sources of old buttons", "lists", n, "older_than", SourcesKeep)
	}
}

// Decode returns the citation IDs of a custom_id made by Encode; ok is false
// when customID is not a sources button or its list is no longer kept.
func (c *SourceIDs) Decode(ctx context.Context, customID string) (ids []string, ok bool) {
	switch {
	case strings.HasPrefix(customID, sourcesPrefix):
		rest := strings.TrimPrefix(customID, sourcesPrefix)
		if rest == "" {
			return nil, false
		}
		return strings.Split(rest, ","), true
	case strings.HasPrefix(customID, sourcesKeyPrefix):
		ids, found, err := c.store.Sources(ctx, strings.TrimPrefix(customID, sourcesKeyPrefix))
		if err != nil {
			c.log.Warn("read the sources of a button", "err", err)
			return nil, false
		}
		return ids, found
	}
	return nil, false
}

// SourceButtons answers the Sources buttons under answers with the full
// passages, privately. [New] registers it when [Options.Passages] is set;
// a bot whose store opens later ([Options.Prepare]) returns it from there.
type SourceButtons struct {
	IDs      *SourceIDs
	Passages Passages
	// Logger may be nil, which means [slog.Default].
	Logger *slog.Logger
}

// Register implements [Plugin].
func (sb SourceButtons) Register(r *Router) {
	log := sb.Logger
	if log == nil {
		log = slog.Default()
	}
	h := func(ctx context.Context, x *Interaction) error {
		x.SetEphemeral(true)
		list, ok := sb.IDs.Decode(ctx, x.Route+x.Arg)
		if !ok {
			return Refuse("Those sources are no longer available; ask again to see them.")
		}
		var srcs []answer.Source
		for _, id := range list {
			src, err := sb.source(ctx, x, id)
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

// MemorySources is a [SourceStore] in memory, bounded in size: it forgets
// the oldest lists beyond its capacity, and everything on restart.
type MemorySources struct {
	mu    sync.Mutex
	n     int
	lists map[string]memList
}

type memList struct {
	ids []string
	at  time.Time
}

var _ SourceStore = (*MemorySources)(nil)

// NewMemorySources returns a store of at most n lists (1000 when n <= 0).
func NewMemorySources(n int) *MemorySources {
	if n <= 0 {
		n = 1000
	}
	return &MemorySources{n: n, lists: map[string]memList{}}
}

// PutSources implements [SourceStore].
func (m *MemorySources) PutSources(ctx context.Context, key string, ids []string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lists[key] = memList{ids: append([]string(nil), ids...), at: at}
	for len(m.lists) > m.n {
		oldest := ""
		for k, l := range m.lists {
			if oldest == "" || l.at.Before(m.lists[oldest].at) || l.at.Equal(m.lists[oldest].at) && k < oldest {
				oldest = k
			}
		}
		delete(m.lists, oldest)
	}
	return nil
}

// Sources implements [SourceStore].
func (m *MemorySources) Sources(ctx context.Context, key string) ([]string, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.lists[key]
	if !ok {
		return nil, false, nil
	}
	return append([]string(nil), l.ids...), true, nil
}

// PruneSources implements [SourceStore].
func (m *MemorySources) PruneSources(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, l := range m.lists {
		if l.at.Before(before) {
			delete(m.lists, k)
			n++
		}
	}
	return n, nil
}
