package library

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/library"
)

// remove answers /book remove with a confirmation and its buttons.
func (p *Plugin) remove(ctx context.Context, x *bot.Interaction) error {
	b, err := p.findBook(ctx, x.GuildID, x.StringOption("book"))
	if err != nil {
		return err
	}
	return x.Respond(ctx, bot.Message{
		Content: fmt.Sprintf("Remove **%s**%s from the library? Its file, the channels' choice of it and everyone's progress through it are deleted, and no answer draws on it any more.",
			bot.Truncate(b.Title, 200), bot.Truncate(byLine(b), 100)),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Remove it", Style: discordgo.DangerButton, CustomID: bot.CustomID(prefixRemove, b.ID)},
			discordgo.Button{Label: "Keep it", Style: discordgo.SecondaryButton, CustomID: bot.CustomID(prefixKeep, b.ID)},
		}}},
	})
}

// removeConfirmed removes the book of the button, when it is still the
// server's.
func (p *Plugin) removeConfirmed(ctx context.Context, x *bot.Interaction) error {
	id, err := x.RecordID()
	if err != nil {
		return err
	}
	b, err := p.st.RemoveBook(ctx, x.GuildID, id)
	if errors.Is(err, library.ErrNotFound) {
		return x.Update(ctx, bot.RenderNotice("That book is no longer in this server's library."))
	}
	if err != nil {
		return fmt.Errorf("remove book %d: %w", id, err)
	}
	p.shelf.Drop(b.ID)
	p.log.Info("library: book removed", "guild", x.GuildID, "user", x.UserID(), "book", b.ID, "title", b.Title)
	return x.Update(ctx, bot.RenderNotice(fmt.Sprintf("Removed **%s** from the library, with its file and everything about it.", bot.Truncate(b.Title, 200))))
}

// removeCancelled keeps the book.
func (p *Plugin) removeCancelled(ctx context.Context, x *bot.Interaction) error {
	id, err := x.RecordID()
	if err != nil {
		return err
	}
	title := "the book"
	if b, err := p.st.Book(ctx, x.GuildID, id); err == nil {
		title = "**" + bot.Truncate(b.Title, 200) + "**"
	}
	return x.Update(ctx, bot.RenderNotice("Kept "+title+"."))
}
