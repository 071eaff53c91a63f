package qa

import (
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
	// Focus is the byte offset in Text where the cited sentence starts, 0
	// when Text is that sentence: a passage shortened for display keeps it
	// in sight.
	Focus int `json:"focus,omitempty"`
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
	// draft's citations, numbered from 1; without a draft, the passages that
	// come closest.
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

	// PostedAt is when [Decisions.NextApproved] handed the approved question
	// out (zero if it has not), by PostedBy.
	PostedAt time.Time
	PostedBy string

	// CardChannelID and CardMessageID locate the moderators' card, "" until
	// [Messages.SetCard].
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

// NewQuestion is what [Questions.SubmitQuestion] needs. GuildID, SessionID,
// AskerID and Text are required.
type NewQuestion struct {
	GuildID   string
	SessionID int64
	AskerID   string
	AskerName string
	// Text is trimmed; it must hold 1 to [MaxQuestionLen] characters.
	Text string
	// Draft is the bot's answer (Markdown, at most [MaxAnswerLen] characters);
	// DraftFound says whether it answers the question; DraftCitations are
	// its citations, or without a draft the passages that come closest.
	Draft          string
	DraftFound     bool
	DraftCitations []Citation
}

// Clean returns nq with its text and draft trimmed, or an error matching
// [ErrInvalidInput] when a required field is missing, the text is empty or
// too long, or the draft is too long.
func (nq NewQuestion) Clean() (NewQuestion, error) {
	nq.Text = strings.TrimSpace(nq.Text)
	nq.Draft = strings.TrimSpace(nq.Draft)
	switch {
	case nq.GuildID == "" || nq.AskerID == "":
		return NewQuestion{}, Invalidf("guild and asker are required")
	case nq.Text == "":
		return NewQuestion{}, Invalidf("the question is empty")
	case utf8.RuneCountInString(nq.Text) > MaxQuestionLen:
		return NewQuestion{}, Invalidf("the question is longer than %d characters", MaxQuestionLen)
	case utf8.RuneCountInString(nq.Draft) > MaxAnswerLen:
		return NewQuestion{}, Invalidf("the draft answer is longer than %d characters", MaxAnswerLen)
	}
	return nq, nil
}

// DefaultQueueLimit is the number of questions [Questions.Queue] returns
// when given a limit <= 0.
const DefaultQueueLimit = 25
