package library

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/library"
)

// maxChoices is the most choices Discord shows.
const maxChoices = 25

// suggest autocompletes the book and chapter options of /book.
func (p *Plugin) suggest(ctx context.Context, x *bot.Interaction) error {
	name, typed := focused(x)
	switch name {
	case "book":
		choices, err := p.bookChoices(ctx, x.GuildID, typed, bot.Path(x.Interaction) == "/book/use")
		if err != nil {
			return err
		}
		return x.Suggest(ctx, choices)
	case "chapter":
		choices, err := p.chapterChoices(ctx, x, typed)
		if err != nil {
			return err
		}
		return x.Suggest(ctx, choices)
	}
	return x.Suggest(ctx, nil)
}

// focused returns the name of the option being autocompleted and what
// was typed in it.
func focused(x *bot.Interaction) (name, typed string) {
	opts := x.ApplicationCommandData().Options
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		opts = opts[0].Options
	}
	for _, o := range opts {
		if o.Focused {
			s, _ := o.Value.(string)
			return o.Name, s
		}
	}
	return "", ""
}

// bookChoices are the books of a server whose title or author holds
// typed, as autocomplete choices whose values are their IDs.
func bookChoicesOf(books []library.Book, typed string, n int) []*discordgo.ApplicationCommandOptionChoice {
	typed = strings.ToLower(strings.TrimSpace(typed))
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, b := range books {
		if len(out) == n {
			break
		}
		if typed != "" && !strings.Contains(strings.ToLower(b.Title+" "+b.Author), typed) {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{
			Name:  bot.Truncate(b.Title+byLine(b)+" ("+kindName[b.Kind]+")", 100),
			Value: strconv.FormatInt(b.ID, 10),
		})
	}
	return out
}

func (p *Plugin) bookChoices(ctx context.Context, guildID, typed string, use bool) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	books, err := p.st.Books(ctx, guildID)
	if err != nil {
		return nil, fmt.Errorf("list books: %w", err)
	}
	n := maxChoices
	if use {
		n -= 2
	}
	out := bookChoicesOf(books, typed, n)
	if use {
		out = append(out,
			&discordgo.ApplicationCommandOptionChoice{Name: bot.Truncate("The default: "+p.shelf.DefaultName(), 100), Value: useDefault},
			&discordgo.ApplicationCommandOptionChoice{Name: "Follow the server's book (with scope:channel)", Value: useServer})
	}
	return out, nil
}

// chapterChoices are the chapters of the channel's book that match what
// was typed, around how far the reader has read; a chapter's name shows
// only up to there.
func (p *Plugin) chapterChoices(ctx context.Context, x *bot.Interaction, typed string) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	v, err := p.shelf.Which(ctx, reader(x))
	if err != nil {
		return nil, fmt.Errorf("the book in use: %w", err)
	}
	chapters := v.Book.Chapters
	if v.Progress.Chapter > 0 {
		chapters = hideNames(chapters, v.Progress.Chapter)
	}
	out := []*discordgo.ApplicationCommandOptionChoice{}
	if len(chapters) == 0 {
		return out, nil
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	if typed == "" {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: "The whole book (no limit)", Value: "#0"})
	}
	start := 0
	if typed == "" && v.Progress.Chapter > 1 {
		start = v.Progress.Chapter - 2 // from just before the current one
	}
	for _, c := range chapters[min(start, len(chapters)):] {
		if len(out) == maxChoices {
			break
		}
		name := c.Label
		if c.Name != "" {
			name += " — " + c.Name
		}
		if typed != "" && !strings.Contains(strings.ToLower(name), typed) && strconv.Itoa(c.N) != typed {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: bot.Truncate(name, 100), Value: "#" + strconv.Itoa(c.N)})
	}
	return out, nil
}
