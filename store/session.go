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
	// until [Store.SetBannerMessage].
	BannerMessageID string
}

// Open reports whether the session has not ended.
func (s Session) Open() bool { return s.EndedAt.IsZero() }

// NewSession is what [Store.StartSession] needs. GuildID, ChannelID and
// StartedBy are required.
type NewSession struct {
	GuildID        string
	ChannelID      string
	QueueChannelID string
	Title          string
	StartedBy      string
	StartedByName  string
}

const sessionCols = `id, guild_id, channel_id, queue_channel_id, title, started_by, started_by_name,
	started_at, ended_at, ended_by, banner_message_id`

type rowScanner interface{ Scan(dest ...any) error }

func scanSession(r rowScanner) (Session, error) {
	var s Session
	var started int64
	var ended sql.NullInt64
	err := r.Scan(&s.ID, &s.GuildID, &s.ChannelID, &s.QueueChannelID, &s.Title, &s.StartedBy,
		&s.StartedByName, &started, &ended, &s.EndedBy, &s.BannerMessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, err
	}
	s.StartedAt = time.UnixMilli(started).UTC()
	s.EndedAt = fromMillis(ended)
	return s, nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func sessionByID(ctx context.Context, q querier, guildID string, id int64) (Session, error) {
	return scanSession(q.QueryRowContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = ? AND id = ?`, guildID, id))
}

// StartSession opens a session in ns.ChannelID. It returns [ErrSessionActive]
// if that channel already has an open session.
func (s *Store) StartSession(ctx context.Context, ns NewSession) (Session, error) {
	ns.Title = strings.TrimSpace(ns.Title)
	switch {
	case ns.GuildID == "" || ns.ChannelID == "" || ns.StartedBy == "":
		return Session{}, fmt.Errorf("start session: %w", invalid("guild, channel and starter are required"))
	case utf8.RuneCountInString(ns.Title) > MaxTitleLen:
		return Session{}, fmt.Errorf("start session: %w", invalid("title is longer than %d characters", MaxTitleLen))
	}
	var out Session
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM sessions WHERE guild_id = ? AND channel_id = ? AND ended_at IS NULL`,
			ns.GuildID, ns.ChannelID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrSessionActive
		}
		now := s.stamp()
		res, err := tx.ExecContext(ctx,
			`INSERT INTO sessions (guild_id, channel_id, queue_channel_id, title, started_by, started_by_name, started_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?)`,
			ns.GuildID, ns.ChannelID, ns.QueueChannelID, ns.Title, ns.StartedBy, ns.StartedByName, now)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, now, ns.GuildID, ns.StartedBy, "session.start", "session", id,
			fmt.Sprintf("channel %s, title %q", ns.ChannelID, ns.Title)); err != nil {
			return err
		}
		out, err = sessionByID(ctx, tx, ns.GuildID, id)
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("start session in channel %s: %w", ns.ChannelID, err)
	}
	return out, nil
}

// ActiveSession returns the open session in a channel, or [ErrNotFound].
func (s *Store) ActiveSession(ctx context.Context, guildID, channelID string) (Session, error) {
	sess, err := scanSession(s.r.QueryRowContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = ? AND channel_id = ? AND ended_at IS NULL`,
		guildID, channelID))
	if err != nil {
		return Session{}, fmt.Errorf("active session in channel %s: %w", channelID, err)
	}
	return sess, nil
}

// ActiveSessions returns the guild's open sessions, oldest first.
func (s *Store) ActiveSessions(ctx context.Context, guildID string) ([]Session, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = ? AND ended_at IS NULL ORDER BY id`, guildID)
	if err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("active sessions: %w", err)
		}
		out = append(out, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	return out, nil
}

// SessionByID returns a session of the guild, open or ended, or [ErrNotFound].
func (s *Store) SessionByID(ctx context.Context, guildID string, id int64) (Session, error) {
	sess, err := sessionByID(ctx, s.r, guildID, id)
	if err != nil {
		return Session{}, fmt.Errorf("session %d: %w", id, err)
	}
	return sess, nil
}

// SetBannerMessage records the message ID of the session's banner. It works on
// ended sessions too, so the bot can record a late post.
func (s *Store) SetBannerMessage(ctx context.Context, guildID string, sessionID int64, messageID string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE sessions SET banner_message_id = ? WHERE guild_id = ? AND id = ?`, messageID, guildID, sessionID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		return s.audit(ctx, tx, s.stamp(), guildID, BotActor, "session.banner", "session", sessionID, "message "+messageID)
	})
	if err != nil {
		return fmt.Errorf("set banner of session %d: %w", sessionID, err)
	}
	return nil
}

// EndSession closes a session and returns it. It returns [ErrSessionEnded] if
// it had already ended. Undecided questions stay pending.
func (s *Store) EndSession(ctx context.Context, guildID string, id int64, actor string) (Session, error) {
	var out Session
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		res, err := tx.ExecContext(ctx,
			`UPDATE sessions SET ended_at = ?, ended_by = ? WHERE guild_id = ? AND id = ? AND ended_at IS NULL`,
			now, actor, guildID, id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := sessionByID(ctx, tx, guildID, id); err != nil {
				return err
			}
			return ErrSessionEnded
		}
		if err := s.audit(ctx, tx, now, guildID, actor, "session.end", "session", id, ""); err != nil {
			return err
		}
		out, err = sessionByID(ctx, tx, guildID, id)
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("end session %d: %w", id, err)
	}
	return out, nil
}

// Counts summarizes a session for /qa status. Pending, Approved, Answered and
// Rejected count distinct questions (canonical ones), not their duplicates.
type Counts struct {
	// Submitted counts every submission, duplicates included.
	Submitted int
	Pending   int
	// Approved counts questions waiting for a moderator's answer, posted or not.
	Approved int
	// Posted counts approved questions handed out by [Store.NextApproved].
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

// SessionCounts returns the counts of a session of the guild.
func (s *Store) SessionCounts(ctx context.Context, guildID string, sessionID int64) (Counts, error) {
	if _, err := s.SessionByID(ctx, guildID, sessionID); err != nil {
		return Counts{}, fmt.Errorf("session counts: %w", err)
	}
	var c Counts
	err := s.r.QueryRowContext(ctx, `
		SELECT count(*),
			coalesce(sum(group_id IS NULL AND status = 'pending'), 0),
			coalesce(sum(group_id IS NULL AND status = 'approved'), 0),
			coalesce(sum(group_id IS NULL AND status = 'approved' AND posted_at IS NOT NULL), 0),
			coalesce(sum(group_id IS NULL AND status = 'answered'), 0),
			coalesce(sum(group_id IS NULL AND status = 'rejected'), 0),
			coalesce(sum(group_id IS NOT NULL), 0),
			count(DISTINCT group_id),
			coalesce(sum(votes), 0)
		FROM questions WHERE guild_id = ? AND session_id = ?`, guildID, sessionID).
		Scan(&c.Submitted, &c.Pending, &c.Approved, &c.Posted, &c.Answered, &c.Rejected, &c.Duplicates, &c.Groups, &c.Votes)
	if err != nil {
		return Counts{}, fmt.Errorf("session counts %d: %w", sessionID, err)
	}
	return c, nil
}
