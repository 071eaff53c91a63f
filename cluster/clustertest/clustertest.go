// Package clustertest is the conformance suite of [cluster.Coordinator]:
// every backend runs [Run] in its tests.
//
//	func TestCoordinator(t *testing.T) {
//		clustertest.Run(t, func(t *testing.T) []cluster.Coordinator {
//			return []cluster.Coordinator{open(t), open(t)} // handles on one new, empty store
//		})
//	}
//
// newHandles returns one or more handles on the same new, empty store,
// standing for processes; a backend that lives in one process returns one.
package clustertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"storybot/cluster"
)

// Run runs the suite, each subtest on new handles.
func Run(t *testing.T, newHandles func(t *testing.T) []cluster.Coordinator) {
	tests := []struct {
		name string
		test func(*testing.T, []cluster.Coordinator)
	}{
		{"Leases", testLeases},
		{"LeaseExpires", testLeaseExpires},
		{"ConcurrentAcquire", testConcurrentAcquire},
		{"Gate", testGate},
		{"Once", testOnce},
		{"ConcurrentOnce", testConcurrentOnce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHandles(t)
			if len(hs) == 0 {
				t.Fatal("newHandles returned no handle")
			}
			tt.test(t, hs)
		})
	}
}

// of returns the i-th handle, going round.
func of(hs []cluster.Coordinator, i int) cluster.Coordinator { return hs[i%len(hs)] }

func acquire(t *testing.T, c cluster.Leases, name, holder string, ttl time.Duration) bool {
	t.Helper()
	ok, err := c.Acquire(context.Background(), name, holder, ttl)
	if err != nil {
		t.Fatalf("Acquire(%s, %s): %v", name, holder, err)
	}
	return ok
}

func testLeases(t *testing.T, hs []cluster.Coordinator) {
	ctx := context.Background()
	a, b := of(hs, 0), of(hs, 1)
	if !acquire(t, a, "shard/2/0", "p1", time.Minute) {
		t.Fatal("Acquire of a free lease = false, want true")
	}
	if acquire(t, b, "shard/2/0", "p2", time.Minute) {
		t.Error("Acquire of a lease another holds = true, want false")
	}
	if !acquire(t, a, "shard/2/0", "p1", time.Minute) {
		t.Error("Acquire by the holder (a renewal) = false, want true")
	}
	if !acquire(t, b, "shard/2/1", "p2", time.Minute) || !acquire(t, b, "member/p2", "p2", time.Minute) {
		t.Fatal("Acquire of other free leases = false, want true")
	}
	held, err := b.Held(ctx, "shard/")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"shard/2/0": "p1", "shard/2/1": "p2"}; !mapsEqual(held, want) {
		t.Errorf("Held(shard/) = %v, want %v", held, want)
	}
	// Release by someone else does nothing; by the holder frees it.
	if err := b.Release(ctx, "shard/2/0", "p2"); err != nil {
		t.Fatal(err)
	}
	if acquire(t, b, "shard/2/0", "p2", time.Minute) {
		t.Error("Release by another holder freed the lease")
	}
	if err := a.Release(ctx, "shard/2/0", "p1"); err != nil {
		t.Fatal(err)
	}
	if !acquire(t, b, "shard/2/0", "p2", time.Minute) {
		t.Error("Acquire after the holder released = false, want true")
	}
	if err := a.Release(ctx, "nothing/here", "p1"); err != nil {
		t.Errorf("Release of an unknown lease = %v, want nil", err)
	}
	held, err = a.Held(ctx, "member/")
	if err != nil || !mapsEqual(held, map[string]string{"member/p2": "p2"}) {
		t.Errorf("Held(member/) = %v, %v; want member/p2", held, err)
	}
}

func testLeaseExpires(t *testing.T, hs []cluster.Coordinator) {
	ctx := context.Background()
	a, b := of(hs, 0), of(hs, 1)
	const ttl = 300 * time.Millisecond
	if !acquire(t, a, "shard/1/0", "p1", ttl) {
		t.Fatal("Acquire of a free lease = false")
	}
	time.Sleep(ttl + 200*time.Millisecond)
	held, err := b.Held(ctx, "shard/")
	if err != nil || len(held) != 0 {
		t.Errorf("Held after expiry = %v, %v; want none", held, err)
	}
	if !acquire(t, b, "shard/1/0", "p2", time.Minute) {
		t.Fatal("Acquire of an expired lease = false, want true")
	}
	if acquire(t, a, "shard/1/0", "p1", time.Minute) {
		t.Error("the old holder renewed a lease taken over after it expired")
	}
}

