package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"storybot/qa"
)

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
		actor = qa.BotActor
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO audit (at, guild_id, actor_id, action, target_kind, target_id, detail)
		 VALUES (?, ?, ?, ?, ?, ?, ?)`, at, guildID, actor, action, kind, id, detail)
	if err != nil {
		return fmt.Errorf("write audit %s: %w", action, err)
	}
	return nil
}

// Audit implements [qa.AuditLog.Audit].
func (s *Store) Audit(ctx context.Context, guildID string, limit int) ([]qa.AuditEntry, error) {
	if limit <= 0 {
		limit = qa.DefaultAuditLimit
	}
	rows, err := s.r.QueryContext(ctx,
		`SELECT id, at, guild_id, actor_id, action, target_kind, target_id, detail
		 FROM audit WHERE guild_id = ? ORDER BY id DESC LIMIT ?`, guildID, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var out []qa.AuditEntry
	for rows.Next() {
		var e qa.AuditEntry
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
