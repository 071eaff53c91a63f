package store

import (
	"context"
	"database/sql"
	"errors"
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

// Decide applies a moderator's decision and returns the decided question.
// Exactly one of concurrent decisions wins; the others get a [*DecidedError]
// naming the winner. Allowed moves: any action on a pending question, and
// ActionEditApprove or ActionAnswerSelf on an approved one.
//
// Duplicates are decided with their canonical question, in the same
// transaction and with the same outcome; given a duplicate's ID, Decide decides
// its canonical question and returns that.
//
// It returns [ErrNotFound] for a question not in the guild, [ErrSessionEnded]
// when the session has ended, and [ErrInvalidInput] for an unknown action, a
// missing or too long answer, or a too long reason.
func (s *Store) Decide(ctx context.Context, d Decision) (Question, error) {
	d.Answer = strings.TrimSpace(d.Answer)
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Action != ActionReject {
		d.Reason = ""
	}
	if err := validateDecision(d); err != nil {
		return Question{}, fmt.Errorf("decide question %d: %w", d.QuestionID, err)
	}
	var out Question
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		q, err := openCanonical(ctx, tx, d.GuildID, d.QuestionID)
		if err != nil {
			return err
		}
		now := s.stamp()
		from := []any{string(StatusPending), string(StatusPending)}
		var status Status
		var answer string
		var cits []Citation
		var source AnswerSource
		switch d.Action {
		case ActionApprove:
			if q.DraftFound {
				status, answer, cits, source = StatusAnswered, q.Draft, q.DraftCitations, AnswerDraft
			} else {
				status = StatusApproved
			}
		case ActionEditApprove:
			status, answer, cits, source = StatusAnswered, d.Answer, d.Citations, AnswerEdited
			from[1] = string(StatusApproved)
		case ActionAnswerSelf:
			status, answer, cits, source = StatusAnswered, d.Answer, d.Citations, AnswerModerator
			from[1] = string(StatusApproved)
		case ActionReject:
			status = StatusRejected
		}
		// The WHERE on status makes the decision conditional: a question
		// decided meanwhile matches nothing and this decision loses.
		res, err := tx.ExecContext(ctx, `
			UPDATE questions SET status = ?, answer = ?, answer_citations = ?, answered_by = ?,
				action = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, reason = ?
			WHERE guild_id = ? AND (id = ? OR group_id = ?) AND status IN (?, ?)`,
			status, answer, citationsJSON(cits), source,
			d.Action, d.Actor, d.ActorName, now, d.Reason,
			d.GuildID, q.ID, q.ID, from[0], from[1])
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &DecidedError{QuestionID: q.ID, Status: q.Status, By: q.DecidedBy,
				ByName: q.DecidedByName, Action: q.Action, At: q.DecidedAt}
		}
		detail := string(status)
		if d.Reason != "" {
			detail += ": " + d.Reason
		}
		if len(q.AlsoAsked) > 0 {
			detail += fmt.Sprintf(" (with %d duplicates)", len(q.AlsoAsked))
		}
		if err := s.audit(ctx, tx, now, d.GuildID, d.Actor, "question."+string(d.Action), "question", q.ID, detail); err != nil {
			return err
		}
		out, err = questionByID(ctx, tx, d.GuildID, q.ID)
		return err
	})
	if err != nil {
		var de *DecidedError
		if errors.As(err, &de) {
			s.log.Debug("store: decision lost", "question", de.QuestionID, "action", d.Action,
				"actor", d.Actor, "winner", de.By)
		}
		return Question{}, fmt.Errorf("decide question %d: %w", d.QuestionID, err)
	}
	return out, nil
}

func validateDecision(d Decision) error {
	switch d.Action {
	case ActionApprove, ActionReject:
	case ActionEditApprove, ActionAnswerSelf:
		if d.Answer == "" {
			return invalid("the answer is empty")
		}
		if utf8.RuneCountInString(d.Answer) > MaxAnswerLen {
			return invalid("the answer is longer than %d characters", MaxAnswerLen)
		}
	default:
		return invalid("unknown action %q", d.Action)
	}
	if utf8.RuneCountInString(d.Reason) > MaxReasonLen {
		return invalid("the reason is longer than %d characters", MaxReasonLen)
	}
	if d.GuildID == "" || d.Actor == "" {
		return invalid("guild and actor are required")
	}
	return nil
}

