package qa

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Session is a live Q&A in one channel.
type Session struct {
	ID        int64
	GuildID   string
	ChannelID string
	// QueueChannelID is where moderators see question cards; "" means the
	// caller's default (e.g. the session channel itself).
	QueueChannelID string
	// Title is the moderator's title; "" means none was given.
	Title         string
	StartedBy     string
	StartedByName string
	StartedAt     time.Time
	// EndedAt is the zero time while the session is open.
	EndedAt time.Time
	EndedBy string
	// BannerMessageID is the banner with the "Submit a question" button, ""
	// until [Messages.SetBannerMessage].
	BannerMessageID string
}

// Open reports whether the session has not ended.
func (s Session) Open() bool { return s.EndedAt.IsZero() }

// NewSession is what [Sessions.StartSession] needs. GuildID, ChannelID and
// StartedBy are required.
type NewSession struct {
	GuildID        string
	ChannelID      string
	QueueChannelID string
	// Title is trimmed; it may hold up to [MaxTitleLen] characters.
	Title         string
	StartedBy     string
	StartedByName string
}

// Clean returns ns with its title trimmed, or an error matching
// [ErrInvalidInput] when a required field is missing or the title is too long.
func (ns NewSession) Clean() (NewSession, error) {
	ns.Title = strings.TrimSpace(ns.Title)
	switch {
	case ns.GuildID == "" || ns.ChannelID == "" || ns.StartedBy == "":
		return NewSession{}, Invalidf("guild, channel and starter are required")
	case utf8.RuneCountInString(ns.Title) > MaxTitleLen:
		return NewSession{}, Invalidf("title is longer than %d characters", MaxTitleLen)
	}
	return ns, nil
}

// Counts summarizes a session for /qa status. Pending, Approved, Answered and
// Rejected count distinct questions (canonical ones), not their duplicates.
type Counts struct {
	// Submitted counts every submission, duplicates included.
	Submitted int
	Pending   int
	// Approved counts questions waiting for a moderator's answer, posted or not.
	Approved int
	// Posted counts approved questions handed out by [Decisions.NextApproved].
	Posted   int
	Answered int
	Rejected int
	// Duplicates counts submissions grouped under another question.
	Duplicates int
	// Groups counts questions that have at least one duplicate.
	Groups int
	// Votes counts votes on all the session's questions.
	Votes int
}
