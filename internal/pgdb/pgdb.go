// Package pgdb opens storybot's PostgreSQL database and keeps the schema
// of each part that stores tables in it (the Q&A store, the coordination of
// processes) at its latest version.
//
// Each part owns a set of migrations, embedded files named NNN_name.sql
// with NNN = 001, 002, … (read by storybot/internal/migration), applied in
// order by [Migrate] and recorded in the
// table schema_migrations under the part's name. [Migrate] runs them in
// one transaction under an advisory lock, so that when several processes
// start together exactly one applies them and the others find them done.
// Never edit an applied migration; add one.
package pgdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storybot/internal/migration"
)

// ErrSchemaTooNew means the database was migrated by a newer storybot.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// Open connects to the database at url (postgres://user:password@host:port/db?…,
// or the key=value form) and checks that it answers within 10 s. Every
// connection gets application_name storybot unless url names one. The
// caller closes the pool.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", Redact(err))
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "storybot"
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", Where(cfg.ConnConfig), err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", Where(cfg.ConnConfig), err)
	}
	return pool, nil
}

// Where names the server and database of cfg, without the password, for
// messages and logs: "storybot@db.example:5432/storybot".
func Where(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// Redact drops what a URL parse error would quote of the URL, which may
// hold the password.
func Redact(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "postgres"); i >= 0 && strings.Contains(msg[i:], "@") {
		return errors.New("cannot parse the URL (check its form: postgres://user:password@host:port/database)")
	}
	return err
}

// LockClass is the first key of the advisory locks storybot takes; the
// second is made from what is locked, with the current schema, e.g.
// hashtext(current_schema() || '/migrate/qa').
const LockClass = 0x5707

// Migrate applies the migrations of part newer than the version recorded
// for it, all in one transaction holding an advisory lock on the part (in
// the current schema), and records each. Processes that start together
// wait for one another; only the first applies anything. It returns how
// many it applied, and [ErrSchemaTooNew] when the database records a
// version this program does not know.
func Migrate(ctx context.Context, pool *pgxpool.Pool, part string, ms []migration.Migration, logger *slog.Logger) (int, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	applied := 0
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/migrate/' || $2))`,
			LockClass, part); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			part       text        NOT NULL,
			version    integer     NOT NULL,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (part, version))`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var cur int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations WHERE part = $1`, part).Scan(&cur); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if cur > len(ms) {
			return fmt.Errorf("%w: %s is at version %d, this program knows %d", ErrSchemaTooNew, part, cur, len(ms))
		}
		for _, m := range ms[cur:] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (part, version, name) VALUES ($1, $2, $3)`,
				part, m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %s: record it: %w", m.Name, err)
			}
			applied++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("migrate %s: %w", part, err)
	}
	for _, m := range ms[len(ms)-applied:] {
		logger.Info("database: applied migration", "part", part, "version", m.Version, "name", m.Name)
	}
	return applied, nil
}

// Version returns the number of migrations of part applied, 0 when none.
func Version(ctx context.Context, pool *pgxpool.Pool, part string) (int, error) {
	var v int
	err := pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations WHERE part = $1`, part).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", part, err)
	}
	return v, nil
}
