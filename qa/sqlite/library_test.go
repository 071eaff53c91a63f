package sqlite

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"storybot/library"
	"storybot/library/librarytest"
)

// TestLibrary runs the library's conformance suite on a new file each
// time.
func TestLibrary(t *testing.T) {
	librarytest.Run(t, func(t *testing.T, now func() time.Time) library.Store {
		return openAt(t, filepath.Join(t.TempDir(), "storybot.db"), now)
	})
}

// TestLibraryRaceTwoHandles adds books at once through two handles on one
// file, as two processes would: the limit still holds.
func TestLibraryRaceTwoHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "race.db")
	a, b := openAt(t, path, nil), openAt(t, path, nil)
	librarytest.RaceAdds(t, twoHandles{a, b, new(atomic.Int64)})
}

// twoHandles sends every other AddBook to its second store.
type twoHandles struct {
	a, b *Store
	n    *atomic.Int64
}

func (h twoHandles) AddBook(ctx context.Context, nb library.NewBook, max int) (library.Book, error) {
	if h.n.Add(1)%2 == 0 {
		return h.a.AddBook(ctx, nb, max)
	}
	return h.b.AddBook(ctx, nb, max)
}

func (h twoHandles) Book(ctx context.Context, guildID string, id int64) (library.Book, error) {
	return h.a.Book(ctx, guildID, id)
}

func (h twoHandles) Books(ctx context.Context, guildID string) ([]library.Book, error) {
	return h.b.Books(ctx, guildID)
}

func (h twoHandles) BookFile(ctx context.Context, guildID string, id int64) ([]byte, error) {
	return h.a.BookFile(ctx, guildID, id)
}

func (h twoHandles) RemoveBook(ctx context.Context, guildID string, id int64) (library.Book, error) {
	return h.a.RemoveBook(ctx, guildID, id)
}

// TestLibrarySurvivesReopen: books, files, choices and progress are there
// after closing and opening the file again, and a removed book's file is
// gone from it.
func TestLibrarySurvivesReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "storybot.db")
	s := openAt(t, path, nil)
	kept := librarytest.Add(t, s, librarytest.NewBook("g1", "Dracula", 1))
	gone := librarytest.Add(t, s, librarytest.NewBook("g1", "Emma", 2))
	if err := s.Choose(ctx, library.Choice{GuildID: "g1", BookID: kept.ID, SetBy: "m"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetProgress(ctx, library.Progress{GuildID: "g1", BookID: kept.ID, UserID: "u", Chapter: 2, Label: "ch. 2", SetBy: "u"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveBook(ctx, "g1", gone.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2 := openAt(t, path, nil)
	if b, err := s2.Book(ctx, "g1", kept.ID); err != nil || b.Title != "Dracula" || len(b.Chapters) != 3 {
		t.Errorf("after reopening, Book = %+v, %v", b, err)
	}
	if data, err := s2.BookFile(ctx, "g1", kept.ID); err != nil || len(data) != int(kept.Size) {
		t.Errorf("after reopening, BookFile = %d bytes, %v; want %d", len(data), err, kept.Size)
	}
	if c, err := s2.Choice(ctx, "g1", ""); err != nil || c.BookID != kept.ID {
		t.Errorf("after reopening, Choice = %+v, %v", c, err)
	}
	if p, err := s2.Progress(ctx, "g1", kept.ID, "", "u"); err != nil || p.Chapter != 2 {
		t.Errorf("after reopening, Progress = %+v, %v", p, err)
	}
	var files int
	if err := s2.r.QueryRowContext(ctx, `SELECT count(*) FROM book_files`).Scan(&files); err != nil || files != 1 {
		t.Errorf("book_files holds %d files, %v; want only the kept book's", files, err)
	}
}
