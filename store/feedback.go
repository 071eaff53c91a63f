package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Feedback is one user's 👍 (+1) or 👎 (-1) on a bot answer.
// cmd/storybot converts bot.Feedback to it directly, so the two must keep the
// same fields in the same order.
type Feedback struct {
	GuildID   string
	ChannelID string
	// MessageID is the bot message carrying the answer.
	MessageID string
	UserID    string
	// Question and Answer are kept for later review; they may be "".
	Question string
	Answer   string
	// Value is +1 or -1.
	Value int
}

// RecordFeedback stores a user's feedback on a message. A user has one
// feedback per message: a later click replaces the earlier one. It returns
// [ErrInvalidInput] unless Value is +1 or -1 and the IDs are set.
func (s *Store) RecordFeedback(ctx context.Context, f Feedback) error {
	if f.Value != 1 && f.Value != -1 {
		return fmt.Errorf("record feedback: %w", invalid("value %d is not +1 or -1", f.Value))
	}
	if f.GuildID == "" || f.MessageID == "" || f.UserID == "" {
		return fmt.Errorf("record feedback: %w", invalid("guild, message and user are required"))
	}
	f.Question = truncate(strings.TrimSpace(f.Question), MaxQuestionLen)
	f.Answer = truncate(strings.TrimSpace(f.Answer), MaxAnswerLen)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
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

// FeedbackCounts returns the 👍 and 👎 counts of a message in the guild.
func (s *Store) FeedbackCounts(ctx context.Context, guildID, messageID string) (up, down int, err error) {
	err = s.r.QueryRowContext(ctx, `
		SELECT coalesce(sum(value = 1), 0), coalesce(sum(value = -1), 0)
		FROM feedback WHERE guild_id = ? AND message_id = ?`, guildID, messageID).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("feedback counts of message %s: %w", messageID, err)
	}
	return up, down, nil
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
