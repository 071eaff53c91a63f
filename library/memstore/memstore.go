// Package memstore is a [library.Store] in memory: what tests and a bot
// without a database can use, and the reference a new adapter can be read
// beside. It passes storybot/library/librarytest like storybot/qa/sqlite
// and storybot/qa/postgres do; everything is lost when the process ends.
package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"storybot/library"
)

var _ library.Store = (*Store)(nil)

// Store is an in-memory [library.Store]. One mutex guards everything, so
// every change is atomic. The zero value is not ready; use [New].
type Store struct {
	now func() time.Time

	mu       sync.Mutex
	nextID   int64
	books    map[int64]library.Book
	files    map[int64][]byte
	choices  map[choiceKey]library.Choice
	progress map[progressKey]library.Progress
}

type choiceKey struct{ guild, channel string }

type progressKey struct {
	guild         string
	book          int64
	channel, user string
}

// New returns an empty store that tells time with [time.Now].
func New() *Store {
	return &Store{now: time.Now, books: map[int64]library.Book{}, files: map[int64][]byte{},
		choices: map[choiceKey]library.Choice{}, progress: map[progressKey]library.Progress{}}
}

// SetClock makes the store tell time with now instead of [time.Now]. Call
// it before using the store.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() time.Time { return time.UnixMilli(s.now().UnixMilli()).UTC() }

// AddBook implements [library.BookStore].
func (s *Store) AddBook(ctx context.Context, nb library.NewBook, max int) (library.Book, error) {
	if err := ctx.Err(); err != nil {
		return library.Book{}, err
	}
	nb, err := nb.Clean()
	if err != nil {
		return library.Book{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.books {
		if b.GuildID != nb.GuildID {
			continue
		}
		if b.SHA256 == nb.SHA256 {
			return library.Book{}, &library.DuplicateError{Book: clone(b)}
		}
		n++
	}
	if max > 0 && n >= max {
		return library.Book{}, library.ErrFull
	}
	s.nextID++
	b := nb.Book
	b.ID, b.AddedAt = s.nextID, s.stamp()
	b.Chapters = slices.Clone(b.Chapters)
	s.books[b.ID] = b
	s.files[b.ID] = slices.Clone(nb.Data)
	return clone(b), nil
}

func clone(b library.Book) library.Book {
	b.Chapters = slices.Clone(b.Chapters)
	return b
}

// bookLocked returns a book of the guild.
func (s *Store) bookLocked(guildID string, id int64) (library.Book, bool) {
	b, ok := s.books[id]
	return b, ok && b.GuildID == guildID
}

// Book implements [library.BookStore].
func (s *Store) Book(ctx context.Context, guildID string, id int64) (library.Book, error) {
	if err := ctx.Err(); err != nil {
		return library.Book{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bookLocked(guildID, id)
	if !ok {
		return library.Book{}, library.ErrNotFound
	}
	return clone(b), nil
}

// Books implements [library.BookStore].
func (s *Store) Books(ctx context.Context, guildID string) ([]library.Book, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []library.Book
	for _, b := range s.books {
		if b.GuildID == guildID {
			out = append(out, clone(b))
		}
	}
	slices.SortFunc(out, func(a, b library.Book) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// BookFile implements [library.BookStore].
func (s *Store) BookFile(ctx context.Context, guildID string, id int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bookLocked(guildID, id); !ok {
		return nil, library.ErrNotFound
	}
	return slices.Clone(s.files[id]), nil
}

// RemoveBook implements [library.BookStore].
func (s *Store) RemoveBook(ctx context.Context, guildID string, id int64) (library.Book, error) {
	if err := ctx.Err(); err != nil {
		return library.Book{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bookLocked(guildID, id)
	if !ok {
		return library.Book{}, library.ErrNotFound
	}
	delete(s.books, id)
	delete(s.files, id)
	for k, c := range s.choices {
		if k.guild == guildID && c.BookID == id {
			delete(s.choices, k)
		}
	}
	for k := range s.progress {
		if k.guild == guildID && k.book == id {
			delete(s.progress, k)
		}
	}
	return clone(b), nil
}

// Choose implements [library.ChoiceStore].
func (s *Store) Choose(ctx context.Context, c library.Choice) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := c.Clean()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bookLocked(c.GuildID, c.BookID); c.BookID != 0 && !ok {
		return library.ErrNotFound
	}
	c.SetAt = s.stamp()
	s.choices[choiceKey{c.GuildID, c.ChannelID}] = c
	return nil
}

// Choice implements [library.ChoiceStore].
func (s *Store) Choice(ctx context.Context, guildID, channelID string) (library.Choice, error) {
	if err := ctx.Err(); err != nil {
		return library.Choice{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.choices[choiceKey{guildID, channelID}]
	if !ok {
		return library.Choice{}, library.ErrNotFound
	}
	return c, nil
}

// Choices implements [library.ChoiceStore].
func (s *Store) Choices(ctx context.Context, guildID string) ([]library.Choice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []library.Choice
	for k, c := range s.choices {
		if k.guild == guildID {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b library.Choice) int { return cmp.Compare(a.ChannelID, b.ChannelID) })
	return out, nil
}

// Unchoose implements [library.ChoiceStore].
func (s *Store) Unchoose(ctx context.Context, guildID, channelID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.choices, choiceKey{guildID, channelID})
	return nil
}

// SetProgress implements [library.ProgressStore].
func (s *Store) SetProgress(ctx context.Context, p library.Progress) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := p.Clean()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.bookLocked(p.GuildID, p.BookID); p.BookID != 0 && !ok {
		return library.ErrNotFound
	}
	k := progressKey{p.GuildID, p.BookID, p.ChannelID, p.UserID}
	if p.Chapter == 0 {
		delete(s.progress, k)
		return nil
	}
	p.SetAt = s.stamp()
	s.progress[k] = p
	return nil
}

// Progress implements [library.ProgressStore].
func (s *Store) Progress(ctx context.Context, guildID string, bookID int64, channelID, userID string) (library.Progress, error) {
	if err := ctx.Err(); err != nil {
		return library.Progress{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.progress[progressKey{guildID, bookID, channelID, userID}]
	if !ok || (channelID == "") == (userID == "") {
		return library.Progress{}, library.ErrNotFound
	}
	return p, nil
}
