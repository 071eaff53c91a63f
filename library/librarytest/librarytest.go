// Package librarytest is the conformance suite of [library.Store]: every
// storage adapter runs [Run] in its tests, so that the Discord side of the
// library can rely on the same behaviour from all of them (books stored
// with their files or not at all, the limit of books per guild under
// concurrent adds, duplicates, removal of everything about a book, guild
// isolation, choices and reading progress, and the sentinel errors).
//
// An adapter's test is one line:
//
//	func TestLibrary(t *testing.T) {
//		librarytest.Run(t, func(t *testing.T, now func() time.Time) library.Store {
//			return open(t, now) // a new, empty store that tells time by now
//		})
//	}
package librarytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"storybot/internal/testclock"
	"storybot/library"
)

// NewStore returns a new, empty store, closed when t ends, that reads the
// time from now for every time it records.
type NewStore func(t *testing.T, now func() time.Time) library.Store

// Run runs the suite against stores made by newStore, each subtest on a
// new one.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		test func(*testing.T, library.Store)
	}{
		{"Books", testBooks},
		{"Errors", testErrors},
		{"Limit", testLimit},
		{"ConcurrentAdds", func(t *testing.T, s library.Store) { RaceAdds(t, s) }},
		{"Remove", testRemove},
		{"GuildIsolation", testGuildIsolation},
		{"Choices", testChoices},
		{"Progress", testProgress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.test(t, newStore(t, testclock.New()))
		})
	}
}

