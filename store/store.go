// Package store persists moderated Q&A sessions, their questions, votes and
// decisions, and the 👍/👎 feedback on the bot's answers, in one SQLite file
// (modernc.org/sqlite, no cgo).
//
// # Model
//
// A [Session] is a live Q&A in one channel of a guild; a channel has at most one
// open session. Participants submit [Question]s to it. A question's
// [Status] moves only forward:
//
//	pending ──Approve (draft found)──────────────▶ answered
//	pending ──Approve (no draft answer)──▶ approved ──EditApprove/AnswerSelf──▶ answered
//	pending ──EditApprove/AnswerSelf─────────────▶ answered
//	pending ──Reject─────────────────────────────▶ rejected
//
// An approved question waits for a moderator; [Store.NextApproved] hands out
// the top-voted one and marks it posted (PostedAt) without changing its status,
// so it can still be answered later.
//
// A question whose wording is close to an open (pending or approved) question of
// the same session is stored as a duplicate: its GroupID names the canonical
// question, whose AlsoAsked lists the duplicates' askers. Duplicates have no
// card and no votes of their own: they are decided together with their
// canonical question (same status, answer and decider, in the same
// transaction), and [Store.Decide] and [Store.ToggleVote] given a duplicate's
// ID act on its canonical question. See [Similar] for the comparison.
//
// # Guarantees
//
// Every read and write takes a guild ID and never sees another guild's rows.
// Every state change happens in one transaction together with its [AuditEntry].
// Write transactions go through a single connection and begin IMMEDIATE, so
// concurrent writers queue instead of failing; reads use a separate pool and see
// the last committed state (WAL). Of several concurrent decisions on a question
// exactly one wins; the others get a [*DecidedError].
//
// Times are stored as Unix milliseconds and returned in UTC.
package store

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
)

// Sentinel errors callers branch on; match them with [errors.Is].
var (
	// ErrNotFound means the session or question does not exist in that guild.
	ErrNotFound = errors.New("not found")
	// ErrSessionActive means the channel already has an open session.
	ErrSessionActive = errors.New("a session is already running in this channel")
	// ErrSessionEnded means the session has ended and takes no more changes.
	ErrSessionEnded = errors.New("session has ended")
	// ErrAlreadyDecided matches every [*DecidedError].
	ErrAlreadyDecided = errors.New("question already decided")
	// ErrVotingClosed means the question was answered or rejected.
	ErrVotingClosed = errors.New("voting is closed for this question")
	// ErrInvalidInput wraps a message saying what is wrong with the input,
	// e.g. an empty question or one over [MaxQuestionLen].
	ErrInvalidInput = errors.New("invalid input")
	// ErrSchemaTooNew means the file was migrated by a newer storybot.
	ErrSchemaTooNew = errors.New("database schema is newer than this program")
)

// Limits on text, counted in characters (runes) after trimming spaces.
const (
	// MaxQuestionLen is the longest question accepted.
	MaxQuestionLen = 1000
	// MaxAnswerLen is the longest answer or draft accepted.
	MaxAnswerLen = 4000
	// MaxReasonLen is the longest rejection reason accepted.
	MaxReasonLen = 1000
	// MaxTitleLen is the longest session title accepted.
	MaxTitleLen = 200
)

// BotActor is the actor ID recorded in the audit log for changes the bot
// makes on its own (e.g. [Store.SetCard]).
const BotActor = "bot"

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
		return nil, fmt.Errorf("open store: %w: path %q is not a plain file path", ErrInvalidInput, path)
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

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}
