package library

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"storybot/bot"
	"storybot/library"
)

// Values of the book option of /book use besides a book's ID.
const (
	useDefault = "default" // the default corpus (also "0")
	useServer  = "server"  // the channel follows the server's choice again
)

// use answers /book use: the server's book (librarians) or the channel's
// (its moderators).
func (p *Plugin) use(ctx context.Context, x *bot.Interaction) error {
	channel := x.StringOption("scope") == "channel"
	if channel && !p.isChannelModerator(x) {
		return bot.Refuse(msgNotModerator)
	}
	if !channel && !p.isLibrarian(x) {
		return bot.Refuse(msgNotLibrarian + " A channel's moderators can choose its own book with `scope:channel`.")
	}
	where, channelID := "The server", ""
	if channel {
		where, channelID = "This channel", x.ChannelID
	}
	value := strings.TrimSpace(x.StringOption("book"))
	if strings.EqualFold(value, useServer) {
		if !channel {
			return bot.Refuse("`server` is for `scope:channel`: it makes a channel follow the server's book again.")
		}
		if err := p.st.Unchoose(ctx, x.GuildID, channelID); err != nil {
			return fmt.Errorf("forget the channel's book: %w", err)
		}
		v, err := p.shelf.Which(ctx, reader(x))
		if err != nil {
			return fmt.Errorf("the book in use: %w", err)
		}
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("This channel follows the server's book again: **%s**.", bot.Truncate(v.Title, 200))))
	}
	choice := library.Choice{GuildID: x.GuildID, ChannelID: channelID, SetBy: x.UserID()}
	title := p.shelf.DefaultName()
	if !strings.EqualFold(value, useDefault) && value != "0" {
		b, err := p.findBook(ctx, x.GuildID, value)
		if err != nil {
			return err
		}
		choice.BookID, title = b.ID, b.Title
	}
	err := p.st.Choose(ctx, choice)
	if errors.Is(err, library.ErrNotFound) {
		return bot.Refuse("That book is no longer in this server's library.")
	}
	if err != nil {
		return fmt.Errorf("choose book %d: %w", choice.BookID, err)
	}
	p.log.Info("library: book chosen", "guild", x.GuildID, "channel", channelID, "user", x.UserID(), "book", choice.BookID)
	text := fmt.Sprintf("%s now talks about **%s**: `/ask`, mentions and the other ways of asking answer from it.", where, bot.Truncate(title, 200))
	if !channel {
		text += " Channels that chose their own book keep it."
	}
	r := reader(x)
	if v, err := p.shelf.Which(ctx, r); err == nil && v.Progress.Chapter > 0 && v.Book.ID == choice.BookID {
		text += fmt.Sprintf(" Answers here stop at %s, where %s read (`/book progress`).", v.Progress.Label, readerHas(v.Whose))
	} else if choice.BookID != 0 {
		text += " Set how far the group has read with `/book progress`, so that answers stop there."
	}
	return x.Respond(ctx, bot.RenderNotice(text))
}

// readerHas is "you have" or "this channel has".
func readerHas(whose string) string {
	if whose == "you" {
		return "you have"
	}
	return whose + " has"
}