// File returns the bytes of a test file: n bytes that differ with seed,
// NUL and high bytes included.
func File(seed, n int) []byte {
	b := make([]byte, n)
	x := uint32(seed*2654435761 + 1)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// NewBook returns a book of guild titled title, with a file made by
// [File] from seed, three chapters and the adder "mod1".
func NewBook(guild, title string, seed int) library.NewBook {
	return library.NewBook{Book: library.Book{
		GuildID: guild, Title: title, Author: "A. Writer", Filename: "book.epub", Kind: "epub",
		TextBytes: 1234, Words: 200,
		Chapters: []library.Chapter{{N: 1, Label: "ch. 1", Name: "The Start"}, {N: 2, Label: "ch. 2"}, {N: 3, Label: "ch. 3", Name: "The End"}},
		AddedBy:  "mod1", AddedByName: "Mod One",
	}, Data: File(seed, 4096+seed)}
}

// Add adds nb to s with no limit, failing t on an error.
func Add(t testing.TB, s library.BookStore, nb library.NewBook) library.Book {
	t.Helper()
	b, err := s.AddBook(context.Background(), nb, 0)
	if err != nil {
		t.Fatalf("AddBook(%q): %v", nb.Title, err)
	}
	return b
}

func testBooks(t *testing.T, s library.Store) {
	ctx := context.Background()
	nb := NewBook("g1", "  Dracula ", 1)
	nb.Data = File(1, 1<<20) // a megabyte
	a := Add(t, s, nb)
	b := Add(t, s, NewBook("g1", "Emma", 2))
	Add(t, s, NewBook("g2", "Persuasion", 3))
	if a.ID <= 0 || b.ID <= a.ID {
		t.Errorf("IDs %d, %d: want positive and increasing", a.ID, b.ID)
	}
	if a.Title != "Dracula" || a.Size != 1<<20 || len(a.SHA256) != 64 || a.Key() != a.SHA256[:10] ||
		!a.AddedAt.After(testclock.T0) || a.AddedAt.Location() != time.UTC || a.GuildID != "g1" {
		t.Errorf("added book = %+v", a)
	}
	got, err := s.Book(ctx, "g1", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBook(got, a) {
		t.Errorf("Book = %+v\nwant %+v", got, a)
	}
	if len(got.Chapters) != 3 || got.Chapters[0] != (library.Chapter{N: 1, Label: "ch. 1", Name: "The Start"}) || got.Chapters[1].Name != "" {
		t.Errorf("chapters = %+v", got.Chapters)
	}
	data, err := s.BookFile(ctx, "g1", a.ID)
	if err != nil || string(data) != string(nb.Data) {
		t.Errorf("BookFile = %d bytes, %v; want the %d bytes added", len(data), err, len(nb.Data))
	}
	list, err := s.Books(ctx, "g1")
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("Books(g1) = %v, %v; want %d then %d", titles(list), err, a.ID, b.ID)
	}
	if !sameBook(list[0], a) {
		t.Errorf("Books(g1)[0] = %+v\nwant %+v", list[0], a)
	}
	if list, err := s.Books(ctx, "g3"); err != nil || len(list) != 0 {
		t.Errorf("Books of an empty guild = %v, %v", titles(list), err)
	}
	// Changing what was returned changes nothing stored.
	got.Chapters[0].Label = "changed"
	data[0] ^= 0xff
	again, _ := s.Book(ctx, "g1", a.ID)
	data2, _ := s.BookFile(ctx, "g1", a.ID)
	if again.Chapters[0].Label != "ch. 1" || data2[0] != nb.Data[0] {
		t.Errorf("the store shares memory with what it returned")
	}
}

func sameBook(a, b library.Book) bool {
	return a.ID == b.ID && a.GuildID == b.GuildID && a.Title == b.Title && a.Author == b.Author &&
		a.Filename == b.Filename && a.Kind == b.Kind && a.Size == b.Size && a.SHA256 == b.SHA256 &&
		a.TextBytes == b.TextBytes && a.Words == b.Words && slices.Equal(a.Chapters, b.Chapters) &&
		a.AddedBy == b.AddedBy && a.AddedByName == b.AddedByName && a.AddedAt.Equal(b.AddedAt)
}

func titles(bs []library.Book) []string {
	var out []string
	for _, b := range bs {
		out = append(out, fmt.Sprintf("%d:%s", b.ID, b.Title))
	}
	return out
}

func testErrors(t *testing.T, s library.Store) {
	ctx := context.Background()
	bad := map[string]func(*library.NewBook){
		"no guild":      func(nb *library.NewBook) { nb.GuildID = " " },
		"no title":      func(nb *library.NewBook) { nb.Title = "" },
		"long title":    func(nb *library.NewBook) { nb.Title = string(make([]rune, library.MaxTitleLen+1)) },
		"no adder":      func(nb *library.NewBook) { nb.AddedBy = "" },
		"slash in name": func(nb *library.NewBook) { nb.Filename = "../evil.txt" },
		"unknown kind":  func(nb *library.NewBook) { nb.Kind = "exe" },
		"empty file":    func(nb *library.NewBook) { nb.Data = nil },
		"chapters misnumbered": func(nb *library.NewBook) {
			nb.Chapters = []library.Chapter{{N: 1, Label: "ch. 1"}, {N: 3, Label: "ch. 3"}}
		},
		"chapter without label": func(nb *library.NewBook) { nb.Chapters = []library.Chapter{{N: 1}} },
	}
	for name, change := range bad {
		nb := NewBook("g1", "Bad", 9)
		change(&nb)
		if _, err := s.AddBook(ctx, nb, 0); !errors.Is(err, library.ErrInvalidInput) {
			t.Errorf("AddBook with %s = %v, want ErrInvalidInput", name, err)
		}
	}
	if list, _ := s.Books(ctx, "g1"); len(list) != 0 {
		t.Errorf("invalid books were stored: %v", titles(list))
	}

	a := Add(t, s, NewBook("g1", "Dracula", 1))
	dup := NewBook("g1", "Dracula again", 1)
	_, err := s.AddBook(ctx, dup, 0)
	var de *library.DuplicateError
	if !errors.Is(err, library.ErrDuplicate) || !errors.As(err, &de) || de.Book.ID != a.ID || de.Book.Title != "Dracula" {
		t.Errorf("AddBook of the same file = %v, want a DuplicateError naming book %d", err, a.ID)
	}
	// Another guild may hold the same file.
	Add(t, s, NewBook("g2", "Dracula", 1))

	if _, err := s.Book(ctx, "g1", a.ID+100); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Book(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.BookFile(ctx, "g1", 0); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("BookFile(0) = %v, want ErrNotFound", err)
	}
	if _, err := s.RemoveBook(ctx, "g1", -1); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("RemoveBook(-1) = %v, want ErrNotFound", err)
	}
	if err := s.Choose(ctx, library.Choice{GuildID: "g1", BookID: a.ID + 100, SetBy: "mod1"}); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Choose(unknown book) = %v, want ErrNotFound", err)
	}
	if err := s.Choose(ctx, library.Choice{GuildID: "g1", BookID: a.ID}); !errors.Is(err, library.ErrInvalidInput) {
		t.Errorf("Choose without SetBy = %v, want ErrInvalidInput", err)
	}
	if _, err := s.Choice(ctx, "g1", "nowhere"); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Choice(no choice) = %v, want ErrNotFound", err)
	}
	for name, p := range map[string]library.Progress{
		"channel and user": {GuildID: "g1", BookID: a.ID, ChannelID: "c", UserID: "u", Chapter: 1, SetBy: "u"},
		"neither":          {GuildID: "g1", BookID: a.ID, Chapter: 1, SetBy: "u"},
		"negative chapter": {GuildID: "g1", BookID: a.ID, UserID: "u", Chapter: -1, SetBy: "u"},
		"no setter":        {GuildID: "g1", BookID: a.ID, UserID: "u", Chapter: 1},
	} {
		if err := s.SetProgress(ctx, p); !errors.Is(err, library.ErrInvalidInput) {
			t.Errorf("SetProgress with %s = %v, want ErrInvalidInput", name, err)
		}
	}
	if err := s.SetProgress(ctx, library.Progress{GuildID: "g1", BookID: a.ID + 100, UserID: "u", Chapter: 1, SetBy: "u"}); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("SetProgress(unknown book) = %v, want ErrNotFound", err)
	}
	if _, err := s.Progress(ctx, "g1", a.ID, "", ""); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Progress of nobody = %v, want ErrNotFound", err)
	}
}

