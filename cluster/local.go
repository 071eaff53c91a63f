package cluster

import (
	"context"
	"strings"
	"sync"
	"time"
)

var _ Coordinator = (*Local)(nil)

// Local is a [Coordinator] in memory, for a bot that runs as one process:
// its leases, gates and once-done work last as long as the process. The
// zero value is not usable; call [NewLocal].
type Local struct {
	now func() time.Time

	mu     sync.Mutex
	leases map[string]localLease
	gates  map[string]*localGate
	done   map[string]string        // key → version done
	locks  map[string]chan struct{} // key → a one-slot lock held while do runs
}

type localLease struct {
	holder  string
	expires time.Time
}

type localGate struct {
	slot chan struct{} // one slot: held while waiting to pass
	last time.Time
}

// NewLocal returns an empty in-memory coordinator on the wall clock.
func NewLocal() *Local {
	return &Local{now: time.Now, leases: map[string]localLease{}, gates: map[string]*localGate{},
		done: map[string]string{}, locks: map[string]chan struct{}{}}
}

// Acquire implements [Leases.Acquire].
func (l *Local) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	cur, ok := l.leases[name]
	if ok && cur.holder != holder && now.Before(cur.expires) {
		return false, nil
	}
	l.leases[name] = localLease{holder: holder, expires: now.Add(ttl)}
	return true, nil
}

// Release implements [Leases.Release].
func (l *Local) Release(ctx context.Context, name, holder string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.leases[name]; ok && cur.holder == holder {
		delete(l.leases, name)
	}
	return nil
}

// Held implements [Leases.Held].
func (l *Local) Held(ctx context.Context, prefix string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	out := map[string]string{}
	for name, cur := range l.leases {
		if strings.HasPrefix(name, prefix) && now.Before(cur.expires) {
			out[name] = cur.holder
		}
	}
	return out, nil
}

// Pass implements [Gate.Pass].
func (l *Local) Pass(ctx context.Context, bucket string, interval time.Duration) error {
	l.mu.Lock()
	g := l.gates[bucket]
	if g == nil {
		g = &localGate{slot: make(chan struct{}, 1)}
		l.gates[bucket] = g
	}
	l.mu.Unlock()
	select {
	case g.slot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-g.slot }()
	if wait := g.last.Add(interval).Sub(l.now()); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	g.last = l.now()
	return nil
}

// Once implements [Once.Once].
func (l *Local) Once(ctx context.Context, key, version string, do func(context.Context) error) (bool, error) {
	l.mu.Lock()
	lock := l.locks[key]
	if lock == nil {
		lock = make(chan struct{}, 1)
		l.locks[key] = lock
	}
	l.mu.Unlock()
	select {
	case lock <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-lock }()
	l.mu.Lock()
	done := l.done[key] == version
	l.mu.Unlock()
	if done {
		return false, nil
	}
	if err := do(ctx); err != nil {
		return true, err
	}
	l.mu.Lock()
	l.done[key] = version
	l.mu.Unlock()
	return true, nil
}
