package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The Store also keeps the citation lists behind Sources buttons (the
// storybot/bot.SourceStore interface), so that the buttons under old
// answers work after a restart and whichever process a click reaches.

// PutSources keeps ids under key, stamped at; putting a key again replaces
// its list and stamp.
func (s *Store) PutSources(ctx context.Context, key string, ids []string, at time.Time) error {
	b, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("put sources %s: %w", key, err)
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO sources (key, ids, put_at) VALUES ($1, $2::jsonb, $3)
		ON CONFLICT (key) DO UPDATE SET ids = excluded.ids, put_at = excluded.put_at`,
		key, string(b), at.UTC().Truncate(time.Millisecond))
	if err != nil {
		return fmt.Errorf("put sources %s: %w", key, err)
	}
	return nil
}

// Sources returns the list kept under key; found is false when there is
// none.
func (s *Store) Sources(ctx context.Context, key string) (ids []string, found bool, err error) {
	var raw string
	err = s.pool.QueryRow(ctx, `SELECT ids::text FROM sources WHERE key = $1`, key).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sources %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), &ids); err != nil {
		return nil, false, fmt.Errorf("sources %s: stored list: %w", key, err)
	}
	return ids, true, nil
}

// PruneSources forgets the lists stamped before before and returns how
// many it forgot.
func (s *Store) PruneSources(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sources WHERE put_at < $1`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("prune sources: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
