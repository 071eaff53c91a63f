package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"storybot/qa"
)

// Decide implements [qa.Decisions.Decide]. The canonical question's row is
// locked first, so a decision made meanwhile by another connection or
// process is seen, and this one loses naming it.
func (s *Store) Decide(ctx context.Context, d qa.Decision) (qa.Question, error) {
	d, err := d.Clean()
	if err != nil {
		return qa.Question{}, fmt.Errorf("decide question: %w", err)
	}
	var out qa.Question
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		q, err := lockCanonical(ctx, tx, d.GuildID, d.QuestionID)
		if err != nil {
			return err
		}
		now := s.stamp()
		status, answer, cits, source, from := d.Outcome(q)
		tag, err := tx.Exec(ctx, `
			UPDATE questions SET status = $1, answer = $2, answer_citations = $3::jsonb, answered_by = $4,
				action = $5, decided_by = $6, decided_by_name = $7, decided_at = $8, reason = $9
			WHERE guild_id = $10 AND (id = $11 OR group_id = $11) AND status = ANY($12)`,
			status, answer, citationsJSON(cits), source,
			d.Action, d.Actor, d.ActorName, now, d.Reason,
			d.GuildID, q.ID, statusStrings(from))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return qa.Decided(q)
		}
		if err := s.audit(ctx, tx, now, d.GuildID, d.Actor, "question."+string(d.Action), "question", q.ID,
			d.AuditDetail(q, status)); err != nil {
			return err
		}
		out, err = questionByID(ctx, tx, d.GuildID, q.ID)
		return err
	})
	if err != nil {
		var de *qa.DecidedError
		if errors.As(err, &de) {
			s.log.Debug("store: decision lost", "question", de.QuestionID, "action", d.Action,
				"actor", d.Actor, "winner", de.By)
		}
		return qa.Question{}, fmt.Errorf("decide question %d: %w", d.QuestionID, err)
	}
	return out, nil
}

func statusStrings(ss []qa.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// lockCanonical loads a question, or its canonical question if it is a
// duplicate, after locking the rows it depends on, always in the same
// order (the session's row shared, so that it cannot end meanwhile, then
// the canonical question's row until the transaction ends), and checks
// that the session is open.
func lockCanonical(ctx context.Context, tx pgx.Tx, guildID string, id int64) (qa.Question, error) {
	var group *int64
	var sessionID int64
	err := tx.QueryRow(ctx, `SELECT group_id, session_id FROM questions WHERE guild_id = $1 AND id = $2`,
		guildID, id).Scan(&group, &sessionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return qa.Question{}, qa.ErrNotFound
	}
	if err != nil {
		return qa.Question{}, err
	}
	if group != nil {
		id = *group
	}
	var ended *time.Time
	if err := tx.QueryRow(ctx, `SELECT ended_at FROM sessions WHERE guild_id = $1 AND id = $2 FOR SHARE`,
		guildID, sessionID).Scan(&ended); err != nil {
		return qa.Question{}, err
	}
	if ended != nil {
		return qa.Question{}, qa.ErrSessionEnded
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM questions WHERE guild_id = $1 AND id = $2 FOR UPDATE`, guildID, id); err != nil {
		return qa.Question{}, err
	}
	return questionByID(ctx, tx, guildID, id)
}

// NextApproved implements [qa.Decisions.NextApproved]. It holds the
// session's row, so two moderators asking at once get different questions.
func (s *Store) NextApproved(ctx context.Context, guildID string, sessionID int64, actor string) (qa.Question, error) {
	var out qa.Question
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		sess, err := lockSession(ctx, tx, guildID, sessionID)
		if err != nil {
			return err
		}
		if !sess.Open() {
			return qa.ErrSessionEnded
		}
		var id int64
		err = tx.QueryRow(ctx, `
			SELECT id FROM questions
			WHERE guild_id = $1 AND session_id = $2 AND group_id IS NULL AND status = 'approved' AND posted_at IS NULL
			ORDER BY votes DESC, created_at, id LIMIT 1 FOR UPDATE`, guildID, sessionID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return qa.ErrNotFound
		}
		if err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx,
			`UPDATE questions SET posted_at = $1, posted_by = $2 WHERE guild_id = $3 AND (id = $4 OR group_id = $4)`,
			now, actor, guildID, id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, now, guildID, actor, "question.post", "question", id, ""); err != nil {
			return err
		}
		out, err = questionByID(ctx, tx, guildID, id)
		return err
	})
	if err != nil {
		return qa.Question{}, fmt.Errorf("next approved question of session %d: %w", sessionID, err)
	}
	return out, nil
}

// ToggleVote implements [qa.Decisions.ToggleVote]. The canonical
// question's row is locked, so clicks on one question queue and the votes
// column stays equal to the count of votes rows.
func (s *Store) ToggleVote(ctx context.Context, guildID string, questionID int64, userID string) (votes int, voted bool, err error) {
	if guildID == "" || userID == "" {
		return 0, false, fmt.Errorf("vote on question %d: %w", questionID, qa.Invalidf("guild and user are required"))
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		voted = false
		q, err := lockCanonical(ctx, tx, guildID, questionID)
		if err != nil {
			return err
		}
		if q.Status != qa.StatusPending && q.Status != qa.StatusApproved {
			return qa.ErrVotingClosed
		}
		now := s.stamp()
		tag, err := tx.Exec(ctx, `DELETE FROM votes WHERE question_id = $1 AND user_id = $2`, q.ID, userID)
		if err != nil {
			return err
		}
		action, delta := "vote.remove", -1
		if tag.RowsAffected() == 0 {
			if _, err := tx.Exec(ctx,
				`INSERT INTO votes (question_id, user_id, created_at) VALUES ($1, $2, $3)`, q.ID, userID, now); err != nil {
				return err
			}
			action, delta, voted = "vote.add", 1, true
		}
		if err := tx.QueryRow(ctx,
			`UPDATE questions SET votes = votes + $1 WHERE id = $2 RETURNING votes`, delta, q.ID).Scan(&votes); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, guildID, userID, action, "question", q.ID, "")
	})
	if err != nil {
		return 0, false, fmt.Errorf("vote on question %d: %w", questionID, err)
	}
	return votes, voted, nil
}