func testLimit(t *testing.T, s library.Store) {
	ctx := context.Background()
	a, err := s.AddBook(ctx, NewBook("g1", "One", 1), 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddBook(ctx, NewBook("g1", "Two", 2), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddBook(ctx, NewBook("g1", "Three", 3), 2); !errors.Is(err, library.ErrFull) {
		t.Fatalf("third AddBook with max 2 = %v, want ErrFull", err)
	}
	if list, _ := s.Books(ctx, "g1"); len(list) != 2 {
		t.Errorf("after ErrFull the guild holds %v, want 2 books", titles(list))
	}
	// The limit is per guild.
	if _, err := s.AddBook(ctx, NewBook("g2", "Three", 3), 2); err != nil {
		t.Errorf("AddBook in another guild = %v", err)
	}
	// Removing a book makes room; IDs are never given again.
	if _, err := s.RemoveBook(ctx, "g1", a.ID); err != nil {
		t.Fatal(err)
	}
	c, err := s.AddBook(ctx, NewBook("g1", "Three", 3), 2)
	if err != nil {
		t.Fatalf("AddBook after a removal = %v", err)
	}
	all, _ := s.Books(ctx, "g1")
	for _, b := range all[:len(all)-1] {
		if c.ID <= b.ID {
			t.Errorf("new book %d numbered before %d", c.ID, b.ID)
		}
	}
}

// RaceAdds adds eight books to one guild at once with a limit of three and
// checks that exactly three were stored; it returns them.
func RaceAdds(t *testing.T, s library.BookStore) []library.Book {
	t.Helper()
	ctx := context.Background()
	const n, max = 8, 3
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.AddBook(ctx, NewBook("race", fmt.Sprintf("Book %d", i), 100+i), max)
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, library.ErrFull):
			t.Errorf("AddBook %d = %v, want nil or ErrFull", i, err)
		}
	}
	list, err := s.Books(ctx, "race")
	if err != nil {
		t.Fatal(err)
	}
	if ok != max || len(list) != max {
		t.Errorf("%d adds succeeded and %d books are stored, want %d", ok, len(list), max)
	}
	return list
}

