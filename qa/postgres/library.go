package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"storybot/internal/pgdb"
	"storybot/library"
)

// The Store also keeps the servers' libraries (storybot/library), in the
// same database (migration 002): books with their files, the books
// channels and servers talk about, and reading progress. Foreign keys
// keep a choice or progress on a book of its own guild and remove them
// with the book; a guild's adds queue on an advisory lock, so that its
// limit of books holds whichever process adds.

var _ library.Store = (*Store)(nil)

const bookColumns = `id, guild_id, title, author, filename, kind, size, sha256, text_bytes, words, chapters::text, added_by, added_by_name, added_at`

func scanBook(r rowScanner) (library.Book, error) {
	var b library.Book
	var chapters string
	err := r.Scan(&b.ID, &b.GuildID, &b.Title, &b.Author, &b.Filename, &b.Kind, &b.Size, &b.SHA256,
		&b.TextBytes, &b.Words, &chapters, &b.AddedBy, &b.AddedByName, &b.AddedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return library.Book{}, library.ErrNotFound
	}
	if err != nil {
		return library.Book{}, err
	}
	if err := json.Unmarshal([]byte(chapters), &b.Chapters); err != nil {
		return library.Book{}, fmt.Errorf("book %d: stored chapters: %w", b.ID, err)
	}
	b.AddedAt = b.AddedAt.UTC()
	return b, nil
}

// isForeignKey reports whether err is a foreign key violation: here, a
// choice or progress naming a book that is not its guild's.
func isForeignKey(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}

// AddBook implements [library.BookStore]: the book and its file in one
// transaction that holds the guild's advisory lock from before it counts
// the guild's books until it commits, so that adds to one guild, from any
// process, take turns.
func (s *Store) AddBook(ctx context.Context, nb library.NewBook, max int) (library.Book, error) {
	nb, err := nb.Clean()
	if err != nil {
		return library.Book{}, fmt.Errorf("add book: %w", err)
	}
	chapters, err := json.Marshal(nb.Chapters)
	if err != nil {
		return library.Book{}, fmt.Errorf("add book: %w", err)
	}
	if nb.Chapters == nil {
		chapters = []byte("[]")
	}
	b := nb.Book
	// Read committed: each statement after the lock sees what the adds
	// before it committed.
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/library/' || $2))`,
			pgdb.LockClass, b.GuildID); err != nil {
			return fmt.Errorf("lock the guild's library: %w", err)
		}
		dup, err := bookByHash(ctx, tx, b.GuildID, b.SHA256)
		switch {
		case err == nil:
			return &library.DuplicateError{Book: dup}
		case !errors.Is(err, library.ErrNotFound):
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM books WHERE guild_id = $1`, b.GuildID).Scan(&n); err != nil {
			return err
		}
		if max > 0 && n >= max {
			return library.ErrFull
		}
		b.AddedAt = s.stamp()
		err = tx.QueryRow(ctx, `
			INSERT INTO books (guild_id, title, author, filename, kind, size, sha256, text_bytes, words, chapters, added_by, added_by_name, added_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13) RETURNING id`,
			b.GuildID, b.Title, b.Author, b.Filename, b.Kind, b.Size, b.SHA256, b.TextBytes, b.Words, string(chapters),
			b.AddedBy, b.AddedByName, b.AddedAt).Scan(&b.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO book_files (book_id, data) VALUES ($1, $2)`, b.ID, nb.Data)
		return err
	})
	if isUnique(err) {
		// Only a writer that skipped the lock could get here; the book it
		// stored is the duplicate.
		if dup, derr := bookByHash(ctx, s.pool, b.GuildID, b.SHA256); derr == nil {
			err = &library.DuplicateError{Book: dup}
		}
	}
	if err != nil {
		return library.Book{}, fmt.Errorf("add book %q: %w", b.Title, err)
	}
	return b, nil
}

