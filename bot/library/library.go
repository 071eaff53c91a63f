// Package library is the Discord side of the servers' libraries
// (storybot/library), a [bot.Plugin]: the /book command with which a
// server adds books, chooses the book a channel or the server talks
// about, and says how far its group and each member have read.
//
//   - /book add file:<attachment> [title] [author] (librarians) downloads
//     the file from Discord's CDN, reads and indexes it, stores it, and
//     reports title, author, chapters and size, or why it refused.
//   - /book list and /book info book:<autocomplete> show the library.
//   - /book remove book:<autocomplete> (librarians) asks to confirm with a
//     button, then deletes the book and everything about it.
//   - /book use book:<autocomplete> [scope:channel|server] chooses the
//     book of the server (librarians) or of the channel (its moderators).
//   - /book progress chapter:<autocomplete> [mine:true] sets how far the
//     channel's group (its moderators) or the member has read.
//
// Librarians are members with the Manage Server permission (or
// Administrator) or the role LIBRARY_ROLE_ID; a channel's moderators
// those with Manage Messages in it or the role MODERATOR_ROLE_ID, and
// librarians. The bot checks this on every command and button, whoever
// was shown it. Every reply is private.
//
// The engines that answer from the books are kept by
// storybot/library/shelf; [Plugin.Passages] answers the Sources buttons
// from them.
package library

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/library"
	"storybot/library/shelf"
)

// Options configure [New]. Zero values mean the documented defaults.
type Options struct {
	// Store keeps the libraries. Required.
	Store library.Store
	// Shelf holds the books' engines, over the same store. Required.
	Shelf *shelf.Shelf
	// Downloader fetches the files added. Required.
	Downloader *Downloader
	// Logger receives logs; nil means [slog.Default].
	Logger *slog.Logger
	// LibrarianRoleID is a role whose members are librarians besides those
	// with Manage Server (LIBRARY_ROLE_ID); "" means the permission only.
	LibrarianRoleID string
	// ModeratorRoleID is a role whose members moderate channels besides
	// those with Manage Messages (MODERATOR_ROLE_ID).
	ModeratorRoleID string
	// MaxBooks is the most books a server's library holds. Default 20.
	MaxBooks int
	// Memory is the memory budget of the books' indexes (the shelf's): a
	// book reckoned to need more is refused. Default shelf.DefaultMemory.
	Memory int64
}

// Plugin is the /book command. It is safe for concurrent use.
type Plugin struct {
	st       library.Store
	shelf    *shelf.Shelf
	dl       *Downloader
	log      *slog.Logger
	libRole  string
	modRole  string
	maxBooks int
	memory   int64
}

var _ bot.Plugin = (*Plugin)(nil)

