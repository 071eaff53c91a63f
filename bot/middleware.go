package bot

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Recover turns a panic in a handler into a logged error with its stack
// and an apology to the user.
func Recover(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, x *Interaction) (err error) {
			defer func() {
				if r := recover(); r != nil {
					x.setOutcome("panic")
					log.Error("panic handling interaction", "panic", r, "interaction", x.ID, "route", x.Route,
						"stack", string(debug.Stack()))
					err = nil
					if x.Type != discordgo.InteractionApplicationCommandAutocomplete {
						if err := x.Notice(ctx, msgSorry); err != nil {
							log.Error("send apology", "err", err, "interaction", x.ID)
						}
					}
				}
			}()
			return next(ctx, x)
		}
	}
}

// Report shows the user what [ErrorMessage] makes of a handler's error and
// logs the error, unless it only refuses.
func Report(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, x *Interaction) error {
			err := next(ctx, x)
			if err == nil {
				return nil
			}
			x.setOutcome(Outcome(err))
			if isRefusal(err) {
				log.Debug("interaction refused", "reason", err, "interaction", x.ID, "route", x.Route, "user", x.UserID())
			} else {
				log.Error("interaction failed", "err", err, "interaction", x.ID, "type", x.Type.String(),
					"route", x.Route, "user", x.UserID())
			}
			if x.Type == discordgo.InteractionApplicationCommandAutocomplete {
				return nil
			}
			if err := x.Notice(ctx, ErrorMessage(err)); err != nil {
				log.Error("tell user of failure", "err", err, "interaction", x.ID)
			}
			return nil
		}
	}
}

// Defer acknowledges an interaction that has no response after the given
// time with Discord's "thinking…" state, so that a handler slower than
// Discord's 3 seconds still answers, by editing it. It leaves
// autocompletion alone, and routes marked with [OpensForm].
func Defer(after time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, x *Interaction) error {
			if x.Type == discordgo.InteractionApplicationCommandAutocomplete {
				return next(ctx, x)
			}
			t := time.AfterFunc(after, func() {
				// A failed deferral shows in the handler's own response.
				_ = x.deferLate(ctx)
			})
			defer func() { // also when the handler panics
				t.Stop()
				x.mu.Lock()
				x.done = true
				x.mu.Unlock()
			}()
			return next(ctx, x)
		}
	}
}

// OpensForm marks a route whose handler may answer with a form, which
// Discord takes only as the first response: [Defer] leaves it alone.
func OpensForm(next Handler) Handler {
	return func(ctx context.Context, x *Interaction) error {
		x.mu.Lock()
		x.noDefer = true
		x.mu.Unlock()
		return next(ctx, x)
	}
}

// Private makes every response of the route ephemeral.
func Private(next Handler) Handler {
	return func(ctx context.Context, x *Interaction) error {
		x.SetEphemeral(true)
		return next(ctx, x)
	}
}

// GuildOnly refuses, with text, interactions from outside a server.
func GuildOnly(text string) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, x *Interaction) error {
			if x.GuildID == "" {
				return Refuse(text)
			}
			return next(ctx, x)
		}
	}
}

// ModeratorsOnly refuses, with text, users who are no moderators (see
// [IsModerator]) with roleID.
func ModeratorsOnly(roleID, text string) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, x *Interaction) error {
			if !IsModerator(x.Interaction, roleID) {
				return Refuse(text)
			}
			return next(ctx, x)
		}
	}
}

// recoverMessage is [Recover] for message handlers: it logs a panic and
// apologizes in a reply.
func (b *Bot) recoverMessage(ctx context.Context, s *discordgo.Session, m *discordgo.Message) {
	if r := recover(); r != nil {
		b.log.Error("panic handling message", "panic", r, "message", m.ID, "stack", string(debug.Stack()))
		b.reply(ctx, s, m, RenderNotice(msgSorry))
	}
}

// reportMessage is [Report] for message handlers.
func (b *Bot) reportMessage(ctx context.Context, s *discordgo.Session, m *discordgo.Message, err error) {
	if err == nil {
		return
	}
	if isRefusal(err) {
		b.log.Debug("message refused", "reason", err, "message", m.ID)
	} else {
		b.log.Error("message failed", "err", err, "message", m.ID, "channel", m.ChannelID)
	}
	b.reply(ctx, s, m, RenderNotice(ErrorMessage(err)))
}

func (b *Bot) reply(ctx context.Context, s *discordgo.Session, m *discordgo.Message, msg Message) {
	if _, err := Reply(ctx, s, m.ChannelID, m, msg); err != nil {
		b.log.Error("reply", "message", m.ID, "channel", m.ChannelID, "err", err)
	}
}
