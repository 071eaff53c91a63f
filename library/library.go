// Package library is the domain of a server's library: the books its
// members added from Discord, the book each channel (or the server as a
// whole) talks about, and how far each channel and each member has read.
// It knows nothing of Discord, of SQL or of indexing: the Discord side is
// storybot/bot/library, the engines that answer from the books are kept
// by storybot/library/shelf, and storage is behind [Store], implemented by
// storybot/qa/sqlite (the bot's database file), storybot/qa/postgres
// (PostgreSQL, for several processes) and storybot/library/memstore
// (memory); storybot/library/librarytest is the suite every
// implementation passes.
//
// # Model
//
// A [Book] belongs to one guild and holds the original file, as uploaded,
// with what was read from it: title, author, kind, size, chapters, and who
// added it and when. A [Choice] says which book a channel, or the guild as
// a whole, talks about; book 0 is the bot's default corpus (the built-in
// story or CORPUS_DIR). A [Progress] says up to which chapter of a book a
// channel's group, or one member, has read; chapters are counted in
// reading order from 1, as [Chapter].N numbers them.
//
// # Guarantees every Store keeps
//
// Every read and write takes a guild ID and never sees or changes another
// guild's rows: a book of another guild is [ErrNotFound], whatever its ID.
// A book and its file are stored together or not at all, and removing a
// book deletes its file, the choices of it and the progress through it in
// the same change. [BookStore.AddBook] keeps a guild within its limit of
// books even when members add books at once. Times are kept to the
// millisecond and returned in UTC.
package library

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors callers branch on; match them with [errors.Is].
var (
	// ErrNotFound means the book, choice or progress does not exist in
	// that guild.
	ErrNotFound = errors.New("not found")
	// ErrFull means the guild already holds as many books as it may.
	ErrFull = errors.New("the library is full")
	// ErrDuplicate matches every [*DuplicateError].
	ErrDuplicate = errors.New("the library already holds this file")
	// ErrInvalidInput wraps a message saying what is wrong with the input.
	ErrInvalidInput = errors.New("invalid input")
)

// DuplicateError is returned by [BookStore.AddBook] for a file the guild's
// library already holds, byte for byte.
type DuplicateError struct {
	// Book is the book that holds the same file.
	Book Book
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%v: %q (book %d)", ErrDuplicate, e.Book.Title, e.Book.ID)
}

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// Limits on what a store keeps, in characters (runes) after trimming.
const (
	MaxTitleLen    = 200
	MaxFilenameLen = 200
	MaxLabelLen    = 200
	MaxIDLen       = 64
	// MaxChapters is the most chapters a book may list.
	MaxChapters = 20000
	// MaxChapterNameLen is the longest chapter name kept; longer ones are cut.
	MaxChapterNameLen = 200
)

// Kinds of file a book may be, as storybot/corpus names them.
var Kinds = []string{"txt", "md", "epub", "html", "pdf"}

// Book is one book of a guild's library.
type Book struct {
	// ID identifies the book in every guild; stores number books from 1.
	ID      int64
	GuildID string
	// Title and Author are what answers cite: read from the file, or given
	// by whoever added it.
	Title, Author string
	// Filename is the file's name as uploaded; Kind is one of [Kinds].
	Filename, Kind string
	// Size is the file's size in bytes; SHA256 its hash, in hex.
	Size   int64
	SHA256 string
	// TextBytes and Words measure the text read from the file; TextBytes
	// sizes the memory its index takes.
	TextBytes int64
	Words     int
	// Chapters are the chapters a reader's progress can name, in reading
	// order.
	Chapters []Chapter
	// AddedBy is the ID of the member who added the book, AddedByName
	// their name then; AddedAt is when.
	AddedBy, AddedByName string
	AddedAt              time.Time
}

// Key is the short name of the book's file that its passages' IDs start
// with: the first 10 hex digits of its hash. It is unique within a guild,
// since a guild holds a file once.
func (b Book) Key() string { return FileKey(b.SHA256) }

// FileKey is [Book.Key] of a file with the hash sha (in hex).
func FileKey(sha string) string {
	if len(sha) > 10 {
		return sha[:10]
	}
	return sha
}

// Chapter is one chapter a reader's progress can name.
type Chapter struct {
	// N is its place in reading order, from 1.
	N int `json:"n"`
	// Label names it in references ("ch. 12"); Name is its own title,
	// if any ("The Pool of Tears").
	Label string `json:"label"`
	Name  string `json:"name,omitempty"`
}

// NewBook is a book to add, with its file. ID, SHA256 and AddedAt are set
// by the store.
type NewBook struct {
	Book
	Data []byte
}

