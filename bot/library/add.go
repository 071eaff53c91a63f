package library

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/corpus"
	"storybot/library"
	"storybot/library/shelf"
)

// add answers /book add: it checks the file's kind, size and the
// library's room before downloading a byte, replies privately at once,
// then downloads, reads and indexes the file and stores it, and reports
// what it found or why it refused. Nothing is stored unless all went
// well.
func (p *Plugin) add(ctx context.Context, x *bot.Interaction) error {
	att := attachment(x, "file")
	if att == nil {
		return bot.Refuse("Attach the book's file to `/book add`: a .txt, .md, .epub, .html or .pdf file.")
	}
	name := strings.TrimSpace(att.Filename)
	cant := func(why string) error {
		return bot.Refusef("I can't add %s: %s.", bot.Truncate(name, 100), why)
	}
	if corpus.KindOf(name) == "" {
		return cant("storybot reads .txt, .md, .epub, .html, .htm, .xhtml and .pdf files")
	}
	if max := p.dl.MaxBytes(); int64(att.Size) > max {
		return cant(fmt.Sprintf("it is %s, over the limit of %s (LIBRARY_MAX_FILE_MB)", size(int64(att.Size)), size(max)))
	}
	books, err := p.st.Books(ctx, x.GuildID)
	if err != nil {
		return fmt.Errorf("list books: %w", err)
	}
	if len(books) >= p.maxBooks {
		return bot.Refusef("This server's library is full: it holds %d books, the limit (LIBRARY_MAX_BOOKS). Remove one with `/book remove` first.", len(books))
	}
	if err := x.Defer(ctx); err != nil {
		return fmt.Errorf("defer: %w", err)
	}
	if err := x.EditDeferred(ctx, bot.RenderNotice(fmt.Sprintf("Reading **%s** (%s)…", bot.Truncate(name, 100), size(int64(att.Size))))); err != nil {
		p.log.Warn("library: say the book is being read", "err", err)
	}

	data, err := p.dl.Fetch(ctx, att.URL, int64(att.Size))
	if de, ok := errors.AsType[*DownloadError](err); ok {
		p.log.Info("library: download refused", "guild", x.GuildID, "user", x.UserID(), "file", name, "reason", de.Reason, "err", de.Err)
		return cant(de.Reason)
	}
	if err != nil {
		return fmt.Errorf("download %s: %w", name, err)
	}
	title, author := x.StringOption("title"), x.StringOption("author")
	rb, err := p.shelf.Read(name, data, title, author)
	if ue, ok := errors.AsType[*shelf.UnreadableError](err); ok {
		p.log.Info("library: file refused", "guild", x.GuildID, "user", x.UserID(), "file", name, "reason", ue.Reason)
		return cant(ue.Reason)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if rb.Memory > p.memory {
		return cant(fmt.Sprintf("searching it would take about %s of memory, more than the library's budget of %s (LIBRARY_MEMORY_MB)", size(rb.Memory), size(p.memory)))
	}
	b, err := p.st.AddBook(ctx, library.NewBook{Book: library.Book{
		GuildID: x.GuildID, Title: rb.Title, Author: rb.Author, Filename: shelf.SafeName(name), Kind: rb.Kind,
		TextBytes: rb.TextBytes, Words: rb.Words, Chapters: rb.Chapters, AddedBy: x.UserID(), AddedByName: x.DisplayName(),
	}, Data: data}, p.maxBooks)
	if de, ok := errors.AsType[*library.DuplicateError](err); ok {
		return cant(fmt.Sprintf("the library already holds this file, as **%s**", de.Book.Title))
	}
	switch {
	case errors.Is(err, library.ErrFull):
		return bot.Refusef("This server's library is full (LIBRARY_MAX_BOOKS is %d). Remove a book with `/book remove` first.", p.maxBooks)
	case errors.Is(err, library.ErrInvalidInput):
		_, why, _ := strings.Cut(err.Error(), library.ErrInvalidInput.Error()+": ")
		return cant(why)
	case err != nil:
		return fmt.Errorf("store %s: %w", name, err)
	}
	p.shelf.Put(b, rb.Engine)
	serverBook := false
	if _, err := p.st.Choice(ctx, x.GuildID, ""); errors.Is(err, library.ErrNotFound) {
		// A server's first book is the one it talks about.
		if err := p.st.Choose(ctx, library.Choice{GuildID: x.GuildID, BookID: b.ID, SetBy: x.UserID()}); err != nil {
			p.log.Warn("library: choose the first book", "book", b.ID, "err", err)
		} else {
			serverBook = true
		}
	}
	p.log.Info("library: book added", "guild", x.GuildID, "user", x.UserID(), "book", b.ID, "title", b.Title,
		"kind", b.Kind, "bytes", b.Size, "chapters", len(b.Chapters), "server_book", serverBook)
	return x.Respond(ctx, renderAdded(b, rb.Warnings, serverBook))
}

// attachment returns the attachment of the command's option name.
func attachment(x *bot.Interaction, name string) *discordgo.MessageAttachment {
	d := x.ApplicationCommandData()
	id := x.StringOption(name)
	if id == "" || d.Resolved == nil {
		return nil
	}
	return d.Resolved.Attachments[id]
}
