package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// AuditEntry records one state change: who did what, when, to which record.
type AuditEntry struct {
	ID      int64
	At      time.Time
	GuildID string
	// ActorID is the Discord user who caused the change, or [BotActor].
	ActorID string
	// Action names the change, e.g. "session.start", "question.reject", "vote.add".
	Action string
	// TargetKind is "session", "question" or "message" (for feedback).
	TargetKind string
	// TargetID is the record's ID (a session or question ID, or a message ID).
	TargetID string
	// Detail is a short human-readable note, e.g. a rejection reason.
	Detail string
}

// DefaultAuditLimit is the number of entries [Store.Audit] returns when given
// a limit <= 0.
const DefaultAuditLimit = 100

// audit appends an entry inside tx; every state change calls it in the same
// transaction as the change.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, at int64, guildID, actor, action, kind string, target any, detail string) error {
	var id string
	switch t := target.(type) {
	case int64:
		id = strconv.FormatInt(t, 10)
	case string:
		id = t
	default:
		id = fmt.Sprint(t)
	}
	if actor == "" {
		actor = BotActor
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO audit (at, guild_id, actor_id, action, target_kind, target_id, detail)
		 VALUES (?, ?, ?, ?, ?, ?, ?)`, at, guildID, actor, action, kind, id, detail)
	if err != nil {
		return fmt.Errorf("write audit %s: %w", action, err)
	}
	return nil
}

// Audit returns the guild's most recent audit entries, newest first, at most
// limit of them (limit <= 0 means [DefaultAuditLimit]).
func (s *Store) Audit(ctx context.Context, guildID string, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = DefaultAuditLimit
	}
	rows, err := s.r.QueryContext(ctx,
		`SELECT id, at, guild_id, actor_id, action, target_kind, target_id, detail
		 FROM audit WHERE guild_id = ? ORDER BY id DESC LIMIT ?`, guildID, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.GuildID, &e.ActorID, &e.Action, &e.TargetKind, &e.TargetID, &e.Detail); err != nil {
			return nil, fmt.Errorf("read audit: %w", err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	return out, nil
}
