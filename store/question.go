package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is where a question stands. See the package comment for the moves.
type Status string

const (
	// StatusPending awaits a moderator's decision.
	StatusPending Status = "pending"
	// StatusApproved was approved without an answer and waits for one.
	StatusApproved Status = "approved"
	// StatusAnswered has an answer that was posted in the session channel.
	StatusAnswered Status = "answered"
	// StatusRejected was rejected, perhaps with a reason told to the asker.
	StatusRejected Status = "rejected"
)

// AnswerSource says who wrote a question's answer.
type AnswerSource string

const (
	// AnswerNone means the question has no answer yet.
	AnswerNone AnswerSource = ""
	// AnswerDraft is the bot's draft, approved unchanged.
	AnswerDraft AnswerSource = "draft"
	// AnswerEdited is the bot's draft as edited by a moderator.
	AnswerEdited AnswerSource = "edited"
	// AnswerModerator was written by a moderator.
	AnswerModerator AnswerSource = "moderator"
)

// Citation is a numbered piece of story text an answer rests on; its number is
// its position in the slice plus one. It marshals like answer.Citation.
type Citation struct {
	// Ref is the reference a reader understands, e.g. "Chapter 2, ¶4".
	Ref string `json:"ref"`
	// Text is the cited text as it stands in the story.
	Text string `json:"text"`
}

// Asker is someone who asked a near-duplicate of a question.
type Asker struct {
	// QuestionID is the duplicate's own question ID.
	QuestionID int64
	ID         string
	Name       string
	// Text is the duplicate's wording.
	Text string
}

// Question is one submission to a session.
type Question struct {
	ID        int64
	SessionID int64
	GuildID   string
	AskerID   string
	AskerName string
	Text      string
	Status    Status

	// Draft is the bot's answer in Markdown at submission time; DraftFound
	// reports whether the story answers the question. DraftCitations are the
	// draft's citations, numbered from 1.
	Draft          string
	DraftFound     bool
	DraftCitations []Citation

	// Answer is the posted answer in Markdown, "" until answered.
	Answer          string
	AnswerCitations []Citation
	AnsweredBy      AnswerSource

	// Action is the latest decision ("" while pending), made by DecidedBy
	// (DecidedByName) at DecidedAt (zero while pending). An approved question
	// answered later records the answering decision here; the audit log keeps both.
	Action        Action
	DecidedBy     string
	DecidedByName string
	DecidedAt     time.Time
	// Reason is the optional reason of a rejection.
	Reason string

	// PostedAt is when [Store.NextApproved] handed the approved question out
	// (zero if it has not), by PostedBy.
	PostedAt time.Time
	PostedBy string

	// CardChannelID and CardMessageID locate the moderators' card, "" until
	// [Store.SetCard].
	CardChannelID string
	CardMessageID string
	// PublicChannelID and PublicMessageID locate the question's public post
	// for votes in the session channel, "" when there is none.
	PublicChannelID string
	PublicMessageID string

	// Votes counts the participants' upvotes (always 0 on duplicates).
	Votes int
	// GroupID is the canonical question this one duplicates, 0 if none.
	GroupID int64
	// AlsoAsked lists the duplicates of a canonical question in submission
	// order; it is nil for duplicates.
	AlsoAsked []Asker

	CreatedAt time.Time
}

// Duplicate reports whether q is grouped under another question.
func (q Question) Duplicate() bool { return q.GroupID != 0 }

// NewQuestion is what [Store.SubmitQuestion] needs. GuildID, SessionID,
// AskerID and Text are required.
type NewQuestion struct {
	GuildID   string
	SessionID int64
	AskerID   string
	AskerName string
	// Text is trimmed; it must hold 1 to [MaxQuestionLen] characters.
	Text string
	// Draft is the bot's answer (Markdown, at most [MaxAnswerLen] characters);
	// DraftFound says whether it answers the question.
	Draft          string
	DraftFound     bool
	DraftCitations []Citation
}

const questionCols = `id, session_id, guild_id, asker_id, asker_name, text, status,
	draft, draft_found, draft_citations, answer, answer_citations, answered_by,
	action, decided_by, decided_by_name, decided_at, reason, posted_at, posted_by,
	card_channel_id, card_message_id, votes, group_id, created_at, public_channel_id, public_message_id`

