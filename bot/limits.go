package bot

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter holds one token bucket per key (a user or a channel), keeping
// at most a bounded number of keys: the least recently used one is dropped
// first, which at worst forgives someone who has been quiet the longest.
type Limiter struct {
	perMinute float64
	burst     int
	max       int

	mu    sync.Mutex
	order *list.List // of *limiterEntry, most recent first
	byKey map[string]*list.Element
}

type limiterEntry struct {
	key string
	lim *rate.Limiter
}

// NewLimiter returns a limiter allowing perMinute events a minute per key
// with bursts of burst, remembering up to maxKeys keys (10000 when
// maxKeys <= 0). perMinute <= 0 means no limit.
func NewLimiter(perMinute float64, burst, maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = 10000
	}
	return &Limiter{
		perMinute: perMinute,
		burst:     max(burst, 1),
		max:       maxKeys,
		order:     list.New(),
		byKey:     make(map[string]*list.Element),
	}
}

// Allow reports whether key may act at now; if not, it also returns how long
// until it may.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, wait time.Duration) {
	if l == nil || l.perMinute <= 0 {
		return true, 0
	}
	lim := l.get(key)
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Len returns the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}

func (l *Limiter) get(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.byKey[key]; ok {
		l.order.MoveToFront(e)
		return e.Value.(*limiterEntry).lim
	}
	for len(l.byKey) >= l.max {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.byKey, last.Value.(*limiterEntry).key)
	}
	lim := rate.NewLimiter(rate.Limit(l.perMinute/60), l.burst)
	l.byKey[key] = l.order.PushFront(&limiterEntry{key: key, lim: lim})
	return lim
}
