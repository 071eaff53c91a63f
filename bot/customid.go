package bot

import (
	"strconv"
	"strings"
	"sync/atomic"
)

// Custom IDs of the buttons under an answer. Discord allows 1–100 characters.
const (
	maxCustomID = 100

	// sourcesPrefix is followed by comma-separated citation IDs.
	sourcesPrefix = "src:"
	// sourcesKeyPrefix is followed by a key into [SourceIDs]'s memory, for
	// citation lists too long to spell out.
	sourcesKeyPrefix = "srk:"

	// FeedbackUp and FeedbackDown are the custom IDs of the 👍 and 👎 buttons.
	FeedbackUp   = "fb:+1"
	FeedbackDown = "fb:-1"
)

// SourceIDs encodes the citation IDs behind a "Sources" button into its
// custom_id. Lists that fit are spelled out ("src:doc/1/2,doc/3/1"), so they
// work across restarts; longer ones get a key into a bounded memory
// ("srk:42") and expire once it holds newer lists.
type SourceIDs struct {
	next atomic.Uint64
	mem  *lru[string, []string]
}

// NewSourceIDs returns an encoder that remembers up to n long lists (1000
// when n <= 0).
func NewSourceIDs(n int) *SourceIDs {
	if n <= 0 {
		n = 1000
	}
	return &SourceIDs{mem: newLRU[string, []string](n)}
}

// Encode returns the custom_id for ids, at most 100 characters.
func (c *SourceIDs) Encode(ids []string) string {
	id := sourcesPrefix + strings.Join(ids, ",")
	if len(id) <= maxCustomID && !strings.Contains(strings.Join(ids, ""), ",") {
		return id
	}
	key := strconv.FormatUint(c.next.Add(1), 36)
	c.mem.put(key, append([]string(nil), ids...))
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
		return c.mem.get(strings.TrimPrefix(customID, sourcesKeyPrefix))
	}
	return nil, false
}

// isSourcesID reports whether customID belongs to a sources button.
func isSourcesID(customID string) bool {
	return strings.HasPrefix(customID, sourcesPrefix) || strings.HasPrefix(customID, sourcesKeyPrefix)
}

// feedbackValue returns +1 or -1 for a feedback button's custom_id.
func feedbackValue(customID string) (int, bool) {
	switch customID {
	case FeedbackUp:
		return 1, true
	case FeedbackDown:
		return -1, true
	}
	return 0, false
}
