// Package testclock is the deterministic clock the stores' conformance
// suites (storybot/qa/qatest, storybot/library/librarytest) run on.
package testclock

import (
	"sync"
	"time"
)

// T0 is when the clocks of [New] start.
var T0 = time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)

// New returns a deterministic clock that starts at [T0] and moves one
// minute on at every reading. It is safe for concurrent use.
func New() func() time.Time {
	var mu sync.Mutex
	t := T0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Minute)
		return t
	}
}