// openCanonical loads a question, or its canonical question if it is a
// duplicate, and checks that its session is open.
func openCanonical(ctx context.Context, tx *sql.Tx, guildID string, id int64) (Question, error) {
	q, err := questionByID(ctx, tx, guildID, id)
	if err != nil {
		return Question{}, err
	}
	if q.GroupID != 0 {
		if q, err = questionByID(ctx, tx, guildID, q.GroupID); err != nil {
			return Question{}, err
		}
	}
	var ended sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT ended_at FROM sessions WHERE guild_id = ? AND id = ?`,
		guildID, q.SessionID).Scan(&ended); err != nil {
		return Question{}, err
	}
	if ended.Valid {
		return Question{}, ErrSessionEnded
	}
	return q, nil
}

// NextApproved hands out the session's top approved question not yet posted
// (most votes, then oldest, then lowest ID), marks it and its duplicates
// posted by actor, and returns it. Its status stays approved until someone
// answers it. It returns [ErrNotFound] when no question waits and
// [ErrSessionEnded] when the session has ended.
func (s *Store) NextApproved(ctx context.Context, guildID string, sessionID int64, actor string) (Question, error) {
	var out Question
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sess, err := sessionByID(ctx, tx, guildID, sessionID)
		if err != nil {
			return err
		}
		if !sess.Open() {
			return ErrSessionEnded
		}
		var id int64
		err = tx.QueryRowContext(ctx, `
			SELECT id FROM questions
			WHERE guild_id = ? AND session_id = ? AND group_id IS NULL AND status = 'approved' AND posted_at IS NULL
			ORDER BY votes DESC, created_at, id LIMIT 1`, guildID, sessionID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx,
			`UPDATE questions SET posted_at = ?, posted_by = ? WHERE guild_id = ? AND (id = ? OR group_id = ?)`,
			now, actor, guildID, id, id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, now, guildID, actor, "question.post", "question", id, ""); err != nil {
			return err
		}
		out, err = questionByID(ctx, tx, guildID, id)
		return err
	})
	if err != nil {
		return Question{}, fmt.Errorf("next approved question of session %d: %w", sessionID, err)
	}
	return out, nil
}

// ToggleVote adds userID's vote to a question, or removes it if they had
// voted, and returns the new vote count and whether the user now votes for it.
// A duplicate's ID votes for its canonical question. Only pending and approved
// questions of an open session take votes: it returns [ErrVotingClosed] for
// answered or rejected questions and [ErrSessionEnded] when the session has
// ended.
func (s *Store) ToggleVote(ctx context.Context, guildID string, questionID int64, userID string) (votes int, voted bool, err error) {
	if guildID == "" || userID == "" {
		return 0, false, fmt.Errorf("vote on question %d: %w", questionID, invalid("guild and user are required"))
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		q, err := openCanonical(ctx, tx, guildID, questionID)
		if err != nil {
			return err
		}
		if q.Status != StatusPending && q.Status != StatusApproved {
			return ErrVotingClosed
		}
		now := s.stamp()
		res, err := tx.ExecContext(ctx, `DELETE FROM votes WHERE question_id = ? AND user_id = ?`, q.ID, userID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		action, delta := "vote.remove", -1
		if n == 0 {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO votes (question_id, user_id, created_at) VALUES (?, ?, ?)`, q.ID, userID, now); err != nil {
				return err
			}
			action, delta, voted = "vote.add", 1, true
		}
		if err := tx.QueryRowContext(ctx,
			`UPDATE questions SET votes = votes + ? WHERE id = ? RETURNING votes`, delta, q.ID).Scan(&votes); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, guildID, userID, action, "question", q.ID, "")
	})
	if err != nil {
		return 0, false, fmt.Errorf("vote on question %d: %w", questionID, err)
	}
	return votes, voted, nil
}