// New returns the plugin.
func New(opts Options) (*Plugin, error) {
	switch {
	case opts.Store == nil:
		return nil, errors.New("library: no store")
	case opts.Shelf == nil:
		return nil, errors.New("library: no shelf")
	case opts.Downloader == nil:
		return nil, errors.New("library: no downloader")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBooks <= 0 {
		opts.MaxBooks = 20
	}
	if opts.Memory <= 0 {
		opts.Memory = shelf.DefaultMemory
	}
	return &Plugin{st: opts.Store, shelf: opts.Shelf, dl: opts.Downloader, log: opts.Logger,
		libRole: opts.LibrarianRoleID, modRole: opts.ModeratorRoleID, maxBooks: opts.MaxBooks, memory: opts.Memory}, nil
}

// CommandName is the library's slash command.
const CommandName = "book"

// Custom-ID prefixes of the removal's buttons, followed by the book's ID.
const (
	prefixRemove = "book:rm:"
	prefixKeep   = "book:keep:"
)

// Friendly texts.
const (
	msgGuildOnly    = "The library works in servers only."
	msgNotLibrarian = "Only librarians can do that: you need the Manage Server permission or the library role."
	msgNotModerator = "Only this channel's moderators can do that: you need the Manage Messages permission or the moderator role, or to be a librarian."
)

// Register implements [bot.Plugin]: /book and its subcommands, their
// autocompletion and the removal's buttons. Every reply is private.
func (p *Plugin) Register(r *bot.Router) {
	r = r.With(bot.Private, bot.GuildOnly(msgGuildOnly))
	librarians := r.With(p.librariansOnly)
	r.Command(p.command(), p.usage)
	librarians.Subcommand("/book/add", p.add)
	r.Subcommand("/book/list", p.list)
	r.Subcommand("/book/info", p.info)
	librarians.Subcommand("/book/remove", p.remove)
	r.Subcommand("/book/use", p.use)
	r.Subcommand("/book/progress", p.progress)
	r.Autocomplete("/"+CommandName, p.suggest)
	librarians.Component(prefixRemove, p.removeConfirmed)
	r.Component(prefixKeep, p.removeCancelled)
	p.log.Info("library ready", "max_books", p.maxBooks, "max_file_mb", p.dl.MaxBytes()>>20, "memory_mb", p.memory>>20,
		"librarian_role", p.libRole != "")
}

func (p *Plugin) command() *discordgo.ApplicationCommand {
	one := 1
	book := func(desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "book",
			Description: desc, Required: true, Autocomplete: true}
	}
	return &discordgo.ApplicationCommand{
		Name:        CommandName,
		Description: "This server's library: its books, the book of each channel, how far you have read",
		Contexts:    &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Add a book: .txt, .md, .epub, .html or .pdf (librarians)",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The book's file", Required: true},
					{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "Its title, if not the file's", MinLength: &one, MaxLength: library.MaxTitleLen},
					{Type: discordgo.ApplicationCommandOptionString, Name: "author", Description: "Its author, if not the file's", MinLength: &one, MaxLength: library.MaxTitleLen},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List this server's books"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "info", Description: "Show a book: chapters, size, who added it, who reads it",
				Options: []*discordgo.ApplicationCommandOption{book("The book")}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a book and everything about it (librarians)",
				Options: []*discordgo.ApplicationCommandOption{book("The book to remove")}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "use", Description: "Choose the book this channel or the server talks about",
				Options: []*discordgo.ApplicationCommandOption{
					book("The book"),
					{Type: discordgo.ApplicationCommandOptionString, Name: "scope", Description: "This channel only, or the whole server (default: server)",
						Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "channel", Value: "channel"}, {Name: "server", Value: "server"}}},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "progress", Description: "Say how far this channel (moderators) or you have read",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "chapter", Description: "The last chapter read", Required: true, Autocomplete: true},
					{Type: discordgo.ApplicationCommandOptionBoolean, Name: "mine", Description: "Your own progress, for your own questions (anyone)"},
				}},
		},
	}
}

// usage answers /book without a subcommand it knows.
func (p *Plugin) usage(ctx context.Context, x *bot.Interaction) error {
	return x.Respond(ctx, bot.RenderNotice("Use one of `/book add`, `/book list`, `/book info`, `/book remove`, `/book use`, `/book progress`."))
}

// isLibrarian reports whether the member who caused x may add, remove
// and choose the server's books: Manage Server or Administrator, as
// Discord computed it, or the library role.
func (p *Plugin) isLibrarian(x *bot.Interaction) bool {
	if x.Member == nil {
		return false
	}
	perm := x.Member.Permissions
	if perm&discordgo.PermissionManageGuild != 0 || perm&discordgo.PermissionAdministrator != 0 {
		return true
	}
	return p.libRole != "" && slices.Contains(x.Member.Roles, p.libRole)
}

// isChannelModerator reports whether the member who caused x may choose
// the channel's book and set its progress.
func (p *Plugin) isChannelModerator(x *bot.Interaction) bool {
	return p.isLibrarian(x) || bot.IsModerator(x.Interaction, p.modRole)
}

func (p *Plugin) librariansOnly(next bot.Handler) bot.Handler {
	return func(ctx context.Context, x *bot.Interaction) error {
		if !p.isLibrarian(x) {
			return bot.Refuse(msgNotLibrarian)
		}
		return next(ctx, x)
	}
}

// reader is who caused x, and where, for the shelf.
func reader(x *bot.Interaction) shelf.Reader {
	return shelf.Reader{GuildID: x.GuildID, ChannelID: x.ChannelID, ParentID: bot.ThreadParent(x), UserID: x.UserID()}
}

// findBook finds the server's book an option names: its ID, as the
// autocompletion gives it, or its title typed in full or in part.
func (p *Plugin) findBook(ctx context.Context, guildID, value string) (library.Book, error) {
	value = strings.TrimSpace(value)
	if id, err := strconv.ParseInt(value, 10, 64); err == nil && id > 0 {
		b, err := p.st.Book(ctx, guildID, id)
		if err == nil || !errors.Is(err, library.ErrNotFound) {
			return b, err
		}
	}
	books, err := p.st.Books(ctx, guildID)
	if err != nil {
		return library.Book{}, err
	}
	var found []library.Book
	for _, b := range books {
		if strings.EqualFold(b.Title, value) {
			return b, nil
		}
		if value != "" && strings.Contains(strings.ToLower(b.Title), strings.ToLower(value)) {
			found = append(found, b)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return library.Book{}, bot.Refusef("No book called %q is in this server's library; `/book list` shows them, and the list appears as you type.", bot.Truncate(value, 100))
}
