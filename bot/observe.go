package bot

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Metrics receives what the bot measures of its work; storybot/metrics
// implements it for Prometheus.
type Metrics interface {
	// Interaction records a served interaction: its kind ("command",
	// "component", "modal", "autocomplete"), its outcome ("ok", "refused",
	// "rate_limited", "error", "panic"), the time to its first response
	// (first is false when none was sent) and to the handler's end, when
	// the final answer has been sent.
	Interaction(kind, outcome string, first time.Duration, sent bool, final time.Duration)
	// Message records a message served by the message handlers, with the
	// same outcomes.
	Message(outcome string, took time.Duration)
	// Reconnect records a gateway connection that was READY or RESUMED
	// after the shard's first.
	Reconnect()
}

// Outcome names how a handler's work ended, as [Metrics] counts it: err is
// what it returned; a panic is "panic".
func Outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case isRateLimited(err):
		return "rate_limited"
	case isRefusal(err):
		return "refused"
	}
	return "error"
}

// Kind names an interaction's type for [Metrics].
func Kind(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionApplicationCommand:
		return "command"
	case discordgo.InteractionMessageComponent:
		return "component"
	case discordgo.InteractionModalSubmit:
		return "modal"
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete"
	case discordgo.InteractionPing:
		return "ping"
	}
	return "other"
}

// Observe records every interaction with m; nil m records nothing. The bot
// puts it outside [Recover] and [Report], which note the outcome on the
// interaction, so that the time to the first response counts the notice a
// refusal or a failure gets.
func Observe(m Metrics) Middleware {
	return func(next Handler) Handler {
		if m == nil {
			return next
		}
		return func(ctx context.Context, x *Interaction) error {
			err := next(ctx, x)
			outcome := x.outcomeOr(Outcome(err))
			first, sent := x.FirstResponse()
			m.Interaction(Kind(x.Type), outcome, first, sent, time.Since(x.Received))
			return err
		}
	}
}
