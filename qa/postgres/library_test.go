package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"storybot/internal/pgdb"
	"storybot/internal/pgtest"
	"storybot/library"
	"storybot/library/librarytest"
	"storybot/qa/qatest"
)

// TestLibrary runs the library's conformance suite on a new schema each
// time.
func TestLibrary(t *testing.T) {
	pgtest.Server(t)
	librarytest.Run(t, func(t *testing.T, now func() time.Time) library.Store {
		return openAt(t, pgtest.URL(t), now)
	})
}

// TestLibraryRaceStores runs the suite's race of adds through three stores
// on one database, as three processes would: the limit still holds.
func TestLibraryRaceStores(t *testing.T) {
	url := pgtest.URL(t)
	librarytest.RaceAdds(t, &roundRobin{stores: []*Store{openAt(t, url, nil), openAt(t, url, nil), openAt(t, url, nil)}})
}

// TestLibraryLimitUnderLoad adds 16 books to each of four guilds at once,
// through four stores on one database, with a limit of 5: each guild ends
// with exactly 5 books, the adds beyond them are ErrFull, and one guild's
// adds never take another's room.
func TestLibraryLimitUnderLoad(t *testing.T) {
	url := pgtest.URL(t)
	var stores []*Store
	for range 4 {
		stores = append(stores, openAt(t, url, nil))
	}
	ctx := context.Background()
	const guilds, perGuild, max = 4, 16, 5
	errs := make([][]error, guilds)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range guilds {
		errs[g] = make([]error, perGuild)
		for i := range perGuild {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				nb := librarytest.NewBook(fmt.Sprintf("g%d", g), fmt.Sprintf("Book %d", i), 1000*g+i)
				_, errs[g][i] = stores[(g+i)%len(stores)].AddBook(ctx, nb, max)
			}()
		}
	}
	close(start)
	wg.Wait()
	for g := range guilds {
		guild := fmt.Sprintf("g%d", g)
		ok := 0
		for i, err := range errs[g] {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, library.ErrFull):
				t.Errorf("%s: AddBook %d = %v, want nil or ErrFull", guild, i, err)
			}
		}
		list, err := stores[0].Books(ctx, guild)
		if err != nil {
			t.Fatal(err)
		}
		if ok != max || len(list) != max {
			t.Errorf("%s: %d adds succeeded and %d books are stored, want %d", guild, ok, len(list), max)
		}
	}
	var files int
	if err := stores[0].pool.QueryRow(ctx, `SELECT count(*) FROM book_files`).Scan(&files); err != nil || files != guilds*max {
		t.Errorf("book_files holds %d files, %v; want %d, one per book", files, err, guilds*max)
	}
}

// roundRobin sends each AddBook to the next of its stores, and reads
// through the first.
type roundRobin struct {
	stores []*Store
	n      atomic.Int64
}

func (r *roundRobin) AddBook(ctx context.Context, nb library.NewBook, max int) (library.Book, error) {
	return r.stores[int(r.n.Add(1))%len(r.stores)].AddBook(ctx, nb, max)
}

func (r *roundRobin) Book(ctx context.Context, guildID string, id int64) (library.Book, error) {
	return r.stores[0].Book(ctx, guildID, id)
}

func (r *roundRobin) Books(ctx context.Context, guildID string) ([]library.Book, error) {
	return r.stores[0].Books(ctx, guildID)
}

func (r *roundRobin) BookFile(ctx context.Context, guildID string, id int64) ([]byte, error) {
	return r.stores[0].BookFile(ctx, guildID, id)
}

func (r *roundRobin) RemoveBook(ctx context.Context, guildID string, id int64) (library.Book, error) {
	return r.stores[0].RemoveBook(ctx, guildID, id)
}

