package shard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"storybot/cluster"
)

// fleet records the connections of several managers, failing the test when
// two run one shard at once.
type fleet struct {
	t       *testing.T
	mu      sync.Mutex
	holder  map[int]string // shard → the process whose connection runs
	started []string       // "p1:0", … in order
}

func (f *fleet) connect(name string) func(ctx context.Context, s Shard) error {
	return func(ctx context.Context, s Shard) error {
		if err := s.BeforeIdentify(ctx); err != nil {
			return nil
		}
		f.mu.Lock()
		if h, ok := f.holder[s.ID]; ok {
			f.t.Errorf("%s connects shard %d while %s runs it", name, s.ID, h)
		}
		f.holder[s.ID] = name
		f.started = append(f.started, fmt.Sprintf("%s:%d", name, s.ID))
		f.mu.Unlock()
		<-ctx.Done()
		f.mu.Lock()
		delete(f.holder, s.ID)
		f.mu.Unlock()
		return nil
	}
}

func (f *fleet) holders() map[int]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[int]string{}
	for k, v := range f.holder {
		out[k] = v
	}
	return out
}

// mortal are leases a process can die with: after die, it neither renews
// nor releases anything.
type mortal struct {
	Leases
	mu   sync.Mutex
	dead bool
	hang bool // calls wait for their context instead of failing
}

func (m *mortal) die() { m.mu.Lock(); m.dead = true; m.mu.Unlock() }
func (m *mortal) isDead() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dead
}

func (m *mortal) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if m.isDead() {
		m.mu.Lock()
		hang := m.hang
		m.mu.Unlock()
		if hang {
			<-ctx.Done()
			return false, ctx.Err()
		}
		return false, errors.New("dead")
	}
	return m.Leases.Acquire(ctx, name, holder, ttl)
}

func (m *mortal) Release(ctx context.Context, name, holder string) error {
	if m.isDead() {
		return nil
	}
	return m.Leases.Release(ctx, name, holder)
}

const lease = 600 * time.Millisecond

type proc struct {
	m      *Manager
	leases *mortal
	cancel context.CancelFunc
	done   chan error
}

func startProc(t *testing.T, f *fleet, c *cluster.Local, name string, count int) *proc {
	t.Helper()
	p := &proc{leases: &mortal{Leases: c}, done: make(chan error, 1)}
	m, err := New(Options{Count: count, Leases: p.leases, Gate: c, Holder: name, Lease: lease,
		IdentifyInterval: 20 * time.Millisecond, Connect: f.connect(name),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	p.m = m
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() { p.done <- m.Run(ctx) }()
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *proc) stop(t *testing.T) {
	p.cancel()
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
		p.done <- nil
	case <-time.After(5 * time.Second):
		t.Error("Run did not return within 5 s of cancel")
	}
}

// waitFor polls cond for up to d and reports how long it took.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func TestShare(t *testing.T) {
	c := cluster.NewLocal()
	f := &fleet{t: t, holder: map[int]string{}}
	p1 := startProc(t, f, c, "p1", 4)
	p2 := startProc(t, f, c, "p2", 4)
	waitFor(t, 10*lease, "each process holds two shards", func() bool {
		return len(p1.m.Held()) == 2 && len(p2.m.Held()) == 2 && len(f.holders()) == 4
	})
	// A third process gets its share from the others.
	p3 := startProc(t, f, c, "p3", 4)
	waitFor(t, 10*lease, "the third process holds a shard", func() bool {
		return len(p3.m.Held()) >= 1 && len(f.holders()) == 4
	})
	for _, p := range []*proc{p1, p2, p3} {
		if n := len(p.m.Held()); n < 1 || n > 2 {
			t.Errorf("a process holds %d shards of 4 among 3, want 1 or 2", n)
		}
	}
}

