// Package qa is the domain of moderated Q&A sessions: their types, the rules
// every store keeps, duplicate grouping and the Markdown transcript. It knows
// nothing of Discord or of SQL: the Discord side is storybot/bot/qa, and
// storage is behind [Store], implemented by storybot/qa/sqlite (a SQLite
// file) and storybot/qa/memstore (memory); storybot/qa/qatest is the suite
// every implementation passes.
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
// An approved question waits for a moderator; [Decisions.NextApproved] hands
// out the top-voted one and marks it posted (PostedAt) without changing its
// status, so it can still be answered later.
//
// A question whose wording is close to an open (pending or approved) question of
// the same session is stored as a duplicate: its GroupID names the canonical
// question, whose AlsoAsked lists the duplicates' askers. Duplicates have no
// card and no votes of their own: they are decided together with their
// canonical question (same status, answer and decider, at once), and
// [Decisions.Decide] and [Decisions.ToggleVote] given a duplicate's ID act on
// its canonical question. See [Similar] and [Canonical] for the comparison.
//
// # Guarantees every Store keeps
//
// Every read and write takes a guild ID and never sees another guild's rows.
// Every state change is recorded together with its [AuditEntry], atomically.
// Of several concurrent decisions on a question exactly one wins; the others
// get a [*DecidedError]. Failures callers branch on wrap the sentinel errors
// below. Times are kept to the millisecond and returned in UTC.
package qa

import (
	"errors"
	"fmt"
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
)

// Limits on text, counted in characters (runes) after trimming spaces.
// They bound what a store keeps; the bot refuses longer text before it
// gets here, with the limits it was configured with.
const (
	// MaxQuestionLen is the longest question a store accepts.
	MaxQuestionLen = 1000
	// MaxAnswerLen is the longest answer or draft accepted.
	MaxAnswerLen = 4000
	// MaxReasonLen is the longest rejection reason accepted.
	MaxReasonLen = 1000
	// MaxTitleLen is the longest session title accepted.
	MaxTitleLen = 200
)

// BotActor is the actor ID recorded in the audit log for changes the bot
// makes on its own (e.g. [Messages.SetCard]), and for changes whose actor
// is empty.
const BotActor = "bot"

// Invalidf returns an error matching [ErrInvalidInput] that says what is
// wrong with the input.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}
