package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"storybot/qa"
)

// Decide implements [qa.Decisions.Decide]. The UPDATE is conditional on
// the question's status, so a decision made meanwhile by another
// connection or process makes this one lose.
func (s *Store) Decide(ctx context.Context, d qa.Decision) (qa.Question, error) {
	d, err := d.Clean()
	if err != nil {
		return qa.Question{}, fmt.Errorf("decide question: %w", err)
	}
	var out qa.Question
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		q, err := openCanonical(ctx, tx, d.GuildID, d.QuestionID)
		if err != nil {
			return err
		}
		now := s.stamp()
		status, answer, cits, source, from := d.Outcome(q)
		// The WHERE on status makes the decision conditional: a question
		// decided meanwhile matches nothing and this decision loses.
		res, err := tx.ExecContext(ctx, `
			UPDATE questions SET status = ?, answer = ?, answer_citations = ?, answered_by = ?,
				action = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, reason = ?
			WHERE guild_id = ? AND (id = ? OR group_id = ?) AND status IN (?, ?)`,
			status, answer, citationsJSON(cits), source,
			d.Action, d.Actor, d.ActorName, now, d.Reason,
			d.GuildID, q.ID, q.ID, from[0], from[len(from)-1])
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
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

// openCanonical loads a question, or its canonical question if it is a
// duplicate, and checks that its session is open.
func openCanonical(ctx context.Context, tx *sql.Tx, guildID string, id int64) (qa.Question, error) {
	q, err := questionByID(ctx, tx, guildID, id)
	if err != nil {
		return qa.Question{}, err
	}
	if q.GroupID != 0 {
		if q, err = questionByID(ctx, tx, guildID, q.GroupID); err != nil {
			return qa.Question{}, err
		}
	}
	var ended sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT ended_at FROM sessions WHERE guild_id = ? AND id = ?`,
		guildID, q.SessionID).Scan(&ended); err != nil {
		return qa.Question{}, err
	}
	if ended.Valid {
		return qa.Question{}, qa.ErrSessionEnded
	}
	return q, nil
}

// NextApproved implements [qa.Decisions.NextApproved].
func (s *Store) NextApproved(ctx context.Context, guildID string, sessionID int64, actor string) (qa.Question, error) {
	var out qa.Question
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sess, err := sessionByID(ctx, tx, guildID, sessionID)
		if err != nil {
			return err
		}
		if !sess.Open() {
			return qa.ErrSessionEnded
		}
		var id int64
		err = tx.QueryRowContext(ctx, `
			SELECT id FROM questions
			WHERE guild_id = ? AND session_id = ? AND group_id IS NULL AND status = 'approved' AND posted_at IS NULL
			ORDER BY votes DESC, created_at, id LIMIT 1`, guildID, sessionID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return qa.ErrNotFound
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
		return qa.Question{}, fmt.Errorf("next approved question of session %d: %w", sessionID, err)
	}
	return out, nil
}

// ToggleVote implements [qa.Decisions.ToggleVote]. The votes column is
// kept equal to the count of votes rows in the same transaction.
func (s *Store) ToggleVote(ctx context.Context, guildID string, questionID int64, userID string) (votes int, voted bool, err error) {
	if guildID == "" || userID == "" {
		return 0, false, fmt.Errorf("vote on question %d: %w", questionID, qa.Invalidf("guild and user are required"))
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		q, err := openCanonical(ctx, tx, guildID, questionID)
		if err != nil {
			return err
		}
		if q.Status != qa.StatusPending && q.Status != qa.StatusApproved {
			return qa.ErrVotingClosed
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
