package ask

import (
	"context"
	"fmt"
	"time"

	"storybot/bot"
	"storybot/qa"
)

// feedback records a click on 👍 or 👎 under an answer and thanks the user
// privately.
func (p *Plugin) feedback(ctx context.Context, x *bot.Interaction) error {
	x.SetEphemeral(true)
	var value int
	switch x.Arg {
	case "+1":
		value = 1
	case "-1":
		value = -1
	default:
		return bot.Refuse("That button no longer works.")
	}
	fb := qa.Feedback{GuildID: x.GuildID, ChannelID: x.ChannelID, UserID: x.UserID(), Value: value}
	if fb.GuildID == "" {
		fb.GuildID = "@me" // direct messages
	}
	if m := x.Message; m != nil {
		fb.MessageID = m.ID
		if len(m.Embeds) > 0 {
			fb.Question, fb.Answer = m.Embeds[0].Title, m.Embeds[0].Description
		}
	}
	if p.opts.Feedback == nil {
		p.log.Info("feedback", "value", value, "message", fb.MessageID, "user", fb.UserID)
	} else {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := p.opts.Feedback.RecordFeedback(rctx, fb)
		cancel()
		if err != nil {
			return bot.Explain("Sorry, I couldn't save your feedback. Please try again later.",
				fmt.Errorf("record feedback on message %s: %w", fb.MessageID, err))
		}
	}
	text := "Thanks! Glad it helped."
	if value < 0 {
		text = "Thanks, noted. Try `/search` or the Sources button to check the story yourself."
	}
	return x.Respond(ctx, bot.RenderNotice(text))
}
