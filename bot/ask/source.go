package ask

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
)

// CommandSource is /source.
const CommandSource = "source"

// sourceCommand is /source, whose reference autocompletes.
var sourceCommand = &discordgo.ApplicationCommand{
	Name:        CommandSource,
	Description: "Show a passage of the story in full, with its neighbours",
	Options: []*discordgo.ApplicationCommandOption{{
		Type:         discordgo.ApplicationCommandOptionString,
		Name:         "ref",
		Description:  "The passage's reference, e.g. from an answer's citations",
		Required:     true,
		Autocomplete: true,
	}},
}

// source shows a passage with its neighbours.
func (p *Plugin) source(ctx context.Context, x *bot.Interaction) error {
	ref := strings.TrimSpace(x.StringOption("ref"))
	var src answer.Source
	var err error
	if p.books == nil {
		src, err = p.eng.Source(ref)
	} else {
		r, rerr := interactionReader(x, true)
		if rerr != nil {
			return rerr
		}
		src, err = p.books.Source(ctx, r, ref, false)
	}
	if errors.Is(err, answer.ErrBeyond) {
		return bot.Refuse("That passage comes after where this channel has read, so I won't show it here. `/ask spoilers:true` answers from the whole book, the later text hidden.")
	}
	if errors.Is(err, answer.ErrUnknownRef) {
		return bot.Refusef("No passage has the reference %q. Pick one from the list shown as you type.", bot.Truncate(ref, 100))
	}
	if err != nil {
		return fmt.Errorf("source %q: %w", ref, err)
	}
	return x.Respond(ctx, bot.RenderSource(src))
}

// suggest offers the references that start with or contain what was typed.
func (p *Plugin) suggest(ctx context.Context, x *bot.Interaction) error {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	r, err := interactionReader(x, true)
	if err != nil {
		return x.Suggest(ctx, choices)
	}
	// Suggestions are due within Discord's 3 s: a book still being
	// indexed gets none this time.
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	pk, err := p.pick(sctx, r, nil)
	if err != nil {
		return x.Suggest(ctx, choices)
	}
	for _, c := range pk.eng.Suggest(strings.TrimSpace(x.Focused()), 25) {
		if c.ID == "" || len(c.ID) > 100 {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: bot.Truncate(c.Ref, 100), Value: c.ID})
	}
	return x.Suggest(ctx, choices)
}
