package llm

import (
	"sync"
	"time"
)

// outcome is how a Generate call ended, for the breaker.
type outcome int

const (
	success outcome = iota
	failure
	neutral // the caller gave up, or the model answered but refused
)

// breaker is a consecutive-failure circuit breaker. Closed, it lets calls
// through; after threshold failures in a row it opens and rejects calls for
// cooldown; then it lets one call through (half-open): success closes it,
// failure opens it again.
type breaker struct {
	threshold int // not positive: never opens
	cooldown  time.Duration
	now       func() time.Time

	mu        sync.Mutex
	failures  int
	open      bool
	openUntil time.Time
	probing   bool
}

// allow reports whether a call may go ahead and whether it is the probe of
// a half-open breaker.
func (b *breaker) allow() (ok, probe bool) {
	if b.threshold <= 0 {
		return true, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return true, false
	}
	if b.probing || b.now().Before(b.openUntil) {
		return false, false
	}
	b.probing = true
	return true, true
}

// record notes how an allowed call ended and reports whether the breaker
// changed between open and closed.
func (b *breaker) record(o outcome, probe bool) (changed bool) {
	if b.threshold <= 0 {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	wasOpen := b.open
	switch o {
	case success:
		b.failures = 0
		b.open = false
	case failure:
		b.failures++
		if probe || b.failures >= b.threshold {
			b.open = true
			b.openUntil = b.now().Add(b.cooldown)
		}
	}
	if probe {
		b.probing = false
	}
	return b.open != wasOpen
}
