package ask

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
)

// CommandStory is /story.
const CommandStory = "story"

// storyCommand is /story.
var storyCommand = &discordgo.ApplicationCommand{
	Name:        CommandStory,
	Description: "What the bot knows and how to ask it",
}

// story says, privately, what the bot knows and how to ask it.
func (p *Plugin) story(ctx context.Context, x *bot.Interaction) error {
	x.SetEphemeral(true)
	r, err := interactionReader(x, false)
	if err != nil {
		return err
	}
	pk, err := p.pick(ctx, r, nil)
	if err != nil {
		return err
	}
	m := bot.RenderStats(pk.eng.Stats(), pk.eng.HasModel())
	if p.books != nil && x.GuildID != "" {
		m.Embeds[0].Fields = append(m.Embeds[0].Fields, bookField(pk.view))
	}
	return x.Respond(ctx, m)
}
