package ask

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
)

// CommandSearch is /search.
const CommandSearch = "search"

// searchCommand is /search, with the book: option withBooks;
// maxQuestion caps its query.
func searchCommand(maxQuestion int, withBooks bool) *discordgo.ApplicationCommand {
	c := &discordgo.ApplicationCommand{
		Name:        CommandSearch,
		Description: "Find the passages of the story that best match some words",
		Options: []*discordgo.ApplicationCommandOption{{
			Type:        discordgo.ApplicationCommandOptionString,
			Name:        "query",
			Description: "Words to look for",
			Required:    true,
			MaxLength:   min(maxQuestion, 6000),
		}},
	}
	if withBooks {
		c.Options = append(c.Options, bookOption())
	}
	return c
}

// search lists the passages that best match the query.
func (p *Plugin) search(ctx context.Context, x *bot.Interaction) error {
	query := strings.TrimSpace(x.StringOption("query"))
	if query == "" {
		return bot.Refuse("Please give some words to search for.")
	}
	if n := utf8.RuneCountInString(query); n > p.opts.MaxQuestion {
		return bot.Refusef("That search is %d characters long; the limit is %d.", n, p.opts.MaxQuestion)
	}
	if err := p.allow(x.Caller(), x.ChannelID); err != nil {
		return err
	}
	r, err := interactionReader(x, true)
	if err != nil {
		return err
	}
	pk, err := p.pick(ctx, r, nil)
	if err != nil {
		return err
	}
	results, err := pk.eng.Search(query, 5)
	if err != nil {
		return answerError(ctx, err)
	}
	return x.Respond(ctx, bot.RenderSearch(ctx, query, results, p.sources))
}
