package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"storybot/qa"
)

// RecordFeedback implements [qa.FeedbackStore.RecordFeedback].
func (s *Store) RecordFeedback(ctx context.Context, f qa.Feedback) error {
	f, err := f.Clean()
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		now := s.stamp()
		if _, err := tx.Exec(ctx, `
			INSERT INTO feedback (guild_id, channel_id, message_id, user_id, question, answer, value, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (guild_id, message_id, user_id) DO UPDATE SET
				value = excluded.value, updated_at = excluded.updated_at`,
			f.GuildID, f.ChannelID, f.MessageID, f.UserID, f.Question, f.Answer, f.Value, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, f.GuildID, f.UserID, "feedback.record", "message", f.MessageID,
			fmt.Sprintf("%+d", f.Value))
	})
	if err != nil {
		return fmt.Errorf("record feedback on message %s: %w", f.MessageID, err)
	}
	return nil
}

// FeedbackCounts implements [qa.FeedbackStore.FeedbackCounts].
func (s *Store) FeedbackCounts(ctx context.Context, guildID, messageID string) (up, down int, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE value = 1), count(*) FILTER (WHERE value = -1)
		FROM feedback WHERE guild_id = $1 AND message_id = $2`, guildID, messageID).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("feedback counts of message %s: %w", messageID, err)
	}
	return up, down, nil
}
