package library

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/library"
	"storybot/library/shelf"
)

const colorInfo = 0x4169e1

// kindName is how a kind of file is named to people.
var kindName = map[string]string{"txt": "text", "md": "Markdown", "epub": "EPUB", "html": "HTML", "pdf": "PDF"}

// chaptersText says how many chapters a book has and their first and
// last labels, never their names, which may say too much.
func chaptersText(b library.Book) string {
	switch n := len(b.Chapters); n {
	case 0:
		return "none: progress cannot be set, and answers draw on the whole text"
	case 1:
		return "1 (" + b.Chapters[0].Label + ")"
	default:
		return fmt.Sprintf("%d (%s to %s)", n, b.Chapters[0].Label, b.Chapters[n-1].Label)
	}
}

// byLine is "by Author", or "" when the book names none.
func byLine(b library.Book) string {
	if b.Author == "" {
		return ""
	}
	return " by " + b.Author
}

func renderAdded(b library.Book, warnings []string, serverBook bool) bot.Message {
	e := &discordgo.MessageEmbed{
		Title: bot.Truncate("Added: "+b.Title, bot.MaxEmbedTitle),
		Color: colorInfo,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Author", Value: orNone(b.Author), Inline: true},
			{Name: "File", Value: fmt.Sprintf("%s, %s, %s", bot.Truncate(b.Filename, 200), kindName[b.Kind], size(b.Size)), Inline: true},
			{Name: "Words", Value: strconv.Itoa(b.Words), Inline: true},
			{Name: "Chapters", Value: bot.Truncate(chaptersText(b), bot.MaxFieldValue)},
		},
	}
	if serverBook {
		e.Description = "It is now the book this server talks about: `/ask` and the other ways of asking answer from it. `/book use` chooses another, for the server or a channel."
	} else {
		e.Description = "Choose it with `/book use book:" + bot.Truncate(b.Title, 100) + "`, for the server or a channel; `/ask book:` asks it meanwhile."
	}
	if len(b.Chapters) > 0 {
		e.Description += " `/book progress` says how far the group has read, so that answers stop there."
	}
	if len(warnings) > 0 {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Read with a warning", Value: bot.Truncate(strings.Join(warnings, "\n"), bot.MaxFieldValue)})
	}
	return bot.Message{Embeds: []*discordgo.MessageEmbed{e}}
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// renderList lists the server's books, marking the server's and the
// channel's, with the book in use here.
func renderList(books []library.Book, here shelf.View, serverBook int64, max int, defName string) bot.Message {
	e := &discordgo.MessageEmbed{Title: "This server's library", Color: colorInfo}
	var lines []string
	for _, b := range books {
		marks := ""
		if b.ID == serverBook {
			marks += " · **the server's book**"
		}
		if b.ID == here.Book.ID && here.From != shelf.FromServer {
			marks += " · **this channel's book**"
		}
		lines = append(lines, fmt.Sprintf("**%s**%s · %s, %s · %d chapters · added by %s <t:%d:d>%s",
			bot.Truncate(b.Title, 100), bot.Truncate(byLine(b), 80), kindName[b.Kind], size(b.Size), len(b.Chapters),
			bot.Truncate(orNone(b.AddedByName), 40), b.AddedAt.Unix(), marks))
	}
	if len(lines) == 0 {
		e.Description = "No books yet: a librarian adds one with `/book add`, attaching its file. Until then I answer from " + defName + "."
	} else {
		e.Description = bot.Truncate(strings.Join(lines, "\n"), bot.MaxEmbedDesc)
	}
	e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("%d of %d books · here: %s", len(books), max, bot.Truncate(here.Title, 100))}
	return bot.Message{Embeds: []*discordgo.MessageEmbed{e}}
}

// progressText says how far a progress goes, naming the chapter only by
// its label and, when the reader has read it, its name.
func progressText(p library.Progress, b library.Book) string {
	if p.Chapter == 0 {
		return "the whole book"
	}
	label := p.Label
	if label == "" {
		label = fmt.Sprintf("chapter %d", p.Chapter)
	}
	if p.Chapter <= len(b.Chapters) && b.Chapters[p.Chapter-1].Name != "" {
		return fmt.Sprintf("%s, “%s”", label, b.Chapters[p.Chapter-1].Name)
	}
	return label
}
