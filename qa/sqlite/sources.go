package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The Store also keeps the citation lists behind Sources buttons (the
// storybot/bot.SourceStore interface), in the same file, so that the
// buttons under old answers work after a restart.

// PutSources keeps ids under key, stamped at; putting a key again replaces
// its list and stamp.
func (s *Store) PutSources(ctx context.Context, key string, ids []string, at time.Time) error {
	b, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("put sources %s: %w", key, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sources (key, ids, put_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET ids = excluded.ids, put_at = excluded.put_at`,
			key, string(b), at.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("put sources %s: %w", key, err)
	}
	return nil
}

// Sources returns the list kept under key; found is false when there is
// none.
func (s *Store) Sources(ctx context.Context, key string) (ids []string, found bool, err error) {
	var raw string
	err = s.r.QueryRowContext(ctx, `SELECT ids FROM sources WHERE key = ?`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
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
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE put_at < ?`, before.UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune sources: %w", err)
	}
	return int(n), nil
}
