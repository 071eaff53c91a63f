package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"storybot/library"
)

// The Store also keeps the servers' libraries (storybot/library), in the
// same file: books with their files, the books channels and servers talk
// about, and reading progress.

var _ library.Store = (*Store)(nil)

const bookColumns = `id, guild_id, title, author, filename, kind, size, sha256, text_bytes, words, chapters, added_by, added_by_name, added_at`

type scanner interface{ Scan(dest ...any) error }

func scanBook(r scanner) (library.Book, error) {
	var b library.Book
	var chapters string
	var added int64
	err := r.Scan(&b.ID, &b.GuildID, &b.Title, &b.Author, &b.Filename, &b.Kind, &b.Size, &b.SHA256,
		&b.TextBytes, &b.Words, &chapters, &b.AddedBy, &b.AddedByName, &added)
	if err != nil {
		return library.Book{}, err
	}
	if err := json.Unmarshal([]byte(chapters), &b.Chapters); err != nil {
		return library.Book{}, fmt.Errorf("book %d: stored chapters: %w", b.ID, err)
	}
	b.AddedAt = fromMillis(sql.NullInt64{Int64: added, Valid: true})
	return b, nil
}

// AddBook implements [library.BookStore]: the book and its file in one
// transaction, after counting the guild's books in it.
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
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		dup, err := scanBook(tx.QueryRowContext(ctx, `SELECT `+bookColumns+` FROM books WHERE guild_id = ? AND sha256 = ?`, b.GuildID, b.SHA256))
		switch {
		case err == nil:
			return &library.DuplicateError{Book: dup}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM books WHERE guild_id = ?`, b.GuildID).Scan(&n); err != nil {
			return err
		}
		if max > 0 && n >= max {
			return library.ErrFull
		}
		at := s.stamp()
		res, err := tx.ExecContext(ctx, `
			INSERT INTO books (guild_id, title, author, filename, kind, size, sha256, text_bytes, words, chapters, added_by, added_by_name, added_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.GuildID, b.Title, b.Author, b.Filename, b.Kind, b.Size, b.SHA256, b.TextBytes, b.Words, string(chapters),
			b.AddedBy, b.AddedByName, at)
		if err != nil {
			return err
		}
		if b.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO book_files (book_id, data) VALUES (?, ?)`, b.ID, nb.Data); err != nil {
			return err
		}
		b.AddedAt = fromMillis(sql.NullInt64{Int64: at, Valid: true})
		return nil
	})
	if err != nil {
		return library.Book{}, fmt.Errorf("add book %q: %w", b.Title, err)
	}
	return b, nil
}

// Book implements [library.BookStore].
func (s *Store) Book(ctx context.Context, guildID string, id int64) (library.Book, error) {
	b, err := scanBook(s.r.QueryRowContext(ctx, `SELECT `+bookColumns+` FROM books WHERE guild_id = ? AND id = ?`, guildID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return library.Book{}, fmt.Errorf("book %d: %w", id, library.ErrNotFound)
	}
	if err != nil {
		return library.Book{}, fmt.Errorf("book %d: %w", id, err)
	}
	return b, nil
}

// Books implements [library.BookStore].
func (s *Store) Books(ctx context.Context, guildID string) ([]library.Book, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+bookColumns+` FROM books WHERE guild_id = ? ORDER BY id`, guildID)
	if err != nil {
		return nil, fmt.Errorf("list books: %w", err)
	}
	defer rows.Close()
	var out []library.Book
	for rows.Next() {
		b, err := scanBook(rows)
		if err != nil {
			return nil, fmt.Errorf("list books: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list books: %w", err)
	}
	return out, nil
}

// BookFile implements [library.BookStore].
func (s *Store) BookFile(ctx context.Context, guildID string, id int64) ([]byte, error) {
	var data []byte
	err := s.r.QueryRowContext(ctx, `
		SELECT f.data FROM book_files f JOIN books b ON b.id = f.book_id
		WHERE b.guild_id = ? AND b.id = ?`, guildID, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("file of book %d: %w", id, library.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("file of book %d: %w", id, err)
	}
	return data, nil
}

// RemoveBook implements [library.BookStore]: the book, its file (by the
// foreign key), its choices and the progress through it, in one
// transaction.
func (s *Store) RemoveBook(ctx context.Context, guildID string, id int64) (library.Book, error) {
	var b library.Book
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		b, err = scanBook(tx.QueryRowContext(ctx, `SELECT `+bookColumns+` FROM books WHERE guild_id = ? AND id = ?`, guildID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return library.ErrNotFound
		}
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM book_choices WHERE guild_id = ? AND book_id = ?`,
			`DELETE FROM book_progress WHERE guild_id = ? AND book_id = ?`,
			`DELETE FROM book_files WHERE book_id IN (SELECT id FROM books WHERE guild_id = ? AND id = ?)`,
			`DELETE FROM books WHERE guild_id = ? AND id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, guildID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return library.Book{}, fmt.Errorf("remove book %d: %w", id, err)
	}
	return b, nil
}

// ownsBook reports whether book id (not 0) is the guild's, within tx.
func ownsBook(ctx context.Context, tx *sql.Tx, guildID string, id int64) error {
	if id == 0 {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM books WHERE guild_id = ? AND id = ?`, guildID, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("book %d: %w", id, library.ErrNotFound)
	}
	return err
}

