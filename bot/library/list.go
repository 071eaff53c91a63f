package library

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/library"
	"storybot/library/shelf"
)

// list answers /book list.
func (p *Plugin) list(ctx context.Context, x *bot.Interaction) error {
	books, err := p.st.Books(ctx, x.GuildID)
	if err != nil {
		return fmt.Errorf("list books: %w", err)
	}
	var serverBook int64
	if c, err := p.st.Choice(ctx, x.GuildID, ""); err == nil {
		serverBook = c.BookID
	}
	here, err := p.shelf.Which(ctx, reader(x))
	if err != nil {
		return fmt.Errorf("the book in use: %w", err)
	}
	return x.Respond(ctx, renderList(books, here, serverBook, p.maxBooks, p.shelf.DefaultName()))
}

// info answers /book info.
func (p *Plugin) info(ctx context.Context, x *bot.Interaction) error {
	b, err := p.findBook(ctx, x.GuildID, x.StringOption("book"))
	if err != nil {
		return err
	}
	r := reader(x)
	r.BookID = b.ID
	v, err := p.shelf.Which(ctx, r)
	if err != nil {
		return fmt.Errorf("progress through book %d: %w", b.ID, err)
	}
	choices, err := p.st.Choices(ctx, x.GuildID)
	if err != nil {
		return fmt.Errorf("choices: %w", err)
	}
	var usedBy []string
	for _, c := range choices {
		if c.BookID != b.ID {
			continue
		}
		if c.ChannelID == "" {
			usedBy = append(usedBy, "the server")
		} else {
			usedBy = append(usedBy, "<#"+c.ChannelID+">")
		}
	}
	e := &discordgo.MessageEmbed{
		Title:       bot.Truncate(b.Title, bot.MaxEmbedTitle),
		Description: bot.Truncate(strings.TrimSpace(byLine(b)), 200),
		Color:       colorInfo,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "File", Value: fmt.Sprintf("%s, %s, %s", bot.Truncate(b.Filename, 200), kindName[b.Kind], size(b.Size)), Inline: true},
			{Name: "Words", Value: fmt.Sprint(b.Words), Inline: true},
			{Name: "Added", Value: fmt.Sprintf("by %s, <t:%d:f>", bot.Truncate(orNone(b.AddedByName), 60), b.AddedAt.Unix()), Inline: true},
			{Name: "Chapters", Value: bot.Truncate(chaptersText(b), bot.MaxFieldValue)},
			{Name: "Chosen by", Value: bot.Truncate(orNone(strings.Join(usedBy, ", ")), bot.MaxFieldValue)},
		},
	}
	if len(b.Chapters) > 0 {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Read", Value: p.readText(ctx, x, b, v)})
	}
	return x.Respond(ctx, bot.Message{Embeds: []*discordgo.MessageEmbed{e}})
}

// readText says how far this channel and the member have read b.
func (p *Plugin) readText(ctx context.Context, x *bot.Interaction, b library.Book, v shelf.View) string {
	get := func(channel, user string) library.Progress {
		pr, err := p.st.Progress(ctx, x.GuildID, b.ID, channel, user)
		if err != nil && !errors.Is(err, library.ErrNotFound) {
			p.log.Warn("library: read progress", "err", err)
		}
		return pr
	}
	ch := get(x.ChannelID, "")
	own := get("", x.UserID())
	// Names only as far as the reader has read.
	seen := b
	if v.Progress.Chapter > 0 {
		seen.Chapters = hideNames(b.Chapters, v.Progress.Chapter)
	}
	return fmt.Sprintf("This channel: %s.\nYou: %s.", progressText(ch, seen), progressText(own, seen))
}

// hideNames returns chapters with the names after chapter upTo left out.
func hideNames(chapters []library.Chapter, upTo int) []library.Chapter {
	out := make([]library.Chapter, len(chapters))
	for i, c := range chapters {
		if c.N > upTo {
			c.Name = ""
		}
		out[i] = c
	}
	return out
}