// Clean returns nb trimmed, with Size and SHA256 those of Data, or an
// error matching [ErrInvalidInput] saying what is missing or too long.
func (nb NewBook) Clean() (NewBook, error) {
	b := &nb.Book
	b.ID, b.AddedAt = 0, time.Time{}
	b.GuildID = strings.TrimSpace(b.GuildID)
	b.Title = strings.TrimSpace(b.Title)
	b.Author = strings.TrimSpace(b.Author)
	b.Filename = strings.TrimSpace(b.Filename)
	b.AddedBy = strings.TrimSpace(b.AddedBy)
	b.AddedByName = truncate(strings.TrimSpace(b.AddedByName), MaxTitleLen)
	switch {
	case b.GuildID == "" || runes(b.GuildID) > MaxIDLen:
		return NewBook{}, Invalidf("a guild ID of 1 to %d characters is required", MaxIDLen)
	case b.AddedBy == "" || runes(b.AddedBy) > MaxIDLen:
		return NewBook{}, Invalidf("the ID of who adds the book is required")
	case b.Title == "" || runes(b.Title) > MaxTitleLen:
		return NewBook{}, Invalidf("a title of 1 to %d characters is required", MaxTitleLen)
	case runes(b.Author) > MaxTitleLen:
		return NewBook{}, Invalidf("the author is over %d characters", MaxTitleLen)
	case b.Filename == "" || runes(b.Filename) > MaxFilenameLen || strings.ContainsAny(b.Filename, "/\\\x00"):
		return NewBook{}, Invalidf("a file name of 1 to %d characters, without slashes, is required", MaxFilenameLen)
	case !knownKind(b.Kind):
		return NewBook{}, Invalidf("kind %q is not one of %v", b.Kind, Kinds)
	case len(nb.Data) == 0:
		return NewBook{}, Invalidf("the file is empty")
	case b.TextBytes < 0 || b.Words < 0:
		return NewBook{}, Invalidf("negative text size")
	case len(b.Chapters) > MaxChapters:
		return NewBook{}, Invalidf("%d chapters, over the limit of %d", len(b.Chapters), MaxChapters)
	}
	chapters := make([]Chapter, len(b.Chapters))
	for i, c := range b.Chapters {
		c.Label = strings.TrimSpace(c.Label)
		c.Name = truncate(strings.TrimSpace(c.Name), MaxChapterNameLen)
		if c.N != i+1 || c.Label == "" || runes(c.Label) > MaxLabelLen {
			return NewBook{}, Invalidf("chapter %d: chapters are numbered 1 to n in order, with a label of 1 to %d characters", i+1, MaxLabelLen)
		}
		chapters[i] = c
	}
	b.Chapters = chapters
	b.Size = int64(len(nb.Data))
	sum := sha256.Sum256(nb.Data)
	b.SHA256 = hex.EncodeToString(sum[:])
	return nb, nil
}

func knownKind(k string) bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Choice is the book a channel, or a guild as a whole, talks about.
type Choice struct {
	GuildID string
	// ChannelID is the channel (or thread); "" is the guild's own choice,
	// which channels without one follow.
	ChannelID string
	// BookID is the book; 0 is the bot's default corpus.
	BookID int64
	// SetBy is the ID of the member who chose; SetAt is when (set by the
	// store).
	SetBy string
	SetAt time.Time
}

// Clean returns c trimmed, or an error matching [ErrInvalidInput].
func (c Choice) Clean() (Choice, error) {
	c.GuildID, c.ChannelID, c.SetBy = strings.TrimSpace(c.GuildID), strings.TrimSpace(c.ChannelID), strings.TrimSpace(c.SetBy)
	c.SetAt = time.Time{}
	switch {
	case c.GuildID == "" || runes(c.GuildID) > MaxIDLen:
		return Choice{}, Invalidf("a guild ID of 1 to %d characters is required", MaxIDLen)
	case runes(c.ChannelID) > MaxIDLen:
		return Choice{}, Invalidf("the channel ID is over %d characters", MaxIDLen)
	case c.BookID < 0:
		return Choice{}, Invalidf("book %d is not a book", c.BookID)
	case c.SetBy == "" || runes(c.SetBy) > MaxIDLen:
		return Choice{}, Invalidf("the ID of who chooses is required")
	}
	return c, nil
}

// Progress is how far a channel's group, or one member, has read a book.
type Progress struct {
	GuildID string
	// BookID is the book; 0 is the bot's default corpus.
	BookID int64
	// Exactly one of ChannelID (a channel's or thread's group) and UserID
	// (one member) is set.
	ChannelID, UserID string
	// Chapter is the last chapter read, as [Chapter].N counts; Label is its
	// label then, to check that the book still counts its chapters alike.
	// Chapter 0 means the whole book: setting it forgets the progress.
	Chapter int
	Label   string
	// SetBy is the ID of the member who set it; SetAt is when (set by the
	// store).
	SetBy string
	SetAt time.Time
}

// Clean returns p trimmed, or an error matching [ErrInvalidInput].
func (p Progress) Clean() (Progress, error) {
	p.GuildID, p.ChannelID, p.UserID = strings.TrimSpace(p.GuildID), strings.TrimSpace(p.ChannelID), strings.TrimSpace(p.UserID)
	p.Label, p.SetBy, p.SetAt = strings.TrimSpace(p.Label), strings.TrimSpace(p.SetBy), time.Time{}
	switch {
	case p.GuildID == "" || runes(p.GuildID) > MaxIDLen:
		return Progress{}, Invalidf("a guild ID of 1 to %d characters is required", MaxIDLen)
	case (p.ChannelID == "") == (p.UserID == ""):
		return Progress{}, Invalidf("exactly one of a channel and a member is required")
	case runes(p.ChannelID) > MaxIDLen || runes(p.UserID) > MaxIDLen:
		return Progress{}, Invalidf("an ID is over %d characters", MaxIDLen)
	case p.BookID < 0:
		return Progress{}, Invalidf("book %d is not a book", p.BookID)
	case p.Chapter < 0 || p.Chapter > MaxChapters:
		return Progress{}, Invalidf("chapter %d is not a chapter", p.Chapter)
	case runes(p.Label) > MaxLabelLen:
		return Progress{}, Invalidf("the label is over %d characters", MaxLabelLen)
	case p.SetBy == "" || runes(p.SetBy) > MaxIDLen:
		return Progress{}, Invalidf("the ID of who sets the progress is required")
	}
	return p, nil
}

// Invalidf returns an error matching [ErrInvalidInput] that says what is
// wrong with the input.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
