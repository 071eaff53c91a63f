package qa

import (
	"context"
	"sync"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
)

// reply is the private (ephemeral) answer to one interaction. It remembers
// whether it was deferred, so send picks the right route.
type reply struct {
	s *discordgo.Session
	i *discordgo.Interaction

	mu    sync.Mutex
	state int // 0 nothing sent, 1 deferred, 2 responded
}

// deferReply acknowledges the interaction with a private "thinking…" state;
// call it before slow work, as Discord wants a response within 3 s.
func (r *reply) deferReply(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state != 0 {
		return nil
	}
	if err := bot.Defer(ctx, r.s, r.i, true); err != nil {
		return err
	}
	r.state = 1
	return nil
}

// send shows m to the user privately: as the response, as the edit of the
// deferred response, or as a follow-up.
func (r *reply) send(ctx context.Context, m bot.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	switch r.state {
	case 0:
		err = bot.Respond(ctx, r.s, r.i, m, true)
	case 1:
		err = bot.Edit(ctx, r.s, r.i, m)
	default:
		err = bot.Followup(ctx, r.s, r.i, m, true)
	}
	if err == nil {
		r.state = 2
	}
	return err
}

// modal answers the interaction with a form.
func (r *reply) modal(ctx context.Context, f *discordgo.InteractionResponseData) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: f,
	}, discordgo.WithContext(ctx))
	if err == nil {
		r.state = 2
	}
	return err
}

// notice is a short private text.
func notice(text string) bot.Message { return bot.RenderNotice(text) }