func scanQuestion(r rowScanner) (Question, error) {
	var q Question
	var draftCit, answerCit string
	var decided, posted, group sql.NullInt64
	var created int64
	err := r.Scan(&q.ID, &q.SessionID, &q.GuildID, &q.AskerID, &q.AskerName, &q.Text, &q.Status,
		&q.Draft, &q.DraftFound, &draftCit, &q.Answer, &answerCit, &q.AnsweredBy,
		&q.Action, &q.DecidedBy, &q.DecidedByName, &decided, &q.Reason, &posted, &q.PostedBy,
		&q.CardChannelID, &q.CardMessageID, &q.Votes, &group, &created, &q.PublicChannelID, &q.PublicMessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return Question{}, ErrNotFound
	}
	if err != nil {
		return Question{}, err
	}
	if err := json.Unmarshal([]byte(draftCit), &q.DraftCitations); err != nil {
		return Question{}, fmt.Errorf("question %d draft citations: %w", q.ID, err)
	}
	if err := json.Unmarshal([]byte(answerCit), &q.AnswerCitations); err != nil {
		return Question{}, fmt.Errorf("question %d answer citations: %w", q.ID, err)
	}
	q.DecidedAt = fromMillis(decided)
	q.PostedAt = fromMillis(posted)
	q.GroupID = group.Int64
	q.CreatedAt = time.UnixMilli(created).UTC()
	return q, nil
}

