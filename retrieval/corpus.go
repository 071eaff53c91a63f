package retrieval

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEmptyCorpus is returned when a corpus has no readable text.
var ErrEmptyCorpus = errors.New("corpus has no readable .txt or .md files")

// Corpus is a loaded collection of documents split into paragraphs and
// sentences. References are stable: a document's ID comes from its path, and
// paragraphs and sentences are numbered from 1 in reading order.
type Corpus struct {
	Docs       []Document
	Paragraphs []Paragraph
	Sentences  []Sentence
	// Skipped lists files that were not loaded, with the reason.
	Skipped []Skipped
	// Bytes is the size of the loaded files.
	Bytes int64
}

// Document is one loaded file.
type Document struct {
	// ID is the file's path without extension, lower case, e.g. "books/dracula".
	ID string
	// Title comes from the file's first Markdown heading or, failing that,
	// from a readable form of its file name.
	Title string
	// Path is the file's path within the corpus.
	Path string
	// Paragraphs is the range [First, First+Count) of Corpus.Paragraphs.
	FirstParagraph, ParagraphCount int
}

// Paragraph is a block of text, numbered from 1 within its document.
type Paragraph struct {
	Doc int
	N   int
	// Section is the nearest Markdown heading above the paragraph, if any.
	Section string
	Text    string
	// Sentences is the range [First, First+Count) of Corpus.Sentences.
	FirstSentence, SentenceCount int
}

// Sentence is one sentence, numbered from 1 within its paragraph.
type Sentence struct {
	Para int
	N    int
	Text string
	// Start and End are the sentence's byte offsets in its paragraph's Text.
	Start, End int
}

// Skipped is a file the loader passed over.
type Skipped struct {
	Path   string
	Reason string
}

// LoadDir loads every .txt and .md file below dir.
func LoadDir(dir string) (*Corpus, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load corpus %s: not a directory", dir)
	}
	c, err := Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	return c, nil
}

// Load loads every .txt and .md file of fsys, recursively, in path order.
// Files that are empty, binary or not UTF-8 are skipped and listed in
// [Corpus.Skipped]; a corpus with nothing to load is [ErrEmptyCorpus].
func Load(fsys fs.FS) (*Corpus, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if ext := strings.ToLower(path.Ext(p)); ext == ".txt" || ext == ".md" || ext == ".markdown" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	c := &Corpus{}
	ids := map[string]bool{}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			c.Skipped = append(c.Skipped, Skipped{p, "unreadable: " + err.Error()})
			continue
		}
		if reason := unusable(data); reason != "" {
			c.Skipped = append(c.Skipped, Skipped{p, reason})
			continue
		}
		id := docID(p)
		for n := 2; ids[id]; n++ {
			id = fmt.Sprintf("%s-%d", docID(p), n)
		}
		if c.add(id, p, string(data)) {
			ids[id] = true
			c.Bytes += int64(len(data))
		} else {
			c.Skipped = append(c.Skipped, Skipped{p, "no text"})
		}
	}
	if len(c.Sentences) == 0 {
		return c, ErrEmptyCorpus
	}
	return c, nil
}

// unusable says why a file cannot be loaded, or "" when it can.
func unusable(data []byte) string {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return "empty"
	case bytes.IndexByte(data, 0) >= 0:
		return "binary (contains NUL bytes)"
	case !utf8.Valid(data):
		return "not UTF-8 text"
	}
	return ""
}

// add splits a file's text into paragraphs and sentences and appends them.
// It reports whether the file had any text.
func (c *Corpus) add(id, p, text string) bool {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	isMD := strings.HasSuffix(strings.ToLower(p), ".md") || strings.HasSuffix(strings.ToLower(p), ".markdown")
	doc := Document{ID: id, Path: p, FirstParagraph: len(c.Paragraphs)}
	section := ""
	for _, block := range blocks(text) {
		if isMD {
			if level, h := heading(block); level > 0 {
				if doc.Title == "" && level == 1 {
					doc.Title = h
				} else {
					section = h
				}
				continue
			}
		}
		para := Paragraph{Doc: len(c.Docs), N: doc.ParagraphCount + 1, Section: section, Text: block, FirstSentence: len(c.Sentences)}
		for i, sp := range sentenceSpans(block) {
			c.Sentences = append(c.Sentences, Sentence{Para: len(c.Paragraphs), N: i + 1, Text: block[sp[0]:sp[1]], Start: sp[0], End: sp[1]})
		}
		para.SentenceCount = len(c.Sentences) - para.FirstSentence
		if para.SentenceCount == 0 {
			continue
		}
		c.Paragraphs = append(c.Paragraphs, para)
		doc.ParagraphCount++
	}
	if doc.ParagraphCount == 0 {
		return false
	}
	if doc.Title == "" {
		doc.Title = titleFromPath(p)
	}
	c.Docs = append(c.Docs, doc)
	return true
}