// TestTakeOver: the shards of a process that dies are taken within 4/3 of
// the lease; those of one that stops, within a third.
func TestTakeOver(t *testing.T) {
	c := cluster.NewLocal()
	f := &fleet{t: t, holder: map[int]string{}}
	p1 := startProc(t, f, c, "p1", 2)
	p2 := startProc(t, f, c, "p2", 2)
	waitFor(t, 10*lease, "one shard each", func() bool { return len(p1.m.Held()) == 1 && len(p2.m.Held()) == 1 })
	lost := p2.m.Held()[0]

	// p2 dies: its connection goes (the process is gone), its leases stay.
	p2.leases.die()
	p2.cancel()
	<-p2.done
	p2.done <- nil
	took := waitFor(t, 3*lease, "p1 takes the dead process's shard", func() bool { return f.holders()[lost] == "p1" })
	t.Logf("shard taken over %v after the death (lease %v)", took, lease)
	if took > lease*4/3+lease/6 {
		t.Errorf("taken over after %v, want within %v", took, lease*4/3)
	}

	// A new process gets one back; then it stops gracefully.
	p3 := startProc(t, f, c, "p3", 2)
	waitFor(t, 10*lease, "p3 holds a shard", func() bool { return len(p3.m.Held()) == 1 && len(f.holders()) == 2 })
	gone := p3.m.Held()[0]
	p3.stop(t)
	took = waitFor(t, 2*lease, "p1 takes the stopped process's shard", func() bool { return f.holders()[gone] == "p1" })
	t.Logf("shard taken %v after a graceful stop", took)
	if took > lease/3+lease/6 {
		t.Errorf("taken after %v, want within %v", took, lease/3)
	}
}

// TestLostDatabase: a process that cannot renew, because the database
// refuses or does not answer at all, closes its shards before their leases
// expire, so another one never runs them beside it.
func TestLostDatabase(t *testing.T) {
	for _, hang := range []bool{false, true} {
		t.Run(fmt.Sprintf("hang=%v", hang), func(t *testing.T) {
			c := cluster.NewLocal()
			f := &fleet{t: t, holder: map[int]string{}}
			p1 := startProc(t, f, c, "p1", 1)
			waitFor(t, 10*lease, "p1 holds the shard", func() bool { return len(p1.m.Held()) == 1 })
			p1.leases.mu.Lock()
			p1.leases.hang = hang
			p1.leases.mu.Unlock()
			p1.leases.die() // the database is gone for p1, which still runs
			startProc(t, f, c, "p2", 1)
			waitFor(t, 4*lease, "p2 takes the shard", func() bool { return f.holders()[0] == "p2" })
			if held := p1.m.Held(); len(held) != 0 {
				t.Errorf("p1 still holds %v", held)
			}
		})
	}
}

func TestConnectError(t *testing.T) {
	c := cluster.NewLocal()
	boom := errors.New("4004 authentication failed")
	m, err := New(Options{Count: 2, Leases: c, Gate: c, Holder: "p", Lease: lease,
		Connect: func(ctx context.Context, s Shard) error {
			if s.ID == 1 {
				return boom
			}
			<-ctx.Done()
			return nil
		}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Errorf("Run = %v, want the shard's error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return on a shard's error")
	}
	if held, _ := c.Held(context.Background(), ""); len(held) != 0 {
		t.Errorf("leases left after Run returned: %v", held)
	}
}

func TestAdopt(t *testing.T) {
	c := cluster.NewLocal()
	f := &fleet{t: t, holder: map[int]string{}}
	p1 := startProc(t, f, c, "p1", 3)
	waitFor(t, 10*lease, "p1 runs 3 shards", func() bool { return len(f.holders()) == 3 })
	m, err := New(Options{Count: 5, Adopt: true, Leases: c, Gate: c, Holder: "p2", Lease: lease,
		IdentifyInterval: 20 * time.Millisecond, Connect: f.connect("p2"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*lease, "p2 takes a share", func() bool { return len(m.Held()) >= 1 })
	if m.Count() != 3 {
		t.Errorf("Count = %d, want the other process's 3", m.Count())
	}
	if ids := slices.Concat(p1.m.Held(), m.Held()); len(ids) != 3 {
		t.Errorf("held %v, want the 3 shards between them", ids)
	}
}
