package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"storybot/qa"
)

const questionCols = `id, session_id, guild_id, asker_id, asker_name, text, status,
	draft, draft_found, draft_citations::text, answer, answer_citations::text, answered_by,
	action, decided_by, decided_by_name, decided_at, reason, posted_at, posted_by,
	card_channel_id, card_message_id, votes, group_id, created_at, public_channel_id, public_message_id`

func scanQuestion(r rowScanner) (qa.Question, error) {
	var q qa.Question
	var draftCit, answerCit string
	var decided, posted *time.Time
	var group *int64
	err := r.Scan(&q.ID, &q.SessionID, &q.GuildID, &q.AskerID, &q.AskerName, &q.Text, &q.Status,
		&q.Draft, &q.DraftFound, &draftCit, &q.Answer, &answerCit, &q.AnsweredBy,
		&q.Action, &q.DecidedBy, &q.DecidedByName, &decided, &q.Reason, &posted, &q.PostedBy,
		&q.CardChannelID, &q.CardMessageID, &q.Votes, &group, &q.CreatedAt, &q.PublicChannelID, &q.PublicMessageID)
	if errors.Is(err, pgx.ErrNoRows) {
		return qa.Question{}, qa.ErrNotFound
	}
	if err != nil {
		return qa.Question{}, err
	}
	if err := json.Unmarshal([]byte(draftCit), &q.DraftCitations); err != nil {
		return qa.Question{}, fmt.Errorf("question %d draft citations: %w", q.ID, err)
	}
	if err := json.Unmarshal([]byte(answerCit), &q.AnswerCitations); err != nil {
		return qa.Question{}, fmt.Errorf("question %d answer citations: %w", q.ID, err)
	}
	q.DecidedAt = utc(decided)
	q.PostedAt = utc(posted)
	if group != nil {
		q.GroupID = *group
	}
	q.CreatedAt = q.CreatedAt.UTC()
	return q, nil
}

func citationsJSON(c []qa.Citation) string {
	if len(c) == 0 {
		return "[]"
	}
	b, err := json.Marshal(c)
	if err != nil { // cannot happen for two strings
		panic(err)
	}
	return string(b)
}