func bookByHash(ctx context.Context, q querier, guildID, sha string) (library.Book, error) {
	return scanBook(q.QueryRow(ctx, `SELECT `+bookColumns+` FROM books WHERE guild_id = $1 AND sha256 = $2`, guildID, sha))
}

// Book implements [library.BookStore].
func (s *Store) Book(ctx context.Context, guildID string, id int64) (library.Book, error) {
	b, err := scanBook(s.pool.QueryRow(ctx, `SELECT `+bookColumns+` FROM books WHERE guild_id = $1 AND id = $2`, guildID, id))
	if err != nil {
		return library.Book{}, fmt.Errorf("book %d: %w", id, err)
	}
	return b, nil
}

// Books implements [library.BookStore].
func (s *Store) Books(ctx context.Context, guildID string) ([]library.Book, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+bookColumns+` FROM books WHERE guild_id = $1 ORDER BY id`, guildID)
	if err != nil {
		return nil, fmt.Errorf("list books: %w", err)
	}
	out, err := collect(rows, scanBook)
	if err != nil {
		return nil, fmt.Errorf("list books: %w", err)
	}
	return out, nil
}

// BookFile implements [library.BookStore].
func (s *Store) BookFile(ctx context.Context, guildID string, id int64) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `
		SELECT f.data FROM book_files f JOIN books b ON b.id = f.book_id
		WHERE b.guild_id = $1 AND b.id = $2`, guildID, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("file of book %d: %w", id, library.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("file of book %d: %w", id, err)
	}
	return data, nil
}

// RemoveBook implements [library.BookStore]: one DELETE, whose foreign
// keys remove the file, the choices of the book and the progress through
// it with it.
func (s *Store) RemoveBook(ctx context.Context, guildID string, id int64) (library.Book, error) {
	b, err := scanBook(s.pool.QueryRow(ctx, `DELETE FROM books WHERE guild_id = $1 AND id = $2 RETURNING `+bookColumns, guildID, id))
	if err != nil {
		return library.Book{}, fmt.Errorf("remove book %d: %w", id, err)
	}
	return b, nil
}