// TestLibrarySurvivesRestart: books, files, choices and progress are there
// through a new store on the same database, and a removed book leaves no
// row in any table.
func TestLibrarySurvivesRestart(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := openAt(t, url, nil)
	kept := librarytest.Add(t, s, librarytest.NewBook("g1", "Dracula", 1))
	gone := librarytest.Add(t, s, librarytest.NewBook("g1", "Emma", 2))
	for _, c := range []library.Choice{
		{GuildID: "g1", BookID: kept.ID, SetBy: "m"},
		{GuildID: "g1", ChannelID: "c1", BookID: gone.ID, SetBy: "m"},
		{GuildID: "g1", ChannelID: "c2", BookID: 0, SetBy: "m"},
	} {
		if err := s.Choose(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []library.Progress{
		{GuildID: "g1", BookID: kept.ID, UserID: "u", Chapter: 2, Label: "ch. 2", SetBy: "u"},
		{GuildID: "g1", BookID: gone.ID, UserID: "u", Chapter: 1, Label: "ch. 1", SetBy: "u"},
		{GuildID: "g1", BookID: gone.ID, ChannelID: "c1", Chapter: 3, Label: "ch. 3", SetBy: "m"},
	} {
		if err := s.SetProgress(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RemoveBook(ctx, "g1", gone.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2 := openAt(t, url, nil)
	if b, err := s2.Book(ctx, "g1", kept.ID); err != nil || b.Title != "Dracula" || len(b.Chapters) != 3 {
		t.Errorf("after a restart, Book = %+v, %v", b, err)
	}
	if data, err := s2.BookFile(ctx, "g1", kept.ID); err != nil || len(data) != int(kept.Size) {
		t.Errorf("after a restart, BookFile = %d bytes, %v; want %d", len(data), err, kept.Size)
	}
	if c, err := s2.Choice(ctx, "g1", ""); err != nil || c.BookID != kept.ID {
		t.Errorf("after a restart, Choice = %+v, %v", c, err)
	}
	if c, err := s2.Choice(ctx, "g1", "c2"); err != nil || c.BookID != 0 {
		t.Errorf("after a restart, the choice of the default corpus = %+v, %v", c, err)
	}
	if p, err := s2.Progress(ctx, "g1", kept.ID, "", "u"); err != nil || p.Chapter != 2 {
		t.Errorf("after a restart, Progress = %+v, %v", p, err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM books WHERE id = $1`,
		`SELECT count(*) FROM book_files WHERE book_id = $1`,
		`SELECT count(*) FROM book_choices WHERE book_id = $1`,
		`SELECT count(*) FROM book_progress WHERE book_id = $1`,
	} {
		var n int
		if err := s2.pool.QueryRow(ctx, q, gone.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s = %d, %v; want 0 rows of the removed book", q, n, err)
		}
	}
}

// TestLibraryChooseWhileRemoving races choices and progress of a book
// against its removal: whichever wins, no choice or progress is left on
// the removed book, and the losers are told ErrNotFound.
func TestLibraryChooseWhileRemoving(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	a, b := openAt(t, url, nil), openAt(t, url, nil)
	for round := range 5 {
		book := librarytest.Add(t, a, librarytest.NewBook("g1", fmt.Sprintf("Book %d", round), round))
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if i%2 == 0 {
					errs[i] = b.Choose(ctx, library.Choice{GuildID: "g1", ChannelID: fmt.Sprintf("c%d", i), BookID: book.ID, SetBy: "m"})
				} else {
					errs[i] = b.SetProgress(ctx, library.Progress{GuildID: "g1", BookID: book.ID, UserID: fmt.Sprintf("u%d", i), Chapter: 1, SetBy: "m"})
				}
			}()
		}
		close(start)
		if _, err := a.RemoveBook(ctx, "g1", book.ID); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil && !errors.Is(err, library.ErrNotFound) {
				t.Errorf("round %d: change %d = %v, want nil or ErrNotFound", round, i, err)
			}
		}
		var left int
		if err := a.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM book_choices WHERE book_id = $1) + (SELECT count(*) FROM book_progress WHERE book_id = $1)`,
			book.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("round %d: %d choices and progress left on the removed book, %v", round, left, err)
		}
	}
}

// TestLibraryUpgrade opens a database at version 1, as a bot from before
// the library left it: migration 002 is applied, the Q&A data stays, and
// the library works.
func TestLibraryUpgrade(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	pool, err := pgdb.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pgdb.Migrate(ctx, pool, Part, migrations[:1], nil); err != nil {
		t.Fatal(err)
	}
	old, err := New(ctx, pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	sess := qatest.Start(t, old, "g1", "chan")

	s := openAt(t, url, nil)
	if v, err := s.SchemaVersion(ctx); err != nil || v != len(migrations) {
		t.Fatalf("after the upgrade SchemaVersion = %d, %v; want %d", v, err, len(migrations))
	}
	if got, err := s.ActiveSession(ctx, "g1", "chan"); err != nil || got.ID != sess.ID {
		t.Errorf("after the upgrade ActiveSession = %+v, %v; want session %d", got, err, sess.ID)
	}
	b := librarytest.Add(t, s, librarytest.NewBook("g1", "Dracula", 1))
	if err := s.Choose(ctx, library.Choice{GuildID: "g1", BookID: b.ID, SetBy: "m"}); err != nil {
		t.Errorf("Choose after the upgrade: %v", err)
	}
}