func testRemove(t *testing.T, s library.Store) {
	ctx := context.Background()
	a := Add(t, s, NewBook("g1", "Dracula", 1))
	b := Add(t, s, NewBook("g1", "Emma", 2))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Choose(ctx, library.Choice{GuildID: "g1", BookID: a.ID, SetBy: "mod1"}))
	must(s.Choose(ctx, library.Choice{GuildID: "g1", ChannelID: "c1", BookID: a.ID, SetBy: "mod1"}))
	must(s.Choose(ctx, library.Choice{GuildID: "g1", ChannelID: "c2", BookID: b.ID, SetBy: "mod1"}))
	must(s.SetProgress(ctx, library.Progress{GuildID: "g1", BookID: a.ID, ChannelID: "c1", Chapter: 2, Label: "ch. 2", SetBy: "mod1"}))
	must(s.SetProgress(ctx, library.Progress{GuildID: "g1", BookID: a.ID, UserID: "u1", Chapter: 1, Label: "ch. 1", SetBy: "u1"}))
	must(s.SetProgress(ctx, library.Progress{GuildID: "g1", BookID: b.ID, UserID: "u1", Chapter: 3, Label: "ch. 3", SetBy: "u1"}))

	got, err := s.RemoveBook(ctx, "g1", a.ID)
	if err != nil || got.ID != a.ID || got.Title != "Dracula" {
		t.Fatalf("RemoveBook = %+v, %v; want Dracula", got, err)
	}
	if _, err := s.Book(ctx, "g1", a.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Book after removal = %v, want ErrNotFound", err)
	}
	if _, err := s.BookFile(ctx, "g1", a.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("BookFile after removal = %v, want ErrNotFound", err)
	}
	for _, ch := range []string{"", "c1"} {
		if c, err := s.Choice(ctx, "g1", ch); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("Choice(%q) after removal = %+v, %v; want ErrNotFound", ch, c, err)
		}
	}
	if c, err := s.Choice(ctx, "g1", "c2"); err != nil || c.BookID != b.ID {
		t.Errorf("the other book's choice = %+v, %v", c, err)
	}
	if _, err := s.Progress(ctx, "g1", a.ID, "c1", ""); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("channel progress after removal = %v, want ErrNotFound", err)
	}
	if _, err := s.Progress(ctx, "g1", a.ID, "", "u1"); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("member progress after removal = %v, want ErrNotFound", err)
	}
	if p, err := s.Progress(ctx, "g1", b.ID, "", "u1"); err != nil || p.Chapter != 3 {
		t.Errorf("the other book's progress = %+v, %v", p, err)
	}
	if list, _ := s.Books(ctx, "g1"); len(list) != 1 || list[0].ID != b.ID {
		t.Errorf("Books after removal = %v", titles(list))
	}
	if _, err := s.RemoveBook(ctx, "g1", a.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("second RemoveBook = %v, want ErrNotFound", err)
	}
	// The same file may be added again, as a new book.
	again := Add(t, s, NewBook("g1", "Dracula", 1))
	if again.ID == a.ID {
		t.Errorf("the book added again got the removed book's ID %d", a.ID)
	}
}

func testGuildIsolation(t *testing.T, s library.Store) {
	ctx := context.Background()
	a := Add(t, s, NewBook("g1", "Dracula", 1))
	if err := s.Choose(ctx, library.Choice{GuildID: "g1", ChannelID: "c1", BookID: a.ID, SetBy: "mod1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetProgress(ctx, library.Progress{GuildID: "g1", BookID: a.ID, ChannelID: "c1", Chapter: 2, SetBy: "mod1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Book(ctx, "g2", a.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Book from another guild = %v, want ErrNotFound", err)
	}
	if _, err := s.BookFile(ctx, "g2", a.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("BookFile from another guild = %v, want ErrNotFound", err)
	}
	if _, err := s.RemoveBook(ctx, "g2", a.ID); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("RemoveBook from another guild = %v, want ErrNotFound", err)
	}
	if err := s.Choose(ctx, library.Choice{GuildID: "g2", BookID: a.ID, SetBy: "mod2"}); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Choose another guild's book = %v, want ErrNotFound", err)
	}
	if err := s.SetProgress(ctx, library.Progress{GuildID: "g2", BookID: a.ID, UserID: "u", Chapter: 1, SetBy: "u"}); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("SetProgress through another guild's book = %v, want ErrNotFound", err)
	}
	if list, _ := s.Books(ctx, "g2"); len(list) != 0 {
		t.Errorf("Books(g2) = %v", titles(list))
	}
	if _, err := s.Choice(ctx, "g2", "c1"); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Choice of the same channel ID in another guild = %v, want ErrNotFound", err)
	}
	if cs, _ := s.Choices(ctx, "g2"); len(cs) != 0 {
		t.Errorf("Choices(g2) = %+v", cs)
	}
	if _, err := s.Progress(ctx, "g2", a.ID, "c1", ""); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Progress from another guild = %v, want ErrNotFound", err)
	}
	if err := s.Unchoose(ctx, "g2", "c1"); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Choice(ctx, "g1", "c1"); err != nil || c.BookID != a.ID {
		t.Errorf("Unchoose in g2 changed g1: %+v, %v", c, err)
	}
	if _, err := s.Book(ctx, "g1", a.ID); err != nil {
		t.Errorf("the book is gone after another guild's attempts: %v", err)
	}
}

