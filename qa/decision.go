package qa

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Action is a moderator's decision on a question.
type Action string

const (
	// ActionApprove posts the question with the bot's draft when the draft
	// answers it (→ answered), or approves it to wait for an answer (→ approved).
	ActionApprove Action = "approve"
	// ActionEditApprove posts the question with the moderator's edit of the
	// draft (→ answered).
	ActionEditApprove Action = "edit_approve"
	// ActionAnswerSelf posts the question with the moderator's own answer
	// (→ answered).
	ActionAnswerSelf Action = "answer_self"
	// ActionReject rejects the question with an optional reason (→ rejected).
	ActionReject Action = "reject"
)

// Decision is a moderator's click on a question card.
type Decision struct {
	GuildID    string
	QuestionID int64
	Actor      string
	ActorName  string
	Action     Action
	// Answer is required for ActionEditApprove and ActionAnswerSelf (at most
	// [MaxAnswerLen] characters) and ignored otherwise.
	Answer string
	// Citations go with Answer and are stored as given: pass the draft's
	// citations with an edited draft to keep them.
	Citations []Citation
	// Reason is the optional reason of ActionReject (at most [MaxReasonLen]
	// characters), told to the asker.
	Reason string
}

// Clean returns d with its answer and reason trimmed (and the reason
// dropped unless it rejects), or an error matching [ErrInvalidInput] for an
// unknown action, a missing or too long answer, a too long reason, or a
// missing guild or actor.
func (d Decision) Clean() (Decision, error) {
	d.Answer = strings.TrimSpace(d.Answer)
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Action != ActionReject {
		d.Reason = ""
	}
	switch d.Action {
	case ActionApprove, ActionReject:
	case ActionEditApprove, ActionAnswerSelf:
		if d.Answer == "" {
			return Decision{}, Invalidf("the answer is empty")
		}
		if utf8.RuneCountInString(d.Answer) > MaxAnswerLen {
			return Decision{}, Invalidf("the answer is longer than %d characters", MaxAnswerLen)
		}
	default:
		return Decision{}, Invalidf("unknown action %q", d.Action)
	}
	if utf8.RuneCountInString(d.Reason) > MaxReasonLen {
		return Decision{}, Invalidf("the reason is longer than %d characters", MaxReasonLen)
	}
	if d.GuildID == "" || d.Actor == "" {
		return Decision{}, Invalidf("guild and actor are required")
	}
	return d, nil
}

// Outcome is what d does to q, a pending or approved canonical question:
// its new status, its answer with citations and who wrote it, and the
// statuses from which the move is allowed (any action on a pending
// question; ActionEditApprove and ActionAnswerSelf on an approved one too).
func (d Decision) Outcome(q Question) (status Status, answer string, cits []Citation, source AnswerSource, from []Status) {
	from = []Status{StatusPending}
	switch d.Action {
	case ActionApprove:
		if q.DraftFound {
			return StatusAnswered, q.Draft, q.DraftCitations, AnswerDraft, from
		}
		return StatusApproved, "", nil, AnswerNone, from
	case ActionEditApprove:
		return StatusAnswered, d.Answer, d.Citations, AnswerEdited, append(from, StatusApproved)
	case ActionAnswerSelf:
		return StatusAnswered, d.Answer, d.Citations, AnswerModerator, append(from, StatusApproved)
	}
	return StatusRejected, "", nil, AnswerNone, from
}

// AuditDetail is the audit log's note on a decision that moved q (with its
// duplicates) to status.
func (d Decision) AuditDetail(q Question, status Status) string {
	detail := string(status)
	if d.Reason != "" {
		detail += ": " + d.Reason
	}
	if len(q.AlsoAsked) > 0 {
		detail += fmt.Sprintf(" (with %d duplicates)", len(q.AlsoAsked))
	}
	return detail
}

// DecidedError is returned when a decision loses: the question had already
// been decided by someone else. errors.Is(err, ErrAlreadyDecided) is true.
type DecidedError struct {
	QuestionID int64
	Status     Status
	By         string
	ByName     string
	Action     Action
	At         time.Time
}

// Decided returns the error a decision on q gets when q was decided first.
func Decided(q Question) *DecidedError {
	return &DecidedError{QuestionID: q.ID, Status: q.Status, By: q.DecidedBy,
		ByName: q.DecidedByName, Action: q.Action, At: q.DecidedAt}
}

func (e *DecidedError) Error() string {
	who := e.ByName
	if who == "" {
		who = e.By
	}
	return fmt.Sprintf("question %d already %s (%s by %s at %s)",
		e.QuestionID, e.Status, e.Action, who, e.At.Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrAlreadyDecided) true.
func (e *DecidedError) Is(target error) bool { return target == ErrAlreadyDecided }
