package qa

import "strings"

// Feedback is one user's 👍 (+1) or 👎 (-1) on a bot answer. It is kept
// with the Q&A records, in the same store.
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

// Clean returns f with Question and Answer trimmed and cut to
// [MaxQuestionLen] and [MaxAnswerLen] characters, or an error matching
// [ErrInvalidInput] unless Value is +1 or -1 and the guild, message and
// user are set.
func (f Feedback) Clean() (Feedback, error) {
	if f.Value != 1 && f.Value != -1 {
		return Feedback{}, Invalidf("value %d is not +1 or -1", f.Value)
	}
	if f.GuildID == "" || f.MessageID == "" || f.UserID == "" {
		return Feedback{}, Invalidf("guild, message and user are required")
	}
	f.Question = truncate(strings.TrimSpace(f.Question), MaxQuestionLen)
	f.Answer = truncate(strings.TrimSpace(f.Answer), MaxAnswerLen)
	return f, nil
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
