package library

import "context"

// Store keeps the guilds' libraries: their books with the files, the
// books channels and guilds talk about, and the reading progress. It is
// what a storage adapter implements (storybot/qa/sqlite,
// storybot/qa/postgres, storybot/library/memstore) and what
// storybot/library/librarytest checks; callers take the smaller
// interfaces it is made of.
// Implementations are safe for concurrent use and keep the guarantees in
// the package comment.
type Store interface {
	BookStore
	ChoiceStore
	ProgressStore
}

// BookStore adds, reads and removes books.
type BookStore interface {
	// AddBook stores a book with its file (see [NewBook.Clean]) and
	// returns it, numbered and stamped. It returns [ErrFull] when the
	// guild already holds max books (max <= 0 means no limit), a
	// [*DuplicateError] when it holds the same file, and
	// [ErrInvalidInput] for an invalid book. Nothing is stored then.
	AddBook(ctx context.Context, nb NewBook, max int) (Book, error)
	// Book returns a book of the guild, or [ErrNotFound].
	Book(ctx context.Context, guildID string, id int64) (Book, error)
	// Books returns the guild's books, oldest first.
	Books(ctx context.Context, guildID string) ([]Book, error)
	// BookFile returns the file of a book of the guild, as it was added,
	// or [ErrNotFound].
	BookFile(ctx context.Context, guildID string, id int64) ([]byte, error)
	// RemoveBook deletes a book of the guild with its file, the choices of
	// it and every progress through it, and returns what it was; it
	// returns [ErrNotFound] when the guild has no such book.
	RemoveBook(ctx context.Context, guildID string, id int64) (Book, error)
}

// ChoiceStore keeps which book each channel, and each guild, talks about.
type ChoiceStore interface {
	// Choose records c (see [Choice.Clean]), replacing the channel's (or
	// guild's) earlier choice. It returns [ErrNotFound] for a book that is
	// not the guild's.
	Choose(ctx context.Context, c Choice) error
	// Choice returns the choice of a channel, or of the guild when
	// channelID is "", or [ErrNotFound] when there is none.
	Choice(ctx context.Context, guildID, channelID string) (Choice, error)
	// Choices returns every choice of the guild, the guild's own first,
	// then by channel ID.
	Choices(ctx context.Context, guildID string) ([]Choice, error)
	// Unchoose forgets the choice of a channel (or of the guild when
	// channelID is ""), so that it follows the guild's again (or the
	// default corpus). Forgetting a choice that was not made is no error.
	Unchoose(ctx context.Context, guildID, channelID string) error
}

// ProgressStore keeps how far channels and members have read.
type ProgressStore interface {
	// SetProgress records p (see [Progress.Clean]), replacing the earlier
	// progress of the channel or member through that book; Chapter 0
	// forgets it. It returns [ErrNotFound] for a book that is not the
	// guild's.
	SetProgress(ctx context.Context, p Progress) error
	// Progress returns the progress of a channel (userID "") or of a
	// member (channelID "") through a book of the guild, or [ErrNotFound].
	Progress(ctx context.Context, guildID string, bookID int64, channelID, userID string) (Progress, error)
}