// blocks splits text into paragraphs: by blank lines, joining wrapped lines;
// or, when the text has no blank line, one paragraph a line.
func blocks(text string) []string {
	lines := strings.Split(text, "\n")
	// A blank line counts only between two lines of text: a final newline
	// does not make a file of one paragraph a line into one paragraph.
	hasBlank, blankAfterText := false, false
	nonEmpty := 0
	for _, l := range lines {
		if isBlank(l) {
			blankAfterText = nonEmpty > 0
			continue
		}
		if blankAfterText {
			hasBlank = true
		}
		nonEmpty++
	}
	var out []string
	if !hasBlank || nonEmpty == 1 {
		for _, l := range lines {
			if l = foldSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, l := range lines {
		if isBlank(l) {
			flush()
			continue
		}
		// A Markdown heading is a block of its own even without blank lines.
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
			if level, _ := heading(t); level > 0 {
				flush()
				out = append(out, foldSpace(t))
				continue
			}
		}
		appendFolded(&cur, l)
	}
	flush()
	return out
}

// foldSpace trims s and folds each run of white space to one space.
func foldSpace(s string) string {
	var b strings.Builder
	appendFolded(&b, s)
	return b.String()
}

// appendFolded appends the words of s to b, one space apart (and one space
// after what b holds already).
func appendFolded(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
			i += size
			continue
		}
		j := i
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if asciiSpace[c] {
					break
				}
				j++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += size
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:j])
		i = j
	}
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !asciiSpace[c] {
			return strings.TrimSpace(s) == ""
		}
	}
	return true
}

// heading parses an ATX Markdown heading ("## Title").
func heading(block string) (level int, title string) {
	for level < len(block) && level < 6 && block[level] == '#' {
		level++
	}
	if level == 0 || level >= len(block) || block[level] != ' ' {
		return 0, ""
	}
	title = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(block[level:]), "#"))
	if title == "" {
		return 0, ""
	}
	return level, title
}

// docID makes a stable, readable ID from a path: lower case, extension
// dropped, spaces and odd characters as '-'.
func docID(p string) string {
	p = strings.TrimSuffix(p, path.Ext(p))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(p) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' || r == '.':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		id = "doc"
	}
	return id
}

// titleFromPath turns a file name into a title: "macron-and-putin_at-versailles.txt"
// becomes "Macron and Putin at Versailles".
func titleFromPath(p string) string {
	base := path.Base(p)
	base = strings.TrimSuffix(base, path.Ext(base))
	words := strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == ' ' || r == '.' })
	for i, w := range words {
		lw := strings.ToLower(w)
		if i > 0 && smallTitleWords[lw] {
			words[i] = lw
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	if len(words) == 0 {
		return base
	}
	return strings.Join(words, " ")
}

var smallTitleWords = map[string]bool{"a": true, "an": true, "and": true, "as": true, "at": true, "but": true,
	"by": true, "for": true, "in": true, "of": true, "on": true, "or": true, "the": true, "to": true, "with": true}

// Ref is the reader's reference of a paragraph: "Title, ¶N".
func (c *Corpus) Ref(para int) string {
	p := c.Paragraphs[para]
	return fmt.Sprintf("%s, ¶%d", c.Docs[p.Doc].Title, p.N)
}

// SentenceID is the stable ID of a sentence: "docid/paragraph/sentence".
func (c *Corpus) SentenceID(sent int) string {
	s := c.Sentences[sent]
	p := c.Paragraphs[s.Para]
	return fmt.Sprintf("%s/%d/%d", c.Docs[p.Doc].ID, p.N, s.N)
}

// Words counts the words of the corpus.
func (c *Corpus) Words() int {
	n := 0
	for _, p := range c.Paragraphs {
		n += len(strings.Fields(p.Text))
	}
	return n
}
