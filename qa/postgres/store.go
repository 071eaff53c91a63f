// Package postgres is the PostgreSQL adapter of storybot/qa: a [qa.Store]
// (github.com/jackc/pgx/v5) for a bot run as several processes on one
// database, with the feedback on the bot's answers, the citation lists of
// its Sources buttons (see [Store.PutSources]) and the servers' libraries
// (a storybot/library.Store; see [Store.AddBook]) in the same database.
//
// Its schema is the migrations in migrations/, applied by
// storybot/internal/pgdb under the part name "qa": once, however many
// processes start together. Every Q&A change and its audit entry are one
// transaction. Changes to a question lock its canonical question's row
// first (SELECT … FOR UPDATE), and changes to a session's questions hold its
// session's row, so of several concurrent decisions exactly one wins and
// the others read the winner; submissions to one session are serialized,
// so near-duplicates group as they do in one process. A guild's book adds
// take turns on an advisory lock, so that its limit of books holds. Times
// are kept to the millisecond, as timestamptz.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"storybot/internal/migration"
	"storybot/internal/pgdb"
	"storybot/qa"
)

var _ qa.Store = (*Store)(nil)

// Part is the name the store's migrations are recorded under.
const Part = "qa"

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations is every embedded migration, in version order.
var migrations = migration.MustLoad(migrationFS, "migrations")

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	own  bool // Close closes the pool
	log  *slog.Logger
	now  func() time.Time // the clock; tests replace it
}

// Open connects to the database at url (see [pgdb.Open]), migrates it to
// the latest schema and returns the store, which owns the connection pool.
// logger may be nil, which discards logs. Callers must call [Store.Close].
func Open(ctx context.Context, url string, logger *slog.Logger) (*Store, error) {
	pool, err := pgdb.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s, err := New(ctx, pool, logger)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.own = true
	return s, nil
}

// New migrates the database of pool to the latest schema and returns a
// store on it; [Store.Close] leaves the pool open. logger may be nil.
func New(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if _, err := pgdb.Migrate(ctx, pool, Part, migrations, logger); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return &Store{pool: pool, log: logger, now: time.Now}, nil
}

// Pool returns the store's connection pool, for other parts that keep
// tables in the same database.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}

// SchemaVersion reports how many of the store's migrations were applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return pgdb.Version(ctx, s.pool, Part)
}

// Close closes the pool when the store opened it ([Open]). Calls after the
// first do nothing.
func (s *Store) Close() error {
	if s.own {
		s.own = false
		s.pool.Close()
	}
	return nil
}

// inTx runs fn in a transaction and commits it when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// stamp returns the current time, kept to the millisecond, in UTC.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// querier is what a pool and a transaction share.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

type rowScanner interface{ Scan(dest ...any) error }

// collect scans every row with scan, closing rows; no rows give nil.
func collect[T any](rows pgx.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	return pgx.AppendRows([]T(nil), rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}

// utc returns a nullable time in UTC; NULL is the zero time.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullTime is t as a nullable column: NULL for the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// isUnique reports whether err is a unique constraint violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// audit appends an entry inside tx; every state change calls it in the same
// transaction as the change.
func (s *Store) audit(ctx context.Context, tx pgx.Tx, at time.Time, guildID, actor, action, kind string, target any, detail string) error {
	var id string
	switch t := target.(type) {
	case int64:
		id = strconv.FormatInt(t, 10)
	case string:
		id = t
	default:
		id = fmt.Sprint(t)
	}
	if actor == "" {
		actor = qa.BotActor
	}
	_, err := tx.Exec(ctx,
		`INSERT INTO audit (at, guild_id, actor_id, action, target_kind, target_id, detail)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)`, at, guildID, actor, action, kind, id, detail)
	if err != nil {
		return fmt.Errorf("write audit %s: %w", action, err)
	}
	return nil
}

// Audit implements [qa.AuditLog.Audit].
func (s *Store) Audit(ctx context.Context, guildID string, limit int) ([]qa.AuditEntry, error) {
	if limit <= 0 {
		limit = qa.DefaultAuditLimit
	}
	rows, err := s.pool.Query(ctx,
		`SELECT id, at, guild_id, actor_id, action, target_kind, target_id, detail
		 FROM audit WHERE guild_id = $1 ORDER BY id DESC LIMIT $2`, guildID, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (qa.AuditEntry, error) {
		var e qa.AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.GuildID, &e.ActorID, &e.Action, &e.TargetKind, &e.TargetID, &e.Detail)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	return out, nil
}
