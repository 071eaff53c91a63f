// Package sqlite is the SQLite adapter of storybot/qa: a [qa.Store] in one
// file (modernc.org/sqlite, no cgo), with versioned migrations, the audit
// trail in the same transactions as the changes, the feedback on the
// bot's answers, the citation lists of its Sources buttons (see
// [Store.PutSources]), and the servers' libraries, a [storybot/library.Store]
// (books with their files, the books channels talk about, reading
// progress; see [Store.AddBook]).
//
// Write transactions go through a single connection and begin IMMEDIATE, so
// concurrent writers, in this process or another one on the same file,
// queue instead of failing; reads use a separate pool and see the last
// committed state (WAL). A decision is a conditional UPDATE on the
// question's status, so of several concurrent decisions exactly one wins.
// Times are stored as Unix milliseconds.
//
// The file format is fixed by the migrations in migrations/: never edit an
// applied one, add one.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"storybot/qa"
)

var _ qa.Store = (*Store)(nil)

// ErrSchemaTooNew means the file was migrated by a newer storybot.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// busyTimeout is how long a connection waits for a lock held by another
// process before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// readConns is the size of the read pool; WAL lets readers run beside the writer.
const readConns = 4

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	w   *sql.DB // single connection, BEGIN IMMEDIATE: every write goes here
	r   *sql.DB // query-only pool for reads
	log *slog.Logger
	now func() time.Time // the clock; tests replace it
}

// Open opens the SQLite database at path, creating the file if needed, and
// migrates it to the latest schema. It enables WAL, foreign keys and a busy
// timeout of 10s. The path must name a file (not ":memory:") without "?" or
// "#". logger may be nil, which discards logs. Callers choose the path
// (storybot's default is "storybot.db") and must call [Store.Close].
func Open(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	// Reads and writes use separate connections, so they must share a file;
	// "?" and "#" would be taken for the start of the DSN's query.
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open store: %w", qa.Invalidf("path %q is not a plain file path", path))
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	pragmas := url.Values{}
	pragmas.Add("_pragma", "busy_timeout("+strconv.Itoa(int(busyTimeout/time.Millisecond))+")")
	pragmas.Add("_pragma", "foreign_keys(1)")
	pragmas.Add("_pragma", "synchronous(NORMAL)")

	wq := url.Values{"_txlock": {"immediate"}}
	for _, p := range pragmas["_pragma"] {
		wq.Add("_pragma", p)
	}
	wq.Add("_pragma", "journal_mode(WAL)")
	w, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// One writer: SQLite allows one at a time anyway, and queuing in the pool
	// avoids SQLITE_BUSY and lock-upgrade deadlocks between our own connections.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{w: w, log: logger, now: time.Now}
	if err := s.migrate(ctx, migrations); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}

	rq := url.Values{}
	for _, p := range pragmas["_pragma"] {
		rq.Add("_pragma", p)
	}
	rq.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.r = r
	return s, nil
}

// Close closes the database. Calls after the first return nil.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE) and commits it when
// fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// stamp returns the current time in Unix milliseconds.
func (s *Store) stamp() int64 { return s.now().UnixMilli() }

// fromMillis converts a nullable Unix-millisecond column; NULL is the zero time.
func fromMillis(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}
