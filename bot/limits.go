package bot

import (
	"time"

	"golang.org/x/time/rate"

	"storybot/bot/internal/lru"
)

// Limiter holds one token bucket per key (a user or a channel), keeping
// at most a bounded number of keys: the least recently used one is dropped
// first, which at worst forgives someone who has been quiet the longest.
type Limiter struct {
	perMinute float64
	burst     int
	buckets   *lru.Cache[string, *rate.Limiter]
}

// NewLimiter returns a limiter allowing perMinute events a minute per key
// with bursts of burst, remembering up to maxKeys keys (10000 when
// maxKeys <= 0). perMinute <= 0 means no limit.
func NewLimiter(perMinute float64, burst, maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = 10000
	}
	return &Limiter{perMinute: perMinute, burst: max(burst, 1), buckets: lru.New[string, *rate.Limiter](maxKeys)}
}

// Allow reports whether key may act at now; if not, it also returns how long
// until it may.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, wait time.Duration) {
	if l == nil || l.perMinute <= 0 {
		return true, 0
	}
	lim := l.buckets.GetOrPut(key, func() *rate.Limiter {
		return rate.NewLimiter(rate.Limit(l.perMinute/60), l.burst)
	})
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Len returns the number of keys remembered.
func (l *Limiter) Len() int { return l.buckets.Len() }
