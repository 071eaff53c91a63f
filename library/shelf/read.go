package shelf

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"testing/fstest"
	"unicode"
	"unicode/utf8"

	"storybot/answer"
	"storybot/corpus"
	"storybot/library"
	"storybot/retrieval"
)

// ErrUnreadable matches every [*UnreadableError].
var ErrUnreadable = errors.New("the file cannot be read as a book")

// UnreadableError says why a file is no book storybot can read: the
// reason the corpus reader gave ("this PDF has no text; it may be a
// scan", "refused: the EPUB unpacks to more than …").
type UnreadableError struct {
	Filename string
	Reason   string
}

func (e *UnreadableError) Error() string { return e.Filename + ": " + e.Reason }

// Is makes errors.Is(err, ErrUnreadable) true.
func (e *UnreadableError) Is(target error) bool { return target == ErrUnreadable }

// Book is a file read and indexed: its engine, and what was read.
type Book struct {
	Engine *answer.Engine
	// Title and Author are the book's, or those given to [ReadBook].
	Title, Author string
	// Kind is the kind of file, as storybot/corpus names it.
	Kind string
	// SHA256 is the file's hash, in hex; its first 10 digits start the IDs
	// of the book's passages (see [library.Book.Key]).
	SHA256    string
	TextBytes int64
	Words     int
	Chapters  []library.Chapter
	// Warnings are what the reader noticed, e.g. text decoded from Latin-1.
	Warnings []string
	// Memory is what its index is reckoned to take (see [Estimate]).
	Memory int64
}

// ReadBook reads a book file and indexes it, as the shelf does for a
// stored book, within the limits of copts, and returns its engine, which
// answers with aopts. A title or author that is not empty replaces the
// file's. A file that is no readable book is an [*UnreadableError].
//
// The book's one document is read from "KEY/NAME", KEY the first 10 hex
// digits of the file's hash and NAME its file name made safe, so that
// the IDs of its passages ("KEY/name/3/2") name the book they come from.
func ReadBook(filename string, data []byte, title, author string, copts corpus.Options, aopts answer.Options) (*Book, error) {
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	name := SafeName(filename)
	if corpus.KindOf(name) == "" {
		return nil, &UnreadableError{Filename: filename, Reason: "storybot reads .txt, .md, .epub, .html, .htm, .xhtml and .pdf files"}
	}
	p := library.FileKey(sha) + "/" + name
	c, err := corpus.LoadOptions(fstest.MapFS{p: &fstest.MapFile{Data: data, Mode: 0o444}}, copts)
	if err != nil {
		if c != nil && len(c.Skipped) > 0 {
			return nil, &UnreadableError{Filename: filename, Reason: c.Skipped[0].Reason}
		}
		if errors.Is(err, corpus.ErrEmptyCorpus) {
			return nil, &UnreadableError{Filename: filename, Reason: "it holds no text"}
		}
		return nil, fmt.Errorf("read %s: %w", filename, err)
	}
	if len(c.Docs) != 1 {
		return nil, fmt.Errorf("read %s: %d documents, want 1", filename, len(c.Docs))
	}
	d := &c.Docs[0]
	if t := strings.TrimSpace(title); t != "" {
		d.Title = t
	}
	if a := strings.TrimSpace(author); a != "" {
		d.Author = a
	}
	d.Title = clip(d.Title, library.MaxTitleLen)
	d.Author = clip(d.Author, library.MaxTitleLen)
	b := &Book{Title: d.Title, Author: d.Author, Kind: d.Kind, SHA256: sha, TextBytes: textBytes(c), Words: c.Words()}
	for _, w := range c.Warnings {
		b.Warnings = append(b.Warnings, w.Message)
	}
	b.Engine = answer.New(retrieval.NewIndex(c), aopts)
	for _, m := range b.Engine.Chapters() {
		if len(b.Chapters) == library.MaxChapters {
			break
		}
		label := m.Label
		if label == "" {
			label = fmt.Sprintf("part %d", m.N)
		}
		b.Chapters = append(b.Chapters, library.Chapter{N: m.N, Label: clip(label, library.MaxLabelLen), Name: clip(m.Name, library.MaxChapterNameLen)})
	}
	b.Memory = Estimate(b.TextBytes)
	return b, nil
}

// Memory reckoning, from BenchmarkMemory: an engine's heap is about 2 MiB
// of fixed tables and 6–7 bytes a byte of text (the text itself, its
// sentences, postings and the holds of each sentence).
const (
	fixedBytes  = 2 << 20
	perTextByte = 7
)

// Estimate is the memory an engine over textBytes of text is reckoned to
// take, in bytes.
func Estimate(textBytes int64) int64 { return fixedBytes + int64(perTextByte*float64(textBytes)) }

func textBytes(c *corpus.Corpus) int64 {
	var n int64
	for _, p := range c.Paragraphs {
		n += int64(len(p.Text))
	}
	return n
}

var extRE = regexp.MustCompile(`^\.[a-z0-9]{1,9}$`)

// SafeName is a file name that can stand in a path and a passage's ID:
// its last element; letters, digits, spaces and "-_()'" only, any other
// character (a dot too) made "_"; the extension kept, in lower case, and
// the rest cut to 60 characters; "book" when nothing is left. Titles made
// from file names read "_" as a space, as they read ".".
func SafeName(filename string) string {
	base := strings.TrimRight(strings.TrimSpace(path.Base(strings.ReplaceAll(filename, "\\", "/"))), " .")
	stem, ext := base, strings.ToLower(path.Ext(base))
	if extRE.MatchString(ext) {
		stem = base[:len(base)-len(ext)]
	} else {
		ext = ""
	}
	var b strings.Builder
	for _, r := range stem {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_()'", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(clip(b.String(), 60), " _")
	if s == "" {
		s = "book"
	}
	return s + ext
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}