func citationsJSON(c []Citation) string {
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
func queryQuestions(ctx context.Context, q querier, guildID, query string, args ...any) ([]Question, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []Question
	for rows.Next() {
		qu, err := scanQuestion(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, qu)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := fillAlsoAsked(ctx, q, guildID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fillAlsoAsked sets AlsoAsked on the canonical questions among qs.
func fillAlsoAsked(ctx context.Context, q querier, guildID string, qs []Question) error {
	idx := map[int64]int{}
	var ids []any
	for i, qu := range qs {
		if qu.GroupID == 0 {
			idx[qu.ID] = i
			ids = append(ids, qu.ID)
		}
	}
	// Chunk to stay well under SQLite's bound-parameter limit.
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		args := append([]any{guildID}, part...)
		rows, err := q.QueryContext(ctx,
			`SELECT group_id, id, asker_id, asker_name, text FROM questions
			 WHERE guild_id = ? AND group_id IN (?`+strings.Repeat(", ?", len(part)-1)+`) ORDER BY id`, args...)
		if err != nil {
			return fmt.Errorf("read duplicates: %w", err)
		}
		for rows.Next() {
			var g int64
			var a Asker
			if err := rows.Scan(&g, &a.QuestionID, &a.ID, &a.Name, &a.Text); err != nil {
				rows.Close()
				return fmt.Errorf("read duplicates: %w", err)
			}
			i := idx[g]
			qs[i].AlsoAsked = append(qs[i].AlsoAsked, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read duplicates: %w", err)
		}
	}
	return nil
}

func questionByID(ctx context.Context, q querier, guildID string, id int64) (Question, error) {
	qs, err := queryQuestions(ctx, q, guildID,
		`SELECT `+questionCols+` FROM questions WHERE guild_id = ? AND id = ?`, guildID, id)
	if err != nil {
		return Question{}, err
	}
	if len(qs) == 0 {
		return Question{}, ErrNotFound
	}
	return qs[0], nil
}

// QuestionByID returns a question of the guild with its AlsoAsked, or
// [ErrNotFound].
func (s *Store) QuestionByID(ctx context.Context, guildID string, id int64) (Question, error) {
	q, err := questionByID(ctx, s.r, guildID, id)
	if err != nil {
		return Question{}, fmt.Errorf("question %d: %w", id, err)
	}
	return q, nil
}

// SubmitQuestion stores a question in an open session and returns it. If it is
// a near-duplicate (see [Similar]) of one of the session's pending or approved
// questions, it is stored grouped under the most similar of them (the earliest
// on a tie), takes that question's status, and duplicateOf is that canonical
// question with its AlsoAsked now including q; the caller then updates the
// canonical card instead of posting a new one. Otherwise duplicateOf is nil.
//
// It returns [ErrNotFound] for an unknown session, [ErrSessionEnded] when the
// session has ended, and [ErrInvalidInput] for an empty or too long text or draft.
func (s *Store) SubmitQuestion(ctx context.Context, nq NewQuestion) (q Question, duplicateOf *Question, err error) {
	nq.Text = strings.TrimSpace(nq.Text)
	nq.Draft = strings.TrimSpace(nq.Draft)
	switch {
	case nq.GuildID == "" || nq.AskerID == "":
		return Question{}, nil, fmt.Errorf("submit question: %w", invalid("guild and asker are required"))
	case nq.Text == "":
		return Question{}, nil, fmt.Errorf("submit question: %w", invalid("the question is empty"))
	case utf8.RuneCountInString(nq.Text) > MaxQuestionLen:
		return Question{}, nil, fmt.Errorf("submit question: %w",
			invalid("the question is longer than %d characters", MaxQuestionLen))
	case utf8.RuneCountInString(nq.Draft) > MaxAnswerLen:
		return Question{}, nil, fmt.Errorf("submit question: %w",
			invalid("the draft answer is longer than %d characters", MaxAnswerLen))
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		sess, err := sessionByID(ctx, tx, nq.GuildID, nq.SessionID)
		if err != nil {
			return err
		}
		if !sess.Open() {
			return ErrSessionEnded
		}
		canon, err := s.findCanonical(ctx, tx, nq)
		if err != nil {
			return err
		}
		now := s.stamp()
		status := StatusPending
		var group sql.NullInt64
		var action Action
		var decidedBy, decidedByName string
		var decidedAt sql.NullInt64
		if canon != nil {
			group = sql.NullInt64{Int64: canon.ID, Valid: true}
			status, action = canon.Status, canon.Action
			decidedBy, decidedByName = canon.DecidedBy, canon.DecidedByName
			if !canon.DecidedAt.IsZero() {
				decidedAt = sql.NullInt64{Int64: canon.DecidedAt.UnixMilli(), Valid: true}
			}
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO questions (session_id, guild_id, asker_id, asker_name, text, status,
				draft, draft_found, draft_citations, action, decided_by, decided_by_name, decided_at,
				group_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nq.SessionID, nq.GuildID, nq.AskerID, nq.AskerName, nq.Text, status,
			nq.Draft, nq.DraftFound, citationsJSON(nq.DraftCitations), action, decidedBy, decidedByName, decidedAt,
			group, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
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
		return Question{}, nil, fmt.Errorf("submit question to session %d: %w", nq.SessionID, err)
	}
	return q, duplicateOf, nil
}

// findCanonical returns the session's open canonical question most similar to
// nq, or nil if none is similar enough.
func (s *Store) findCanonical(ctx context.Context, tx *sql.Tx, nq NewQuestion) (*Question, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT `+questionCols+` FROM questions
		 WHERE guild_id = ? AND session_id = ? AND group_id IS NULL AND status IN ('pending', 'approved')
		 ORDER BY id`, nq.GuildID, nq.SessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	words := Words(nq.Text)
	var best *Question
	bestScore := -1.0
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		j := Similarity(words, Words(q.Text))
		if j < SimilarityThreshold {
			continue
		}
		if j > bestScore {
			best, bestScore = &q, j
		}
	}
	return best, rows.Err()
}

// SetCard records where the moderators' card of a question was posted.
func (s *Store) SetCard(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error {
	return s.setMessage(ctx, guildID, questionID, "card", channelID, messageID)
}

// SetPublicPost records where a question was posted publicly for votes.
func (s *Store) SetPublicPost(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error {
	return s.setMessage(ctx, guildID, questionID, "public", channelID, messageID)
}

// setMessage records the card or the public post of a question.
func (s *Store) setMessage(ctx context.Context, guildID string, questionID int64, which, channelID, messageID string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE questions SET `+which+`_channel_id = ?, `+which+`_message_id = ? WHERE guild_id = ? AND id = ?`,
			channelID, messageID, guildID, questionID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		return s.audit(ctx, tx, s.stamp(), guildID, BotActor, "question."+which, "question", questionID,
			"channel "+channelID+" message "+messageID)
	})
	if err != nil {
		return fmt.Errorf("set %s of question %d: %w", which, questionID, err)
	}
	return nil
}

// DefaultQueueLimit is the number of questions [Store.Queue] returns when given
// a limit <= 0.
const DefaultQueueLimit = 25

// Queue returns a session's canonical questions with the given status (""
// means pending and approved), most votes first, then oldest first, then by
// ID; at most limit of them (limit <= 0 means [DefaultQueueLimit]).
// Duplicates are not listed; they appear in their question's AlsoAsked.
func (s *Store) Queue(ctx context.Context, guildID string, sessionID int64, status Status, limit int) ([]Question, error) {
	if limit <= 0 {
		limit = DefaultQueueLimit
	}
	statuses := []any{string(status), string(status)}
	if status == "" {
		statuses = []any{string(StatusPending), string(StatusApproved)}
	}
	args := append([]any{guildID, sessionID}, statuses...)
	args = append(args, limit)
	qs, err := queryQuestions(ctx, s.r, guildID,
		`SELECT `+questionCols+` FROM questions
		 WHERE guild_id = ? AND session_id = ? AND group_id IS NULL AND status IN (?, ?)
		 ORDER BY votes DESC, created_at, id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("queue of session %d: %w", sessionID, err)
	}
	return qs, nil
}

// Transcript returns all the questions of a session of the guild, duplicates
// included, in submission order, with their decisions, answers and AlsoAsked.
// It returns [ErrNotFound] for an unknown session.
func (s *Store) Transcript(ctx context.Context, guildID string, sessionID int64) ([]Question, error) {
	if _, err := s.SessionByID(ctx, guildID, sessionID); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	qs, err := queryQuestions(ctx, s.r, guildID,
		`SELECT `+questionCols+` FROM questions WHERE guild_id = ? AND session_id = ? ORDER BY created_at, id`,
		guildID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("transcript of session %d: %w", sessionID, err)
	}
	return qs, nil
}