// Choose implements [library.ChoiceStore]. The foreign key on (guild,
// book) refuses a book that is not the guild's, or that is being removed.
func (s *Store) Choose(ctx context.Context, c library.Choice) error {
	c, err := c.Clean()
	if err != nil {
		return fmt.Errorf("choose book: %w", err)
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO book_choices (guild_id, channel_id, book_id, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (guild_id, channel_id) DO UPDATE SET book_id = excluded.book_id, set_by = excluded.set_by, set_at = excluded.set_at`,
		c.GuildID, c.ChannelID, c.BookID, c.SetBy, s.stamp())
	if isForeignKey(err) {
		err = fmt.Errorf("book %d: %w", c.BookID, library.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("choose book %d: %w", c.BookID, err)
	}
	return nil
}

func scanChoice(r rowScanner) (library.Choice, error) {
	var c library.Choice
	err := r.Scan(&c.GuildID, &c.ChannelID, &c.BookID, &c.SetBy, &c.SetAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return library.Choice{}, library.ErrNotFound
	}
	if err != nil {
		return library.Choice{}, err
	}
	c.SetAt = c.SetAt.UTC()
	return c, nil
}

// Choice implements [library.ChoiceStore].
func (s *Store) Choice(ctx context.Context, guildID, channelID string) (library.Choice, error) {
	c, err := scanChoice(s.pool.QueryRow(ctx, `
		SELECT guild_id, channel_id, book_id, set_by, set_at FROM book_choices WHERE guild_id = $1 AND channel_id = $2`,
		guildID, channelID))
	if err != nil {
		return library.Choice{}, fmt.Errorf("book choice: %w", err)
	}
	return c, nil
}

// Choices implements [library.ChoiceStore]. Channel IDs are ordered byte
// by byte (COLLATE "C"), as the other stores order them, whatever the
// database's collation.
func (s *Store) Choices(ctx context.Context, guildID string) ([]library.Choice, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT guild_id, channel_id, book_id, set_by, set_at FROM book_choices
		WHERE guild_id = $1 ORDER BY channel_id COLLATE "C"`, guildID)
	if err != nil {
		return nil, fmt.Errorf("book choices: %w", err)
	}
	out, err := collect(rows, scanChoice)
	if err != nil {
		return nil, fmt.Errorf("book choices: %w", err)
	}
	return out, nil
}

// Unchoose implements [library.ChoiceStore].
func (s *Store) Unchoose(ctx context.Context, guildID, channelID string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM book_choices WHERE guild_id = $1 AND channel_id = $2`, guildID, channelID); err != nil {
		return fmt.Errorf("forget book choice: %w", err)
	}
	return nil
}

// SetProgress implements [library.ProgressStore]. As in [Store.Choose],
// the foreign key refuses a book that is not the guild's.
func (s *Store) SetProgress(ctx context.Context, p library.Progress) error {
	p, err := p.Clean()
	if err != nil {
		return fmt.Errorf("set progress: %w", err)
	}
	if p.Chapter == 0 {
		err = s.forgetProgress(ctx, p)
	} else {
		_, err = s.pool.Exec(ctx, `
			INSERT INTO book_progress (guild_id, book_id, channel_id, user_id, chapter, label, set_by, set_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (guild_id, book_id, channel_id, user_id) DO UPDATE SET
				chapter = excluded.chapter, label = excluded.label, set_by = excluded.set_by, set_at = excluded.set_at`,
			p.GuildID, p.BookID, p.ChannelID, p.UserID, p.Chapter, p.Label, p.SetBy, s.stamp())
		if isForeignKey(err) {
			err = fmt.Errorf("book %d: %w", p.BookID, library.ErrNotFound)
		}
	}
	if err != nil {
		return fmt.Errorf("set progress through book %d: %w", p.BookID, err)
	}
	return nil
}

// forgetProgress deletes p's progress, and says [library.ErrNotFound] when
// its book (not 0) is not the guild's, as setting a chapter would.
func (s *Store) forgetProgress(ctx context.Context, p library.Progress) error {
	var owned bool
	err := s.pool.QueryRow(ctx, `
		WITH gone AS (
			DELETE FROM book_progress WHERE guild_id = $1 AND book_id = $2 AND channel_id = $3 AND user_id = $4
		)
		SELECT $2 = 0 OR EXISTS (SELECT 1 FROM books WHERE guild_id = $1 AND id = $2)`,
		p.GuildID, p.BookID, p.ChannelID, p.UserID).Scan(&owned)
	if err != nil {
		return err
	}
	if !owned {
		return fmt.Errorf("book %d: %w", p.BookID, library.ErrNotFound)
	}
	return nil
}

// Progress implements [library.ProgressStore].
func (s *Store) Progress(ctx context.Context, guildID string, bookID int64, channelID, userID string) (library.Progress, error) {
	if (channelID == "") == (userID == "") {
		return library.Progress{}, fmt.Errorf("progress: %w", library.ErrNotFound)
	}
	var p library.Progress
	err := s.pool.QueryRow(ctx, `
		SELECT guild_id, book_id, channel_id, user_id, chapter, label, set_by, set_at FROM book_progress
		WHERE guild_id = $1 AND book_id = $2 AND channel_id = $3 AND user_id = $4`,
		guildID, bookID, channelID, userID).Scan(&p.GuildID, &p.BookID, &p.ChannelID, &p.UserID, &p.Chapter, &p.Label, &p.SetBy, &p.SetAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return library.Progress{}, fmt.Errorf("progress: %w", library.ErrNotFound)
	}
	if err != nil {
		return library.Progress{}, fmt.Errorf("progress: %w", err)
	}
	p.SetAt = p.SetAt.UTC()
	return p, nil
}
