package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// Update answers a button by replacing the message that holds it with m,
// as a confirmation that is done should; once the interaction was
// deferred or answered, or for anything but a button, it responds as
// [Interaction.Respond] does.
func (x *Interaction) Update(ctx context.Context, m Message) error {
	x.mu.Lock()
	if x.state != 0 || x.Type != discordgo.InteractionMessageComponent {
		x.mu.Unlock()
		return x.Respond(ctx, m)
	}
	defer x.mu.Unlock()
	err := x.Session.InteractionRespond(x.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Content:         m.Content,
			Embeds:          nonNilEmbeds(m.Embeds),
			Components:      nonNilComponents(m.Components),
			AllowedMentions: NoMentions(),
		},
	}, discordgo.WithContext(ctx))
	if err == nil {
		x.state = 2
	}
	return err
}
