package ask

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/library"
	"storybot/library/shelf"
)

// Books picks the book a question is answered from, among a server's
// library and the default corpus, seen as far as the asker or the channel
// has read; *shelf.Shelf implements it.
type Books interface {
	// Pick returns what a question of r is answered from.
	Pick(ctx context.Context, r shelf.Reader) (shelf.View, error)
	// Source returns a passage for r, later ones in spoiler markup with
	// spoil, else answer.ErrBeyond.
	Source(ctx context.Context, r shelf.Reader, ref string, spoil bool) (answer.Source, error)
	// Books lists a server's books.
	Books(ctx context.Context, guildID string) ([]library.Book, error)
}

var _ Books = (*shelf.Shelf)(nil)

// picked is what a question is answered from.
type picked struct {
	eng Engine
	// view is the book and progress; its zero value (without Books) is the
	// default corpus, whole.
	view shelf.View
}

// pick returns the engine for a question of r: the plugin's own without
// Books. slow, when not nil, is called before waiting for a book to be
// indexed; waiting ends with ctx, or after the answer timeout.
func (p *Plugin) pick(ctx context.Context, r shelf.Reader, slow func(title string)) (picked, error) {
	if p.books == nil {
		return picked{eng: p.eng}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, p.opts.AnswerTimeout)
	defer cancel()
	r.Wait = slow
	v, err := p.books.Pick(ctx, r)
	switch {
	case errors.Is(err, library.ErrNotFound):
		return picked{}, bot.Refuse("That book is not in this server's library; the list of its books appears as you type, and `/book list` shows them.")
	case errors.Is(err, context.DeadlineExceeded):
		return picked{}, bot.Explain("I'm still reading that book for the first time since I started. Please ask again in a moment.", err)
	case err != nil:
		return picked{}, fmt.Errorf("pick the book: %w", err)
	}
	return picked{eng: v.Engine, view: v}, nil
}

// interactionReader is who caused x, where, with the book: option.
func interactionReader(x *bot.Interaction, public bool) (shelf.Reader, error) {
	r := shelf.Reader{GuildID: x.GuildID, ChannelID: x.ChannelID, ParentID: bot.ThreadParent(x), UserID: x.UserID(), Public: public}
	if v := strings.TrimSpace(x.StringOption("book")); v != "" {
		if x.GuildID == "" {
			return shelf.Reader{}, bot.Refuse("Books belong to a server's library: ask with `book:` in the server.")
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return shelf.Reader{}, bot.Refusef("Pick the book from the list shown as you type (%q is not one).", bot.Truncate(v, 50))
		}
		r.BookID = id
	}
	return r, nil
}

// bookOption is the book: option of /ask and /search.
func bookOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "book",
		Description: "A book of this server's library (default: this channel's)", Autocomplete: true}
}

// suggestBook autocompletes the book: option with the server's books.
func (p *Plugin) suggestBook(ctx context.Context, x *bot.Interaction) error {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	if p.books == nil || x.GuildID == "" {
		return x.Suggest(ctx, choices)
	}
	books, err := p.books.Books(ctx, x.GuildID)
	if err != nil {
		return fmt.Errorf("list books: %w", err)
	}
	typed := strings.ToLower(strings.TrimSpace(x.Focused()))
	for _, b := range books {
		if len(choices) == 25 {
			break
		}
		if typed != "" && !strings.Contains(strings.ToLower(b.Title+" "+b.Author), typed) {
			continue
		}
		name := b.Title
		if b.Author != "" {
			name += " by " + b.Author
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: bot.Truncate(name, 100), Value: strconv.FormatInt(b.ID, 10)})
	}
	return x.Suggest(ctx, choices)
}

// withOwnProgress notes, on an answer given up to the channel's progress
// in public, that the asker has read further.
func withOwnProgress(a answer.Answer, v shelf.View) answer.Answer {
	if v.Own.Chapter == 0 {
		return a
	}
	note := fmt.Sprintf("Answered up to where this channel has read (%s); you have read to %s: ask with private:true for an answer up to there.", v.Progress.Label, v.Own.Label)
	if a.Notice == "" {
		a.Notice = note
	} else {
		a.Notice += " " + note
	}
	return a
}

// bookField says, for /story, which book is in use and how to change it.
func bookField(v shelf.View) *discordgo.MessageEmbedField {
	from := map[string]string{
		shelf.FromChannel: "this channel's choice",
		shelf.FromParent:  "the choice of this thread's channel",
		shelf.FromServer:  "the server's choice",
		shelf.FromDefault: "no book is chosen",
	}[v.From]
	text := fmt.Sprintf("This channel talks about **%s** (%s).", v.Title, from)
	if v.Limited() {
		text += fmt.Sprintf(" Answers stop at %s, where %s read; `/ask spoilers:true` answers from the whole book, the later text hidden.", v.Progress.Label, hasRead(v.Whose))
	}
	text += " `/book list` shows the server's books, `/book use` chooses one for the server or this channel, `/book progress` says how far the channel (or you, with `mine:true`) has read, and `/ask book:` asks another."
	return &discordgo.MessageEmbedField{Name: "Book", Value: bot.Truncate(text, bot.MaxFieldValue)}
}

func hasRead(whose string) string {
	if whose == shelf.ReaderYou {
		return "you have"
	}
	return whose + " has"
}