// queryQuestions runs a query selecting questionCols and fills AlsoAsked.
func queryQuestions(ctx context.Context, q querier, guildID, query string, args ...any) ([]qa.Question, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanQuestion)
	if err != nil {
		return nil, err
	}
	if err := fillAlsoAsked(ctx, q, guildID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fillAlsoAsked sets AlsoAsked on the canonical questions among qs.
func fillAlsoAsked(ctx context.Context, q querier, guildID string, qs []qa.Question) error {
	idx := map[int64]int{}
	var ids []int64
	for i, qu := range qs {
		if qu.GroupID == 0 {
			idx[qu.ID] = i
			ids = append(ids, qu.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.Query(ctx,
		`SELECT group_id, id, asker_id, asker_name, text FROM questions
		 WHERE guild_id = $1 AND group_id = ANY($2) ORDER BY id`, guildID, ids)
	if err != nil {
		return fmt.Errorf("read duplicates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g int64
		var a qa.Asker
		if err := rows.Scan(&g, &a.QuestionID, &a.ID, &a.Name, &a.Text); err != nil {
			return fmt.Errorf("read duplicates: %w", err)
		}
		i := idx[g]
		qs[i].AlsoAsked = append(qs[i].AlsoAsked, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read duplicates: %w", err)
	}
	return nil
}

func questionByID(ctx context.Context, q querier, guildID string, id int64) (qa.Question, error) {
	qs, err := queryQuestions(ctx, q, guildID,
		`SELECT `+questionCols+` FROM questions WHERE guild_id = $1 AND id = $2`, guildID, id)
	if err != nil {
		return qa.Question{}, err
	}
	if len(qs) == 0 {
		return qa.Question{}, qa.ErrNotFound
	}
	return qs[0], nil
}

// QuestionByID implements [qa.Questions.QuestionByID].
func (s *Store) QuestionByID(ctx context.Context, guildID string, id int64) (qa.Question, error) {
	q, err := questionByID(ctx, s.pool, guildID, id)
	if err != nil {
		return qa.Question{}, fmt.Errorf("question %d: %w", id, err)
	}
	return q, nil
}

// SubmitQuestion implements [qa.Questions.SubmitQuestion]. It holds the
// session's row, so that of two near-duplicates submitted at once the
// second joins the first.
func (s *Store) SubmitQuestion(ctx context.Context, nq qa.NewQuestion) (q qa.Question, duplicateOf *qa.Question, err error) {
	if nq, err = nq.Clean(); err != nil {
		return qa.Question{}, nil, fmt.Errorf("submit question: %w", err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		duplicateOf = nil
		sess, err := lockSession(ctx, tx, nq.GuildID, nq.SessionID)
		if err != nil {
			return err
		}
		if !sess.Open() {
			return qa.ErrSessionEnded
		}
		canon, err := findCanonical(ctx, tx, nq)
		if err != nil {
			return err
		}
		now := s.stamp()
		status := qa.StatusPending
		var group *int64
		var action qa.Action
		var decidedBy, decidedByName string
		var decidedAt *time.Time
		if canon != nil {
			group = &canon.ID
			status, action = canon.Status, canon.Action
			decidedBy, decidedByName = canon.DecidedBy, canon.DecidedByName
			decidedAt = nullTime(canon.DecidedAt)
		}
		var id int64
		err = tx.QueryRow(ctx, `
			INSERT INTO questions (session_id, guild_id, asker_id, asker_name, text, status,
				draft, draft_found, draft_citations, action, decided_by, decided_by_name, decided_at,
				group_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15) RETURNING id`,
			nq.SessionID, nq.GuildID, nq.AskerID, nq.AskerName, nq.Text, status,
			nq.Draft, nq.DraftFound, citationsJSON(nq.DraftCitations), action, decidedBy, decidedByName, decidedAt,
			group, now).Scan(&id)
		if err != nil {
			return err
		}
		detail := ""
		if canon != nil {
			detail = fmt.Sprintf("duplicate of question %d", canon.ID)
		}
		if err := s.audit(ctx, tx, now, nq.GuildID, nq.AskerID, "question.submit", "question", id, detail); err != nil {
			return err
		}
		if q, err = questionByID(ctx, tx, nq.GuildID, id); err != nil {
			return err
		}
		if canon != nil {
			c, err := questionByID(ctx, tx, nq.GuildID, canon.ID)
			if err != nil {
				return err
			}
			duplicateOf = &c
		}
		return nil
	})
	if err != nil {
		return qa.Question{}, nil, fmt.Errorf("submit question to session %d: %w", nq.SessionID, err)
	}
	return q, duplicateOf, nil
}

// findCanonical returns the session's open canonical question that nq
// joins as a duplicate (see [qa.Canonical]), or nil.
func findCanonical(ctx context.Context, tx pgx.Tx, nq qa.NewQuestion) (*qa.Question, error) {
	rows, err := tx.Query(ctx,
		`SELECT `+questionCols+` FROM questions
		 WHERE guild_id = $1 AND session_id = $2 AND group_id IS NULL AND status IN ('pending', 'approved')
		 ORDER BY id`, nq.GuildID, nq.SessionID)
	if err != nil {
		return nil, err
	}
	open, err := collect(rows, scanQuestion)
	if err != nil {
		return nil, err
	}
	return qa.Canonical(nq.Text, open), nil
}

// SetCard implements [qa.Messages.SetCard].
func (s *Store) SetCard(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error {
	return s.setMessage(ctx, guildID, questionID, "card", channelID, messageID)
}

// SetPublicPost implements [qa.Messages.SetPublicPost].
func (s *Store) SetPublicPost(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error {
	return s.setMessage(ctx, guildID, questionID, "public", channelID, messageID)
}

// setMessage records the card or the public post of a question; which is
// "card" or "public", never user input.
func (s *Store) setMessage(ctx context.Context, guildID string, questionID int64, which, channelID, messageID string) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx,
			`UPDATE questions SET `+which+`_channel_id = $1, `+which+`_message_id = $2 WHERE guild_id = $3 AND id = $4`,
			channelID, messageID, guildID, questionID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return qa.ErrNotFound
		}
		return s.audit(ctx, tx, s.stamp(), guildID, qa.BotActor, "question."+which, "question", questionID,
			"channel "+channelID+" message "+messageID)
	})
	if err != nil {
		return fmt.Errorf("set %s of question %d: %w", which, questionID, err)
	}
	return nil
}

// Queue implements [qa.Questions.Queue].
func (s *Store) Queue(ctx context.Context, guildID string, sessionID int64, status qa.Status, limit int) ([]qa.Question, error) {
	if limit <= 0 {
		limit = qa.DefaultQueueLimit
	}
	statuses := []string{string(status)}
	if status == "" {
		statuses = []string{string(qa.StatusPending), string(qa.StatusApproved)}
	}
	qs, err := queryQuestions(ctx, s.pool, guildID,
		`SELECT `+questionCols+` FROM questions
		 WHERE guild_id = $1 AND session_id = $2 AND group_id IS NULL AND status = ANY($3)
		 ORDER BY votes DESC, created_at, id LIMIT $4`, guildID, sessionID, statuses, limit)
	if err != nil {
		return nil, fmt.Errorf("queue of session %d: %w", sessionID, err)
	}
	return qs, nil
}

// Transcript implements [qa.Questions.Transcript].
func (s *Store) Transcript(ctx context.Context, guildID string, sessionID int64) ([]qa.Question, error) {
	if _, err := s.SessionByID(ctx, guildID, sessionID); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	qs, err := queryQuestions(ctx, s.pool, guildID,
		`SELECT `+questionCols+` FROM questions WHERE guild_id = $1 AND session_id = $2 ORDER BY created_at, id`,
		guildID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("transcript of session %d: %w", sessionID, err)
	}
	return qs, nil
}
