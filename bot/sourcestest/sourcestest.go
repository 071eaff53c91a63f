// Package sourcestest is the conformance suite of [bot.SourceStore]: every
// implementation runs [Run] in its tests.
//
//	func TestSourceStore(t *testing.T) {
//		sourcestest.Run(t, func(t *testing.T) bot.SourceStore { return open(t) })
//	}
package sourcestest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"storybot/bot"
)

// Run checks the store that newStore returns (a fresh, empty one on each
// call): lists come back as they were put, a key put again is replaced,
// unknown keys are not found, pruning forgets exactly the lists stamped
// before its time, and concurrent use is safe.
func Run(t *testing.T, newStore func(t *testing.T) bot.SourceStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	long := []string{"pride-and-prejudice/1204/3", "pride-and-prejudice/1204/4", "pride-and-prejudice/1205/1",
		"pride-and-prejudice/1206/2", "pride-and-prejudice/17/1", "dracula/88/9", "a, with a comma/1/1", "ünïcode/2/2"}

	t.Run("put and get", func(t *testing.T) {
		s := newStore(t)
		if err := s.PutSources(ctx, "k1", long, t0); err != nil {
			t.Fatal(err)
		}
		got, found, err := s.Sources(ctx, "k1")
		if err != nil || !found || !slices.Equal(got, long) {
			t.Errorf("Sources(k1) = %q, %v, %v; want %q", got, found, err, long)
		}
		if got, found, err := s.Sources(ctx, "nope"); err != nil || found || got != nil {
			t.Errorf("Sources(nope) = %q, %v, %v; want nothing found", got, found, err)
		}
		// The store keeps its own copy.
		in := []string{"a/1/1", "b/2/2"}
		if err := s.PutSources(ctx, "k2", in, t0); err != nil {
			t.Fatal(err)
		}
		in[0] = "changed"
		if got, _, _ := s.Sources(ctx, "k2"); len(got) != 2 || got[0] != "a/1/1" {
			t.Errorf("Sources(k2) = %q after the caller changed its slice", got)
		}
	})
	t.Run("put again replaces", func(t *testing.T) {
		s := newStore(t)
		if err := s.PutSources(ctx, "k", []string{"x/1/1"}, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.PutSources(ctx, "k", []string{"y/2/2", "z/3/3"}, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, found, err := s.Sources(ctx, "k"); err != nil || !found || !slices.Equal(got, []string{"y/2/2", "z/3/3"}) {
			t.Errorf("Sources(k) = %q, %v, %v; want the second list", got, found, err)
		}
		// The stamp was refreshed too: pruning before the second put keeps it.
		if n, err := s.PruneSources(ctx, t0.Add(time.Minute)); err != nil || n != 0 {
			t.Errorf("PruneSources after a refresh = %d, %v; want 0", n, err)
		}
	})
	t.Run("prune", func(t *testing.T) {
		s := newStore(t)
		for i := range 5 {
			if err := s.PutSources(ctx, fmt.Sprint("k", i), []string{fmt.Sprint("d/", i, "/1")}, t0.Add(time.Duration(i)*24*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PruneSources(ctx, t0.Add(2*24*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("PruneSources = %d, %v; want 2 (k0, k1)", n, err)
		}
		for i := range 5 {
			_, found, err := s.Sources(ctx, fmt.Sprint("k", i))
			if err != nil || found != (i >= 2) {
				t.Errorf("after pruning, Sources(k%d) found %v, %v; want %v", i, found, err, i >= 2)
			}
		}
		if n, err := s.PruneSources(ctx, t0.Add(2*24*time.Hour)); err != nil || n != 0 {
			t.Errorf("second PruneSources = %d, %v; want 0", n, err)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 20 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				errs <- s.PutSources(ctx, fmt.Sprint("c", i%5), []string{fmt.Sprint("doc/", i, "/1")}, t0)
			}()
			go func() {
				defer wg.Done()
				_, _, err := s.Sources(ctx, fmt.Sprint("c", i%5))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		for i := range 5 {
			if got, found, err := s.Sources(ctx, fmt.Sprint("c", i)); err != nil || !found || len(got) != 1 {
				t.Errorf("Sources(c%d) = %q, %v, %v; want one of the lists put", i, got, found, err)
			}
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.PutSources(cctx, "k", []string{"x/1/1"}, t0); err == nil {
			t.Errorf("PutSources with a cancelled context = nil, want an error")
		}
	})
}
