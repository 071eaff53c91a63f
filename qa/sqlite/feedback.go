package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"storybot/qa"
)

// RecordFeedback implements [qa.FeedbackStore.RecordFeedback].
func (s *Store) RecordFeedback(ctx context.Context, f qa.Feedback) error {
	f, err := f.Clean()
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO feedback (guild_id, channel_id, message_id, user_id, question, answer, value, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (guild_id, message_id, user_id) DO UPDATE SET
				value = excluded.value, updated_at = excluded.updated_at`,
			f.GuildID, f.ChannelID, f.MessageID, f.UserID, f.Question, f.Answer, f.Value, now, now); err != nil {
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
	err = s.r.QueryRowContext(ctx, `
		SELECT coalesce(sum(value = 1), 0), coalesce(sum(value = -1), 0)
		FROM feedback WHERE guild_id = ? AND message_id = ?`, guildID, messageID).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("feedback counts of message %s: %w", messageID, err)
	}
	return up, down, nil
}