func testChoices(t *testing.T, s library.Store) {
	ctx := context.Background()
	a := Add(t, s, NewBook("g1", "Dracula", 1))
	b := Add(t, s, NewBook("g1", "Emma", 2))
	choose := func(channel string, book int64) {
		t.Helper()
		if err := s.Choose(ctx, library.Choice{GuildID: "g1", ChannelID: channel, BookID: book, SetBy: "mod1"}); err != nil {
			t.Fatalf("Choose(%q, %d): %v", channel, book, err)
		}
	}
	choose("", a.ID)
	choose("c2", b.ID)
	choose("c1", 0) // the default corpus
	choose("c2", a.ID)
	c, err := s.Choice(ctx, "g1", "")
	if err != nil || c.BookID != a.ID || c.SetBy != "mod1" || !c.SetAt.After(testclock.T0) || c.SetAt.Location() != time.UTC || c.GuildID != "g1" || c.ChannelID != "" {
		t.Errorf("Choice(guild) = %+v, %v", c, err)
	}
	if c, err := s.Choice(ctx, "g1", "c2"); err != nil || c.BookID != a.ID {
		t.Errorf("Choice(c2) after a second choice = %+v, %v; want book %d", c, err, a.ID)
	}
	if c, err := s.Choice(ctx, "g1", "c1"); err != nil || c.BookID != 0 {
		t.Errorf("Choice(c1) = %+v, %v; want the default corpus (0)", c, err)
	}
	cs, err := s.Choices(ctx, "g1")
	if err != nil || len(cs) != 3 || cs[0].ChannelID != "" || cs[1].ChannelID != "c1" || cs[2].ChannelID != "c2" {
		t.Errorf("Choices = %+v, %v; want the guild's, c1, c2", cs, err)
	}
	if err := s.Unchoose(ctx, "g1", "c2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Choice(ctx, "g1", "c2"); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("Choice after Unchoose = %v, want ErrNotFound", err)
	}
	if err := s.Unchoose(ctx, "g1", "never-chosen"); err != nil {
		t.Errorf("Unchoose of no choice = %v", err)
	}
}

func testProgress(t *testing.T, s library.Store) {
	ctx := context.Background()
	a := Add(t, s, NewBook("g1", "Dracula", 1))
	b := Add(t, s, NewBook("g1", "Emma", 2))
	set := func(p library.Progress) {
		t.Helper()
		p.GuildID, p.SetBy = "g1", "mod1"
		if err := s.SetProgress(ctx, p); err != nil {
			t.Fatalf("SetProgress(%+v): %v", p, err)
		}
	}
	set(library.Progress{BookID: a.ID, ChannelID: "c1", Chapter: 2, Label: "ch. 2"})
	set(library.Progress{BookID: a.ID, UserID: "u1", Chapter: 3, Label: "ch. 3"})
	set(library.Progress{BookID: b.ID, ChannelID: "c1", Chapter: 1, Label: "ch. 1"})
	set(library.Progress{BookID: 0, ChannelID: "c1", Chapter: 5, Label: "ch. 5"})
	set(library.Progress{BookID: a.ID, ChannelID: "c1", Chapter: 3, Label: "ch. 3"}) // replaces

	p, err := s.Progress(ctx, "g1", a.ID, "c1", "")
	if err != nil || p.Chapter != 3 || p.Label != "ch. 3" || p.SetBy != "mod1" || !p.SetAt.After(testclock.T0) || p.SetAt.Location() != time.UTC ||
		p.GuildID != "g1" || p.BookID != a.ID || p.ChannelID != "c1" || p.UserID != "" {
		t.Errorf("channel progress = %+v, %v; want ch. 3", p, err)
	}
	if p, err := s.Progress(ctx, "g1", a.ID, "", "u1"); err != nil || p.Chapter != 3 || p.UserID != "u1" {
		t.Errorf("member progress = %+v, %v", p, err)
	}
	if p, err := s.Progress(ctx, "g1", b.ID, "c1", ""); err != nil || p.Chapter != 1 {
		t.Errorf("progress through the other book = %+v, %v; want ch. 1", p, err)
	}
	if p, err := s.Progress(ctx, "g1", 0, "c1", ""); err != nil || p.Chapter != 5 {
		t.Errorf("progress through the default corpus = %+v, %v; want ch. 5", p, err)
	}
	// A channel and a member with the same ID are different readers.
	if _, err := s.Progress(ctx, "g1", a.ID, "u1", ""); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("channel u1's progress = %v, want ErrNotFound", err)
	}
	set(library.Progress{BookID: a.ID, ChannelID: "c1", Chapter: 0})
	if _, err := s.Progress(ctx, "g1", a.ID, "c1", ""); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("progress after chapter 0 = %v, want ErrNotFound", err)
	}
	if p, err := s.Progress(ctx, "g1", a.ID, "", "u1"); err != nil || p.Chapter != 3 {
		t.Errorf("forgetting the channel's progress changed the member's: %+v, %v", p, err)
	}
}
