package shelf

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"storybot/answer"
	"storybot/library"
)

// Reader is who asks a question, and where: what picks the book and the
// progress it is answered with.
type Reader struct {
	// GuildID is the server; "" (a direct message) is answered from the
	// default corpus.
	GuildID string
	// ChannelID is the channel or thread; ParentID, for a thread, the
	// channel it is in, whose choices it follows unless it has its own.
	ChannelID, ParentID string
	// UserID is the member who asks; their own progress wins for their
	// questions.
	UserID string
	// BookID, when not 0, asks a book of the server's library by its ID
	// instead of the channel's.
	BookID int64
	// Public says the answer will be posted where the channel reads it: a
	// member's own progress then applies only where it goes no further
	// than the channel's.
	Public bool
	// Wait, when not nil, is called with the book's title before Pick
	// waits for the book to be indexed, so that the caller can say so.
	Wait func(title string)
}

// Where a book comes from, as in [View].From.
const (
	FromAsked   = "asked"   // the book: option
	FromChannel = "channel" // the channel's choice
	FromParent  = "parent"  // the choice of a thread's channel
	FromServer  = "server"  // the server's choice
	FromDefault = "default" // no choice: the default corpus
)

// Readers a progress belongs to, as in [View].Whose; the answers that
// decline say them.
const (
	ReaderYou     = "you"
	ReaderChannel = "this channel"
)

// View is what a question is answered from.
type View struct {
	// Engine answers, searches and shows passages of the book as far as
	// the progress goes ([answer.Engine.UpTo]).
	Engine *answer.Engine
	// Book is the book; its ID is 0 for the default corpus.
	Book library.Book
	// Title names the book to people.
	Title string
	// From says whose choice the book is: FromAsked, FromChannel…
	From string
	// Progress is the progress Engine reads up to; its Chapter is 0 when
	// it sees the whole book. Mark is that chapter and Whose whose
	// progress it is: ReaderYou or ReaderChannel.
	Progress library.Progress
	Mark     answer.Mark
	Whose    string
	// Own is the asker's own progress when it is not the one applied (it
	// goes further than the channel's, and the answer is public); its
	// Chapter is 0 otherwise.
	Own library.Progress
}

// Limited reports whether the view hides the end of the book.
func (v View) Limited() bool { return v.Progress.Chapter > 0 }

// Pick returns what a question of r is answered from: the book r asks
// for, or the channel's (a thread's, its channel's), or the server's, or
// the default corpus; seen up to the asker's own progress through it, or
// else the channel's (a thread's, its channel's). It returns an error
// matching [library.ErrNotFound] when r asks for a book that is not the
// server's.
func (s *Shelf) Pick(ctx context.Context, r Reader) (View, error) {
	v, err := s.Which(ctx, r)
	if err != nil {
		return View{}, err
	}
	if v.Book.ID != 0 {
		wait := func() {}
		if r.Wait != nil {
			wait = func() { r.Wait(v.Title) }
		}
		if v.Engine, err = s.Engine(ctx, v.Book, wait); err != nil {
			return View{}, err
		}
	}
	if v.Progress.Chapter == 0 {
		return v, nil
	}
	n := s.chapterOf(v, v.Progress)
	if n == 0 {
		v.Progress, v.Whose = library.Progress{}, ""
		return v, nil
	}
	lim, err := v.Engine.UpTo(answer.Progress{Chapter: n, Reader: v.Whose})
	if err != nil {
		return View{}, fmt.Errorf("reading progress: %w", err)
	}
	v.Engine = lim
	if m, ok := lim.Progress(); ok {
		v.Mark = m
	} else {
		v.Mark = v.Engine.Chapters()[n-1]
	}
	return v, nil
}

// Which is [Shelf.Pick] without the engine of a library book, which it
// neither builds nor waits for: the book (with the chapters of the
// default corpus when that is the one), where the choice comes from, and
// the progress that applies. Mark is not set.
func (s *Shelf) Which(ctx context.Context, r Reader) (View, error) {
	v, err := s.choose(ctx, r)
	if err != nil {
		return View{}, err
	}
	if r.GuildID == "" {
		return v, nil
	}
	return s.progressOf(ctx, r, v)
}

// DefaultName names the default corpus to people.
func (s *Shelf) DefaultName() string { return s.defName }

// choose finds the book of r, without its engine for a library book.
func (s *Shelf) choose(ctx context.Context, r Reader) (View, error) {
	def := View{Engine: s.def, Book: s.defBook, Title: s.defName, From: FromDefault}
	if r.GuildID == "" {
		return def, nil
	}
	if r.BookID != 0 {
		b, err := s.store.Book(ctx, r.GuildID, r.BookID)
		if err != nil {
			return View{}, fmt.Errorf("pick book %d: %w", r.BookID, err)
		}
		return View{Book: b, Title: b.Title, From: FromAsked}, nil
	}
	for _, c := range []struct{ channel, from string }{{r.ChannelID, FromChannel}, {r.ParentID, FromParent}, {"", FromServer}} {
		if c.channel == "" && c.from != FromServer {
			continue
		}
		ch, err := s.store.Choice(ctx, r.GuildID, c.channel)
		if errors.Is(err, library.ErrNotFound) {
			continue
		}
		if err != nil {
			return View{}, fmt.Errorf("pick a book: %w", err)
		}
		if ch.BookID == 0 {
			def.From = c.from
			return def, nil
		}
		b, err := s.store.Book(ctx, r.GuildID, ch.BookID)
		if errors.Is(err, library.ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return View{}, fmt.Errorf("pick book %d: %w", ch.BookID, err)
		}
		return View{Book: b, Title: b.Title, From: c.from}, nil
	}
	return def, nil
}

