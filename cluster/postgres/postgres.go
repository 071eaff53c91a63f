// Package postgres is the PostgreSQL backend of storybot/cluster: the
// leases, gates and once-done work of several bot processes on one
// database, in the tables of its migrations (part "cluster", applied by
// storybot/internal/pgdb).
//
// Every time is the server's clock (clock_timestamp()), so processes whose
// clocks differ agree on expiry and spacing. A lease is one row, taken or
// renewed by one INSERT … ON CONFLICT DO UPDATE whose WHERE admits only
// its holder or an expired row, so of concurrent acquirers exactly one
// wins. [Coordinator.Pass] moves its gate's time in one UPDATE that only
// matches once the interval is over, and waits between tries holding
// nothing; [Coordinator.Once] holds an advisory lock on its key while the
// work runs.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storybot/cluster"
	"storybot/internal/migration"
	"storybot/internal/pgdb"
)

var _ cluster.Coordinator = (*Coordinator)(nil)

// Part is the name the migrations are recorded under.
const Part = "cluster"

//go:embed migrations/*.sql
var migrationFS embed.FS

var migrations = migration.MustLoad(migrationFS, "migrations")

// Coordinator is a [cluster.Coordinator] on a PostgreSQL database. It is
// safe for concurrent use.
type Coordinator struct {
	pool *pgxpool.Pool
}

// New migrates the database of pool and returns a coordinator on it. The
// caller keeps the pool and closes it after the coordinator's last use.
// logger may be nil.
func New(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) (*Coordinator, error) {
	if _, err := pgdb.Migrate(ctx, pool, Part, migrations, logger); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	return &Coordinator{pool: pool}, nil
}

// Acquire implements [cluster.Leases.Acquire].
func (c *Coordinator) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	var got string
	err := c.pool.QueryRow(ctx, `
		INSERT INTO leases AS l (name, holder, acquired_at, expires_at)
		VALUES ($1, $2, clock_timestamp(), clock_timestamp() + $3::bigint * interval '1 millisecond')
		ON CONFLICT (name) DO UPDATE SET
			holder = excluded.holder,
			expires_at = excluded.expires_at,
			acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE excluded.acquired_at END
		WHERE l.holder = excluded.holder OR l.expires_at <= clock_timestamp()
		RETURNING holder`, name, holder, ttl.Milliseconds()).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", name, err)
	}
	return got == holder, nil
}

// Release implements [cluster.Leases.Release].
func (c *Coordinator) Release(ctx context.Context, name, holder string) error {
	if _, err := c.pool.Exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder); err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}

// Held implements [cluster.Leases.Held].
func (c *Coordinator) Held(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := c.pool.Query(ctx,
		`SELECT name, holder FROM leases WHERE starts_with(name, $1) AND expires_at > clock_timestamp()`, prefix)
	if err != nil {
		return nil, fmt.Errorf("leases %s*: %w", prefix, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, holder string
		if err := rows.Scan(&name, &holder); err != nil {
			return nil, fmt.Errorf("leases %s*: %w", prefix, err)
		}
		out[name] = holder
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("leases %s*: %w", prefix, err)
	}
	return out, nil
}

// Pass implements [cluster.Gate.Pass]. A caller passes by moving the
// gate's time to now in one UPDATE that only matches when interval has
// passed since it was last moved, so of callers in every process one
// passes at a time, interval apart by the server's clock. The others
// read how long is left and sleep holding no connection and no lock (a
// queue of shards waiting to identify must not take the pool their
// leases renew on), then try again.
func (c *Coordinator) Pass(ctx context.Context, bucket string, interval time.Duration) error {
	if _, err := c.pool.Exec(ctx,
		`INSERT INTO gates (bucket, last_at) VALUES ($1, to_timestamp(0)) ON CONFLICT (bucket) DO NOTHING`, bucket); err != nil {
		return c.passErr(ctx, bucket, err)
	}
	ms := interval.Milliseconds()
	for {
		tag, err := c.pool.Exec(ctx, `
			UPDATE gates SET last_at = clock_timestamp()
			WHERE bucket = $1 AND last_at <= clock_timestamp() - $2::bigint * interval '1 millisecond'`, bucket, ms)
		if err != nil {
			return c.passErr(ctx, bucket, err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		var waitMS float64
		if err := c.pool.QueryRow(ctx, `
			SELECT greatest(1, extract(epoch FROM last_at - clock_timestamp()) * 1000 + $2)
			FROM gates WHERE bucket = $1`, bucket, ms).Scan(&waitMS); err != nil {
			return c.passErr(ctx, bucket, err)
		}
		t := time.NewTimer(time.Duration(waitMS * float64(time.Millisecond)))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

func (c *Coordinator) passErr(ctx context.Context, bucket string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("pass gate %s: %w", bucket, err)
}

// Once implements [cluster.Once.Once]. It holds an advisory lock on key
// while do runs, so concurrent callers in every process wait for it and
// then find the work done.
func (c *Coordinator) Once(ctx context.Context, key, version string, do func(context.Context) error) (bool, error) {
	ran := false
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/once/' || $2))`,
			pgdb.LockClass, key); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var done string
		err := tx.QueryRow(ctx, `SELECT version FROM once_done WHERE key = $1`, key).Scan(&done)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err == nil && done == version {
			return nil
		}
		ran = true
		if err := do(ctx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO once_done (key, version, done_at) VALUES ($1, $2, clock_timestamp())
			ON CONFLICT (key) DO UPDATE SET version = excluded.version, done_at = excluded.done_at`, key, version)
		return err
	})
	if err != nil {
		return ran, fmt.Errorf("once %s: %w", key, err)
	}
	return ran, nil
}