// Choose implements [library.ChoiceStore].
func (s *Store) Choose(ctx context.Context, c library.Choice) error {
	c, err := c.Clean()
	if err != nil {
		return fmt.Errorf("choose book: %w", err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := ownsBook(ctx, tx, c.GuildID, c.BookID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO book_choices (guild_id, channel_id, book_id, set_by, set_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (guild_id, channel_id) DO UPDATE SET book_id = excluded.book_id, set_by = excluded.set_by, set_at = excluded.set_at`,
			c.GuildID, c.ChannelID, c.BookID, c.SetBy, s.stamp())
		return err
	})
	if err != nil {
		return fmt.Errorf("choose book %d: %w", c.BookID, err)
	}
	return nil
}

func scanChoice(r scanner) (library.Choice, error) {
	var c library.Choice
	var at int64
	if err := r.Scan(&c.GuildID, &c.ChannelID, &c.BookID, &c.SetBy, &at); err != nil {
		return library.Choice{}, err
	}
	c.SetAt = fromMillis(sql.NullInt64{Int64: at, Valid: true})
	return c, nil
}

// Choice implements [library.ChoiceStore].
func (s *Store) Choice(ctx context.Context, guildID, channelID string) (library.Choice, error) {
	c, err := scanChoice(s.r.QueryRowContext(ctx, `
		SELECT guild_id, channel_id, book_id, set_by, set_at FROM book_choices WHERE guild_id = ? AND channel_id = ?`,
		guildID, channelID))
	if errors.Is(err, sql.ErrNoRows) {
		return library.Choice{}, fmt.Errorf("book choice: %w", library.ErrNotFound)
	}
	if err != nil {
		return library.Choice{}, fmt.Errorf("book choice: %w", err)
	}
	return c, nil
}

// Choices implements [library.ChoiceStore].
func (s *Store) Choices(ctx context.Context, guildID string) ([]library.Choice, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT guild_id, channel_id, book_id, set_by, set_at FROM book_choices WHERE guild_id = ? ORDER BY channel_id`, guildID)
	if err != nil {
		return nil, fmt.Errorf("book choices: %w", err)
	}
	defer rows.Close()
	var out []library.Choice
	for rows.Next() {
		c, err := scanChoice(rows)
		if err != nil {
			return nil, fmt.Errorf("book choices: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("book choices: %w", err)
	}
	return out, nil
}

// Unchoose implements [library.ChoiceStore].
func (s *Store) Unchoose(ctx context.Context, guildID, channelID string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM book_choices WHERE guild_id = ? AND channel_id = ?`, guildID, channelID)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget book choice: %w", err)
	}
	return nil
}

// SetProgress implements [library.ProgressStore].
func (s *Store) SetProgress(ctx context.Context, p library.Progress) error {
	p, err := p.Clean()
	if err != nil {
		return fmt.Errorf("set progress: %w", err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := ownsBook(ctx, tx, p.GuildID, p.BookID); err != nil {
			return err
		}
		if p.Chapter == 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM book_progress WHERE guild_id = ? AND book_id = ? AND channel_id = ? AND user_id = ?`,
				p.GuildID, p.BookID, p.ChannelID, p.UserID)
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO book_progress (guild_id, book_id, channel_id, user_id, chapter, label, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (guild_id, book_id, channel_id, user_id) DO UPDATE SET
				chapter = excluded.chapter, label = excluded.label, set_by = excluded.set_by, set_at = excluded.set_at`,
			p.GuildID, p.BookID, p.ChannelID, p.UserID, p.Chapter, p.Label, p.SetBy, s.stamp())
		return err
	})
	if err != nil {
		return fmt.Errorf("set progress through book %d: %w", p.BookID, err)
	}
	return nil
}

// Progress implements [library.ProgressStore].
func (s *Store) Progress(ctx context.Context, guildID string, bookID int64, channelID, userID string) (library.Progress, error) {
	if (channelID == "") == (userID == "") {
		return library.Progress{}, fmt.Errorf("progress: %w", library.ErrNotFound)
	}
	var p library.Progress
	var at int64
	err := s.r.QueryRowContext(ctx, `
		SELECT guild_id, book_id, channel_id, user_id, chapter, label, set_by, set_at FROM book_progress
		WHERE guild_id = ? AND book_id = ? AND channel_id = ? AND user_id = ?`,
		guildID, bookID, channelID, userID).Scan(&p.GuildID, &p.BookID, &p.ChannelID, &p.UserID, &p.Chapter, &p.Label, &p.SetBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return library.Progress{}, fmt.Errorf("progress: %w", library.ErrNotFound)
	}
	if err != nil {
		return library.Progress{}, fmt.Errorf("progress: %w", err)
	}
	p.SetAt = fromMillis(sql.NullInt64{Int64: at, Valid: true})
	return p, nil
}
