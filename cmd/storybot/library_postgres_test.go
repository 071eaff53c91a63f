package main

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/fakediscord"
	"storybot/internal/pgtest"
	"storybot/internal/testbook"
	"storybot/library"
	"storybot/qa/postgres"
)

// TestLibraryOnPostgres: with DATABASE_URL the library is on and kept in
// PostgreSQL: /book is registered, a book added by attachment answers,
// a channel's progress holds back the later chapters, everything is there
// after a restart, removal empties the tables, and no SQLite file is made.
func TestLibraryOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve end to end")
	}
	dbURL := pgtest.URL(t)
	e := newLibEnv(t, "DATABASE_URL="+dbURL)
	f := e.fake
	if !slices.ContainsFunc(f.Commands(), func(c *discordgo.ApplicationCommand) bool { return c.Name == "book" }) {
		t.Fatalf("/book is not registered with DATABASE_URL")
	}
	e.private(e.add(e.librarian, f.ChannelID, fakediscord.File{Filename: "miller.md", Data: testbook.Miller.File(".md")}),
		"Added: The Miller of Dunmore", "now the book this server talks about")

	st, err := postgres.Open(e.ctx(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	books, err := st.Books(e.ctx(), f.GuildID)
	if err != nil || len(books) != 1 || books[0].Title != "The Miller of Dunmore" {
		t.Fatalf("the PostgreSQL store holds %+v, %v; want the book added", books, err)
	}
	bookID := books[0].ID
	if data, err := st.BookFile(e.ctx(), f.GuildID, bookID); err != nil || string(data) != string(testbook.Miller.File(".md")) {
		t.Errorf("the stored file = %d bytes, %v; want the file attached", len(data), err)
	}

	q, later := "Who owned the mill?", "Who paid his bill?"
	if m := e.final(e.ask(f.Alice, f.ChannelID, q)); !strings.Contains(m.Text(), "Thomas Reed") || !strings.Contains(m.Text(), "The Miller of Dunmore, ch. I") {
		t.Errorf("/ask from the book: %q", m.Text())
	}
	e.private(e.book(f.Moderator, f.ChannelID, "progress", fakediscord.StringOption("chapter", "I")), "This channel has read **The Miller of Dunmore** up to ch. I")
	beyond := "beyond where this channel has read"
	if m := e.final(e.ask(f.Alice, f.ChannelID, later)); !strings.Contains(m.Text(), beyond) {
		t.Errorf("/ask beyond the channel's progress: %q", m.Text())
	}

	e.restart()
	if m := e.final(e.ask(f.Alice, f.ChannelID, later)); !strings.Contains(m.Text(), beyond) {
		t.Errorf("after a restart the channel's progress is gone: %q", m.Text())
	}
	if m := e.final(e.ask(f.Alice, f.ChannelID, q)); !strings.Contains(m.Text(), "The Miller of Dunmore, ch. I") {
		t.Errorf("after a restart the server's book is gone: %q", m.Text())
	}

	confirm := e.private(e.book(e.librarian, f.ChannelID, "remove", fakediscord.StringOption("book", id(bookID))))
	if m := e.final(f.Button(e.librarian, confirm, "book:rm:"+id(bookID))); !strings.Contains(m.Text(), "Removed **The Miller of Dunmore**") {
		t.Errorf("Remove it: %q", m.Text())
	}
	if _, err := st.BookFile(e.ctx(), f.GuildID, bookID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("the removed book's file: %v, want it gone", err)
	}
	if _, err := st.Choice(e.ctx(), f.GuildID, ""); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("the server's choice of the removed book: %v, want it gone", err)
	}
	if m := e.final(e.ask(f.Alice, f.ChannelID, "Where did Macron meet Putin?")); !strings.Contains(m.Text(), "Versailles") {
		t.Errorf("after the removal, the default corpus: %q", m.Text())
	}
	if _, err := os.Stat(e.cfg.DatabasePath); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("DATABASE_PATH %s: %v; want no SQLite file with DATABASE_URL", e.cfg.DatabasePath, err)
	}
}