func testConcurrentAcquire(t *testing.T, hs []cluster.Coordinator) {
	for round := range 5 {
		name := fmt.Sprintf("shard/4/%d", round)
		const n = 10
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := of(hs, i).Acquire(context.Background(), name, fmt.Sprintf("p%d", i), time.Minute)
				if err != nil {
					t.Errorf("Acquire: %v", err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("round %d: %d of %d concurrent acquirers won, want exactly 1", round, wins.Load(), n)
		}
	}
}

func testGate(t *testing.T, hs []cluster.Coordinator) {
	const interval = 250 * time.Millisecond
	const n = 4
	var mu sync.Mutex
	var passed []time.Time
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := of(hs, i).Pass(context.Background(), "identify/0", interval); err != nil {
				t.Errorf("Pass: %v", err)
				return
			}
			mu.Lock()
			passed = append(passed, time.Now())
			mu.Unlock()
		}()
	}
	// Another bucket does not wait for this one.
	if err := of(hs, 1).Pass(context.Background(), "identify/1", interval); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > interval {
		t.Errorf("Pass of another bucket took %v, want no wait", d)
	}
	wg.Wait()
	slices.SortFunc(passed, func(a, b time.Time) int { return a.Compare(b) })
	// A caller reads the clock some time after its pass is recorded, and on
	// a loaded machine that time varies: a late reading of one pass
	// shortens the gap after it by as much. So each gap gets generous
	// slack, and the whole span, where only the first and last readings'
	// lateness counts, gets a little. A gate that does not hold callers
	// apart fails both by far.
	const slack = interval / 2
	for i := 1; i < len(passed); i++ {
		if gap := passed[i].Sub(passed[i-1]); gap < interval-slack {
			t.Errorf("passes %d and %d were %v apart, want about %v", i-1, i, gap, interval)
		}
	}
	if len(passed) == n {
		if span, want := passed[n-1].Sub(passed[0]), (n-1)*interval-slack; span < want {
			t.Errorf("%d passes spanned %v, want at least %v", n, span, want)
		}
	}
	// A caller whose context ends while waiting gets its error.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := of(hs, 0).Pass(ctx, "identify/0", time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Pass with an ending context = %v, want context.DeadlineExceeded", err)
	}
}

func testOnce(t *testing.T, hs []cluster.Coordinator) {
	ctx := context.Background()
	runs := 0
	do := func(context.Context) error { runs++; return nil }
	once := func(c cluster.Coordinator, version string) bool {
		t.Helper()
		ran, err := c.Once(ctx, "commands/global", version, do)
		if err != nil {
			t.Fatal(err)
		}
		return ran
	}
	if !once(of(hs, 0), "v1") || once(of(hs, 1), "v1") || once(of(hs, 0), "v1") {
		t.Error("Once ran v1 other than exactly once")
	}
	if !once(of(hs, 1), "v2") || once(of(hs, 0), "v2") {
		t.Error("Once ran v2 other than exactly once")
	}
	// Another key is separate.
	if ran, err := of(hs, 0).Once(ctx, "commands/guild/1", "v1", do); err != nil || !ran {
		t.Errorf("Once of another key = %v, %v; want it run", ran, err)
	}
	if runs != 3 {
		t.Errorf("do ran %d times, want 3", runs)
	}
	// A failed run is not recorded.
	boom := errors.New("boom")
	if _, err := of(hs, 0).Once(ctx, "commands/global", "v3", func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Once with a failing do = %v, want its error", err)
	}
	if !once(of(hs, 1), "v3") {
		t.Error("Once after a failed run did not run again")
	}
}

func testConcurrentOnce(t *testing.T, hs []cluster.Coordinator) {
	var runs atomic.Int32
	var ran atomic.Int32
	var wg sync.WaitGroup
	const n = 8
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := of(hs, i).Once(context.Background(), "register", "v1", func(context.Context) error {
				runs.Add(1)
				time.Sleep(50 * time.Millisecond) // others must wait, not run beside it
				return nil
			})
			if err != nil {
				t.Errorf("Once: %v", err)
			}
			if r {
				ran.Add(1)
			}
		}()
	}
	wg.Wait()
	if runs.Load() != 1 || ran.Load() != 1 {
		t.Errorf("%d concurrent Once: do ran %d times, %d reported running; want 1 and 1", n, runs.Load(), ran.Load())
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
