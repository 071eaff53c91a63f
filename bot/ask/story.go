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
	return x.Respond(ctx, bot.RenderStats(p.eng.Stats(), p.eng.HasModel()))
}
