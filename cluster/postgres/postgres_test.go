package postgres

import (
	"context"
	"testing"

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
