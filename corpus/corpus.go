// Package corpus loads the text storybot answers from: documents split into
// paragraphs and sentences, with stable references. Each kind of file has
// its own reader (plain text, Markdown) that feeds the same types, so a new
// format is one reader. It knows nothing of indexing or answering.
package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
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

// Load loads every file of fsys that a reader knows (see [readers]),
// recursively, in path order.
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
		if readerFor(p) != nil {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	// Read and split the files in parallel; assemble them in path order.
	files := make([]parsedFile, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i] = parseFile(fsys, paths[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	c := &Corpus{}
	ids := map[string]bool{}
	for i, f := range files {
		p := paths[i]
		if f.skip != "" {
			c.Skipped = append(c.Skipped, Skipped{p, f.skip})
			continue
		}
		id := docID(p)
		for n := 2; ids[id]; n++ {
			id = fmt.Sprintf("%s-%d", docID(p), n)
		}
		ids[id] = true
		c.add(id, p, f)
		c.Bytes += f.size
	}
	if len(c.Sentences) == 0 {
		return c, ErrEmptyCorpus
	}
	return c, nil
}

// parsedFile is one file split into paragraphs and sentences.
type parsedFile struct {
	skip  string // why the file is skipped, or ""
	size  int64
	title string
	paras []parsedPara
}

type parsedPara struct {
	section, text string
	spans         [][2]int
}

// parseFile reads a file with the reader for its kind and splits its
// paragraphs into sentences.
func parseFile(fsys fs.FS, p string) parsedFile {
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return parsedFile{skip: "unreadable: " + err.Error()}
	}
	if reason := unusable(data); reason != "" {
		return parsedFile{skip: reason}
	}
	read := readerFor(p)
	if read == nil {
		return parsedFile{skip: "not a kind of file storybot reads"}
	}
	d := read(data)
	f := parsedFile{size: int64(len(data)), title: d.Title}
	for _, b := range d.Blocks {
		if spans := sentenceSpans(b.Text); len(spans) > 0 {
			f.paras = append(f.paras, parsedPara{section: b.Section, text: b.Text, spans: spans})
		}
	}
	if len(f.paras) == 0 {
		return parsedFile{skip: "no text"}
	}
	if f.title == "" {
		f.title = titleFromPath(p)
	}
	return f
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

// add appends a parsed file as document id.
func (c *Corpus) add(id, p string, f parsedFile) {
	doc := Document{ID: id, Path: p, Title: f.title, FirstParagraph: len(c.Paragraphs), ParagraphCount: len(f.paras)}
	for n, pp := range f.paras {
		c.Paragraphs = append(c.Paragraphs, Paragraph{Doc: len(c.Docs), N: n + 1, Section: pp.section, Text: pp.text,
			FirstSentence: len(c.Sentences), SentenceCount: len(pp.spans)})
		for i, sp := range pp.spans {
			c.Sentences = append(c.Sentences, Sentence{Para: len(c.Paragraphs) - 1, N: i + 1, Text: pp.text[sp[0]:sp[1]], Start: sp[0], End: sp[1]})
		}
	}
	c.Docs = append(c.Docs, doc)
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
