package qa

import "context"

// Store keeps moderated Q&A sessions, their questions, votes, decisions and
// audit trail, and the feedback on the bot's answers. It is what a storage
// adapter implements (storybot/qa/sqlite, storybot/qa/memstore) and what
// storybot/qa/qatest checks; callers take the smaller interfaces it is made
// of. Implementations are safe for concurrent use and keep the guarantees
// in the package comment.
type Store interface {
	Sessions
	Questions
	Decisions
	Messages
	AuditLog
	FeedbackStore
}

// Sessions starts, finds and ends sessions.
type Sessions interface {
	// StartSession opens a session in ns.ChannelID (see [NewSession.Clean]).
	// It returns [ErrSessionActive] if that channel already has an open
	// session.
	StartSession(ctx context.Context, ns NewSession) (Session, error)
	// ActiveSession returns the open session in a channel, or [ErrNotFound].
	ActiveSession(ctx context.Context, guildID, channelID string) (Session, error)
	// ActiveSessions returns the guild's open sessions, oldest first.
	ActiveSessions(ctx context.Context, guildID string) ([]Session, error)
	// SessionByID returns a session of the guild, open or ended, or
	// [ErrNotFound].
	SessionByID(ctx context.Context, guildID string, id int64) (Session, error)
	// EndSession closes a session and returns it. It returns
	// [ErrSessionEnded] if it had already ended. Undecided questions stay
	// pending.
	EndSession(ctx context.Context, guildID string, id int64, actor string) (Session, error)
}

// Questions takes and lists a session's questions.
type Questions interface {
	// SubmitQuestion stores a question (see [NewQuestion.Clean]) in an open
	// session and returns it. If it is a near-duplicate of one of the
	// session's pending or approved questions (see [Canonical]), it is
	// stored grouped under that question, takes its status and decision, and
	// duplicateOf is that canonical question with its AlsoAsked now
	// including q; the caller then updates the canonical card instead of
	// posting a new one. Otherwise duplicateOf is nil.
	//
	// It returns [ErrNotFound] for an unknown session, [ErrSessionEnded]
	// when the session has ended, and [ErrInvalidInput] for an empty or too
	// long text or draft.
	SubmitQuestion(ctx context.Context, nq NewQuestion) (q Question, duplicateOf *Question, err error)
	// QuestionByID returns a question of the guild with its AlsoAsked, or
	// [ErrNotFound].
	QuestionByID(ctx context.Context, guildID string, id int64) (Question, error)
	// Queue returns a session's canonical questions with the given status
	// ("" means pending and approved), most votes first, then oldest first,
	// then by ID; at most limit of them (limit <= 0 means
	// [DefaultQueueLimit]). Duplicates are not listed; they appear in their
	// question's AlsoAsked.
	Queue(ctx context.Context, guildID string, sessionID int64, status Status, limit int) ([]Question, error)
	// Transcript returns all the questions of a session of the guild,
	// duplicates included, in submission order, with their decisions,
	// answers and AlsoAsked. It returns [ErrNotFound] for an unknown session.
	Transcript(ctx context.Context, guildID string, sessionID int64) ([]Question, error)
	// SessionCounts returns the counts of a session of the guild, or
	// [ErrNotFound].
	SessionCounts(ctx context.Context, guildID string, sessionID int64) (Counts, error)
}

// Decisions are what moderators and participants do to questions.
type Decisions interface {
	// Decide applies a moderator's decision (see [Decision.Clean] and
	// [Decision.Outcome]) and returns the decided question. Exactly one of
	// concurrent decisions wins; the others get a [*DecidedError] naming the
	// winner. Duplicates are decided with their canonical question, at once
	// and with the same outcome; given a duplicate's ID, Decide decides its
	// canonical question and returns that.
	//
	// It returns [ErrNotFound] for a question not in the guild,
	// [ErrSessionEnded] when the session has ended, and [ErrInvalidInput]
	// for an invalid decision.
	Decide(ctx context.Context, d Decision) (Question, error)
	// NextApproved hands out the session's top approved question not yet
	// posted (most votes, then oldest, then lowest ID), marks it and its
	// duplicates posted by actor, and returns it. Its status stays approved
	// until someone answers it. It returns [ErrNotFound] when no question
	// waits and [ErrSessionEnded] when the session has ended.
	NextApproved(ctx context.Context, guildID string, sessionID int64, actor string) (Question, error)
	// ToggleVote adds userID's vote to a question, or removes it if they had
	// voted, and returns the new vote count and whether the user now votes
	// for it. A duplicate's ID votes for its canonical question. Only pending
	// and approved questions of an open session take votes: it returns
	// [ErrVotingClosed] for answered or rejected questions,
	// [ErrSessionEnded] when the session has ended and [ErrInvalidInput]
	// without a guild or user.
	ToggleVote(ctx context.Context, guildID string, questionID int64, userID string) (votes int, voted bool, err error)
}

// Messages records where the bot posted a session's messages, so that they
// can be updated after a restart. Each returns [ErrNotFound] for a record
// not in the guild, and works on ended sessions too.
type Messages interface {
	// SetBannerMessage records the message ID of the session's banner.
	SetBannerMessage(ctx context.Context, guildID string, sessionID int64, messageID string) error
	// SetCard records where the moderators' card of a question was posted.
	SetCard(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error
	// SetPublicPost records where a question was posted publicly for votes.
	SetPublicPost(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error
}

// AuditLog reads the audit trail.
type AuditLog interface {
	// Audit returns the guild's most recent audit entries, newest first, at
	// most limit of them (limit <= 0 means [DefaultAuditLimit]).
	Audit(ctx context.Context, guildID string, limit int) ([]AuditEntry, error)
}

// FeedbackStore keeps the 👍/👎 feedback on the bot's answers.
type FeedbackStore interface {
	// RecordFeedback stores a user's feedback on a message (see
	// [Feedback.Clean]). A user has one feedback per message: a later click
	// replaces the earlier one.
	RecordFeedback(ctx context.Context, f Feedback) error
	// FeedbackCounts returns the 👍 and 👎 counts of a message in the guild.
	FeedbackCounts(ctx context.Context, guildID, messageID string) (up, down int, err error)
}
