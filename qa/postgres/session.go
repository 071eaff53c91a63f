package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"storybot/qa"
)

const sessionCols = `id, guild_id, channel_id, queue_channel_id, title, started_by, started_by_name,
	started_at, ended_at, ended_by, banner_message_id`

func scanSession(r rowScanner) (qa.Session, error) {
	var s qa.Session
	var ended *time.Time
	err := r.Scan(&s.ID, &s.GuildID, &s.ChannelID, &s.QueueChannelID, &s.Title, &s.StartedBy,
		&s.StartedByName, &s.StartedAt, &ended, &s.EndedBy, &s.BannerMessageID)
	if errors.Is(err, pgx.ErrNoRows) {
		return qa.Session{}, qa.ErrNotFound
	}
	if err != nil {
		return qa.Session{}, err
	}
	s.StartedAt = s.StartedAt.UTC()
	s.EndedAt = utc(ended)
	return s, nil
}

func sessionByID(ctx context.Context, q querier, guildID string, id int64) (qa.Session, error) {
	return scanSession(q.QueryRow(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = $1 AND id = $2`, guildID, id))
}

// lockSession reads a session of the guild and holds its row until the
// transaction ends: exclusively, so that changes to its questions that
// must see each other (submissions, NextApproved) queue.
func lockSession(ctx context.Context, tx pgx.Tx, guildID string, id int64) (qa.Session, error) {
	return scanSession(tx.QueryRow(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = $1 AND id = $2 FOR UPDATE`, guildID, id))
}

// StartSession implements [qa.Sessions.StartSession]. The unique index on
// the open sessions of a channel makes one of two concurrent starts fail.
func (s *Store) StartSession(ctx context.Context, ns qa.NewSession) (qa.Session, error) {
	ns, err := ns.Clean()
	if err != nil {
		return qa.Session{}, fmt.Errorf("start session: %w", err)
	}
	var out qa.Session
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.stamp()
		var id int64
		err := tx.QueryRow(ctx,
			`INSERT INTO sessions (guild_id, channel_id, queue_channel_id, title, started_by, started_by_name, started_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			ns.GuildID, ns.ChannelID, ns.QueueChannelID, ns.Title, ns.StartedBy, ns.StartedByName, now).Scan(&id)
		if isUnique(err) {
			return qa.ErrSessionActive
		}
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
	sess, err := scanSession(s.pool.QueryRow(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = $1 AND channel_id = $2 AND ended_at IS NULL`,
		guildID, channelID))
	if err != nil {
		return qa.Session{}, fmt.Errorf("active session in channel %s: %w", channelID, err)
	}
	return sess, nil
}

// ActiveSessions implements [qa.Sessions.ActiveSessions].
func (s *Store) ActiveSessions(ctx context.Context, guildID string) ([]qa.Session, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE guild_id = $1 AND ended_at IS NULL ORDER BY id`, guildID)
	if err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	out, err := collect(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	return out, nil
}

// SessionByID implements [qa.Sessions.SessionByID].
func (s *Store) SessionByID(ctx context.Context, guildID string, id int64) (qa.Session, error) {
	sess, err := sessionByID(ctx, s.pool, guildID, id)
	if err != nil {
		return qa.Session{}, fmt.Errorf("session %d: %w", id, err)
	}
	return sess, nil
}

// SetBannerMessage implements [qa.Messages.SetBannerMessage].
func (s *Store) SetBannerMessage(ctx context.Context, guildID string, sessionID int64, messageID string) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx,
			`UPDATE sessions SET banner_message_id = $1 WHERE guild_id = $2 AND id = $3`, messageID, guildID, sessionID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return qa.ErrNotFound
		}
		return s.audit(ctx, tx, s.stamp(), guildID, qa.BotActor, "session.banner", "session", sessionID, "message "+messageID)
	})
	if err != nil {
		return fmt.Errorf("set banner of session %d: %w", sessionID, err)
	}
	return nil
}

// EndSession implements [qa.Sessions.EndSession]. Of concurrent ends one
// wins; the UPDATE waits for changes holding the session's row.
func (s *Store) EndSession(ctx context.Context, guildID string, id int64, actor string) (qa.Session, error) {
	var out qa.Session
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.stamp()
		tag, err := tx.Exec(ctx,
			`UPDATE sessions SET ended_at = $1, ended_by = $2 WHERE guild_id = $3 AND id = $4 AND ended_at IS NULL`,
			now, actor, guildID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
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
	err := s.pool.QueryRow(ctx, `
		SELECT count(*),
			count(*) FILTER (WHERE group_id IS NULL AND status = 'pending'),
			count(*) FILTER (WHERE group_id IS NULL AND status = 'approved'),
			count(*) FILTER (WHERE group_id IS NULL AND status = 'approved' AND posted_at IS NOT NULL),
			count(*) FILTER (WHERE group_id IS NULL AND status = 'answered'),
			count(*) FILTER (WHERE group_id IS NULL AND status = 'rejected'),
			count(*) FILTER (WHERE group_id IS NOT NULL),
			count(DISTINCT group_id),
			coalesce(sum(votes), 0)
		FROM questions WHERE guild_id = $1 AND session_id = $2`, guildID, sessionID).
		Scan(&c.Submitted, &c.Pending, &c.Approved, &c.Posted, &c.Answered, &c.Rejected, &c.Duplicates, &c.Groups, &c.Votes)
	if err != nil {
		return qa.Counts{}, fmt.Errorf("session counts %d: %w", sessionID, err)
	}
	return c, nil
}