// progressOf sets the progress of r through v's book: the member's own,
// unless the answer is public and it goes further than the channel's;
// else the channel's, or for a thread without one, its channel's.
func (s *Shelf) progressOf(ctx context.Context, r Reader, v View) (View, error) {
	get := func(channel, user string) (library.Progress, error) {
		if channel == "" && user == "" {
			return library.Progress{}, nil
		}
		p, err := s.store.Progress(ctx, r.GuildID, v.Book.ID, channel, user)
		if errors.Is(err, library.ErrNotFound) {
			return library.Progress{}, nil
		}
		if err != nil {
			return library.Progress{}, fmt.Errorf("reading progress: %w", err)
		}
		return p, nil
	}
	own, err := get("", r.UserID)
	if err != nil {
		return View{}, err
	}
	group, err := get(r.ChannelID, "")
	if err != nil {
		return View{}, err
	}
	if group.Chapter == 0 && r.ParentID != "" {
		if group, err = get(r.ParentID, ""); err != nil {
			return View{}, err
		}
	}
	p, whose := group, ReaderChannel
	switch {
	case own.Chapter == 0:
	case r.Public && group.Chapter > 0 && own.Chapter > group.Chapter:
		v.Own = own
	default:
		p, whose = own, ReaderYou
	}
	if p.Chapter > 0 {
		v.Progress, v.Whose = p, whose
	}
	return v, nil
}

// chapterOf finds the chapter a stored progress names in the engine's
// chapters: by its place, when the label there is the same, else by its
// label, else the nearest place; 0 when the book has no chapters.
func (s *Shelf) chapterOf(v View, p library.Progress) int {
	marks := v.Engine.Chapters()
	if len(marks) == 0 {
		s.log.Warn("library: a reading progress names a chapter of a text without chapters", "book", v.Book.ID, "chapter", p.Chapter)
		return 0
	}
	if p.Chapter <= len(marks) && (p.Label == "" || marks[p.Chapter-1].Label == p.Label) {
		return p.Chapter
	}
	for _, m := range marks {
		if m.Label == p.Label {
			return m.N
		}
	}
	s.log.Warn("library: a reading progress names a chapter the book no longer has", "book", v.Book.ID, "chapter", p.Chapter, "label", p.Label)
	return min(p.Chapter, len(marks))
}

// Source returns the passage ref names, for the reader r: a passage ID of
// any book of the server (its first part is the book's key, see
// [library.Book.Key]), or one of the default corpus, or a reader's
// reference to the book of the channel, seen up to r's progress through
// that book. A passage beyond it is an error matching [answer.ErrBeyond],
// or, with spoil, shown with its text in spoiler markup (||…||).
func (s *Shelf) Source(ctx context.Context, r Reader, ref string, spoil bool) (answer.Source, error) {
	if key, _, ok := strings.Cut(ref, "/"); ok && r.GuildID != "" && isKey(key) {
		books, err := s.store.Books(ctx, r.GuildID)
		if err != nil {
			return answer.Source{}, fmt.Errorf("source %q: %w", ref, err)
		}
		for _, b := range books {
			if b.Key() == key {
				r.BookID = b.ID
				break
			}
		}
		if r.BookID == 0 {
			return answer.Source{}, fmt.Errorf("%w: %q", answer.ErrUnknownRef, ref)
		}
	}
	v, err := s.Pick(ctx, r)
	if err != nil {
		return answer.Source{}, err
	}
	src, err := v.Engine.Source(ref)
	if !errors.Is(err, answer.ErrBeyond) || !spoil {
		return src, err
	}
	full, err := v.Engine.UpTo(answer.Progress{})
	if err != nil {
		return answer.Source{}, err
	}
	src, err = full.Source(ref)
	if err != nil {
		return answer.Source{}, err
	}
	src.Ref += fmt.Sprintf(" (after %s)", v.Mark.Label)
	src.Paragraph, src.Sentence, src.Before, src.After = spoiler(src.Paragraph), "", "", ""
	return src, nil
}

// Books returns the books of a server's library, oldest first.
func (s *Shelf) Books(ctx context.Context, guildID string) ([]library.Book, error) {
	return s.store.Books(ctx, guildID)
}

// isKey reports whether s looks like a book's key: 10 hex digits.
func isKey(s string) bool {
	if len(s) != 10 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// spoiler wraps text in Discord's spoiler markup, as answers do.
func spoiler(s string) string { return "||" + strings.ReplaceAll(s, "||", "| |") + "||" }
