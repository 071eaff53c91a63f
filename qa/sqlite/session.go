package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"storybot/qa"
)

const sessionCols = `id, guild_id, channel_id, queue_channel_id, title, started_by, started_by_name,
	started_at, ended_at, ended_by, banner_message_id`

type rowScanner interface{ Scan(dest ...any) error }

func scanSession(r rowScanner) (qa.Session, error) {
	var s qa.Session
	var started int64
	var ended sql.NullInt64
	err := r.Scan(&s.ID, &s.GuildID, &s.ChannelID, &s.QueueChannelID, &s.Title, &s.StartedBy,
		&s.StartedByName, &started, &ended, &s.EndedBy, &s.BannerMessageID)
	if errors.Is(err, sql.ErrNoRows) {
		return qa.Session{}, qa.ErrNotFound
	}
	if err != nil {
		return qa.Session{}, err
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

func sessionByID(ctx context.Context, q querier, guildID string, id int64) (qa.Session, error) {
	return scanSession(q.QueryRowContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = ? AND id = ?`, guildID, id))
}

// StartSession implements [qa.Sessions.StartSession].
func (s *Store) StartSession(ctx context.Context, ns qa.NewSession) (qa.Session, error) {
	ns, err := ns.Clean()
	if err != nil {
		return qa.Session{}, fmt.Errorf("start session: %w", err)
	}
	var out qa.Session
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM sessions WHERE guild_id = ? AND channel_id = ? AND ended_at IS NULL`,
			ns.GuildID, ns.ChannelID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return qa.ErrSessionActive
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
		return qa.Session{}, fmt.Errorf("start session in channel %s: %w", ns.ChannelID, err)
	}
	return out, nil
}

// ActiveSession implements [qa.Sessions.ActiveSession].
func (s *Store) ActiveSession(ctx context.Context, guildID, channelID string) (qa.Session, error) {
	sess, err := scanSession(s.r.QueryRowContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = ? AND channel_id = ? AND ended_at IS NULL`,
		guildID, channelID))
	if err != nil {
		return qa.Session{}, fmt.Errorf("active session in channel %s: %w", channelID, err)
	}
	return sess, nil
}

// ActiveSessions implements [qa.Sessions.ActiveSessions].
func (s *Store) ActiveSessions(ctx context.Context, guildID string) ([]qa.Session, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = ? AND ended_at IS NULL ORDER BY id`, guildID)
	if err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	defer rows.Close()
	var out []qa.Session
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

// SessionByID implements [qa.Sessions.SessionByID].
func (s *Store) SessionByID(ctx context.Context, guildID string, id int64) (qa.Session, error) {
	sess, err := sessionByID(ctx, s.r, guildID, id)
	if err != nil {
		return qa.Session{}, fmt.Errorf("session %d: %w", id, err)
	}
	return sess, nil
}

// SetBannerMessage implements [qa.Messages.SetBannerMessage].
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
			return qa.ErrNotFound
		}
		return s.audit(ctx, tx, s.stamp(), guildID, qa.BotActor, "session.banner", "session", sessionID, "message "+messageID)
	})
	if err != nil {
		return fmt.Errorf("set banner of session %d: %w", sessionID, err)
	}
	return nil
}

// EndSession implements [qa.Sessions.EndSession].
func (s *Store) EndSession(ctx context.Context, guildID string, id int64, actor string) (qa.Session, error) {
	var out qa.Session
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
			return qa.ErrSessionEnded
		}
		if err := s.audit(ctx, tx, now, guildID, actor, "session.end", "session", id, ""); err != nil {
			return err
		}
		out, err = sessionByID(ctx, tx, guildID, id)
		return err
	})
	if err != nil {
		return qa.Session{}, fmt.Errorf("end session %d: %w", id, err)
	}
	return out, nil
}

// SessionCounts implements [qa.Questions.SessionCounts].
func (s *Store) SessionCounts(ctx context.Context, guildID string, sessionID int64) (qa.Counts, error) {
	if _, err := s.SessionByID(ctx, guildID, sessionID); err != nil {
		return qa.Counts{}, fmt.Errorf("session counts: %w", err)
	}
	var c qa.Counts
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
		return qa.Counts{}, fmt.Errorf("session counts %d: %w", sessionID, err)
	}
	return c, nil
}
