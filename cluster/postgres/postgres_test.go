package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"storybot/cluster"
	"storybot/cluster/clustertest"
	"storybot/internal/pgdb"
	"storybot/internal/pgtest"
)

func open(t *testing.T, url string) *Coordinator {
	t.Helper()
	pool, err := pgdb.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	c, err := New(context.Background(), pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCoordinator runs the suite on two coordinators with pools of their
// own on one new schema, as two processes.
func TestCoordinator(t *testing.T) {
	pgtest.Server(t)
	clustertest.Run(t, func(t *testing.T) []cluster.Coordinator {
		url := pgtest.URL(t)
		return []cluster.Coordinator{open(t, url), open(t, url)}
	})
}

// TestPassHoldsNoConnection: callers waiting at a gate hold none of the
// pool's connections, so the leases of the same process (and anything
// else on its pool) are not held up while shards queue to identify.
func TestPassHoldsNoConnection(t *testing.T) {
	pgtest.Server(t)
	url := pgtest.WithParam(t, pgtest.URL(t), "pool_max_conns", "2")
	c := open(t, url)
	const interval = 1500 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Pass(ctx, "identify/0", interval); err != nil && ctx.Err() == nil {
				t.Errorf("Pass: %v", err)
			}
		}()
	}
	defer wg.Wait()
	time.Sleep(200 * time.Millisecond) // one has passed, two wait
	start := time.Now()
	if _, err := c.Acquire(ctx, "shard/1/0", "p1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > interval/2 {
		t.Errorf("Acquire took %v while two callers waited at a gate, want no wait for a connection", d)
	}
	cancel()
}
