package ask

import (
	"sync"
	"time"

	"storybot/bot/internal/lru"
)

// memory keeps the recent questions of conversations (a thread, or a chain
// of replies to the bot) so follow-ups are answered in context. It is
// bounded in conversations, in questions a conversation and in age.
type memory struct {
	maxTurns int
	maxAge   time.Duration

	mu    sync.Mutex // serializes read-modify-write of turns
	turns *lru.Cache[string, []turn]
}

type turn struct {
	question string
	at       time.Time
}

func newMemory(conversations, maxTurns int, maxAge time.Duration) *memory {
	return &memory{maxTurns: maxTurns, maxAge: maxAge, turns: lru.New[string, []turn](conversations)}
}

// history returns the questions of conversation key asked after
// now-maxAge, oldest first, at most maxTurns.
func (m *memory) history(key string, now time.Time) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts, _ := m.turns.Get(key)
	var out []string
	for _, t := range ts {
		if now.Sub(t.at) <= m.maxAge {
			out = append(out, t.question)
		}
	}
	if len(out) > m.maxTurns {
		out = out[len(out)-m.maxTurns:]
	}
	return out
}

// add records question as asked in conversation key at now.
func (m *memory) add(key, question string, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts, _ := m.turns.Get(key)
	kept := make([]turn, 0, m.maxTurns)
	for _, t := range ts {
		if now.Sub(t.at) <= m.maxAge {
			kept = append(kept, t)
		}
	}
	kept = append(kept, turn{question: question, at: now})
	if len(kept) > m.maxTurns {
		kept = kept[len(kept)-m.maxTurns:]
	}
	m.turns.Put(key, kept)
}
