// Package corpus loads the books and stories storybot answers from:
// documents split into paragraphs and sentences, with titles, authors,
// chapters and stable references.
//
// Each kind of file has its own reader that feeds the same types, so a new
// format is one reader (see read.go): plain text (.txt, with Project
// Gutenberg's header and licence left out), Markdown (.md), EPUB 2 and 3
// (.epub), HTML and XHTML (.html, .htm, .xhtml) and PDF with a text layer
// (.pdf). Text that is not UTF-8 but plainly Latin-1 or Windows-1252 is
// decoded, with a warning in [Corpus.Warnings]. A file that cannot be read
// is listed in [Corpus.Skipped] with the reason; hostile files (oversized,
// zip bombs, unsafe archive paths, DRM, PDFs without text, corrupt or
// truncated files) are refused that way, within the limits of [Options].
//
// References are made for readers: "Title, ch. 3, ¶2" (see [Corpus.Ref]).
// The package knows nothing of indexing or answering.
package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ErrEmptyCorpus is returned when a corpus has no readable text.
var ErrEmptyCorpus = errors.New("corpus has no readable .txt, .md, .epub, .html or .pdf files")

// Corpus is a loaded collection of documents split into paragraphs and
// sentences. References are stable: a document's ID comes from its path, and
// paragraphs and sentences are numbered from 1 in reading order.
type Corpus struct {
	Docs       []Document
	Paragraphs []Paragraph
	Sentences  []Sentence
	// Skipped lists files that were not loaded, with the reason.
	Skipped []Skipped
	// Warnings lists what was loaded but not as written, such as text
	// decoded from Latin-1.
	Warnings []Warning
	// Bytes is the size of the loaded files.
	Bytes int64
}

// Kinds of document, as in [Document.Kind].
const (
	KindText     = "txt"
	KindMarkdown = "md"
	KindEPUB     = "epub"
	KindHTML     = "html"
	KindPDF      = "pdf"
)

// Document is one loaded file.
type Document struct {
	// ID is the file's path without extension, lower case, e.g. "books/dracula".
	ID string
	// Title comes from the book's metadata (EPUB package, PDF information,
	// HTML <title> or first <h1>, Project Gutenberg's "Title:" line), a
	// Markdown file's first heading or, failing those, a readable form of
	// its file name.
	Title string
	// Author comes from the same metadata; empty when the file names none.
	Author string
	// Kind is the kind of file: [KindText], [KindMarkdown], [KindEPUB],
	// [KindHTML] or [KindPDF].
	Kind string
	// Path is the file's path within the corpus.
	Path string
	// Paragraphs is the range [First, First+Count) of Corpus.Paragraphs.
	FirstParagraph, ParagraphCount int
	// Chapters are the document's chapters, parts and other headed
	// divisions in reading order; nil when it has none.
	Chapters []Chapter
}

// Chapter is a headed division of a document: a chapter, or a part or book
// that holds chapters.
type Chapter struct {
	// Heading is the heading as the book prints it, on one line
	// ("CHAPTER II. The Pool of Tears"); empty for a first chapter whose
	// heading the file lacks, inferred from a second one.
	Heading string
	// Kind is the division a heading word names, in lower case: "chapter",
	// "part", "book", "stave", "volume", "letter", "act", "scene",
	// "prologue"…; a numeral alone makes a "part"; empty for a heading that
	// is only a name ("The Letter").
	Kind string
	// Number is the chapter's number as printed: "II", "61", "two"; empty
	// when it has none.
	Number string
	// Name is the chapter's own title: "The Pool of Tears"; empty when the
	// heading gives only a number.
	Name string
	// Label names the chapter in references: "ch. 61", "part III",
	// "“The Letter”". It is unique within the document: where the short
	// form repeats, the enclosing part's label comes first
	// ("book II, ch. 3"), and where that is not enough, a count ("ch. 3 (2)").
	Label string
	// Parent is the index in Document.Chapters of the part or book that
	// holds this chapter, or -1.
	Parent int
	// Depth is 0 for a top-level division, 1 for a chapter within it…
	Depth int
	// Paragraphs is the range [First, First+Count) of Corpus.Paragraphs
	// that stand in this chapter and not in one of its sub-chapters.
	FirstParagraph, ParagraphCount int
}

// Paragraph is a block of text, numbered from 1 within its document.
type Paragraph struct {
	Doc int
	N   int
	// Section is the nearest heading above the paragraph, as printed, if any.
	Section string
	Text    string
	// Sentences is the range [First, First+Count) of Corpus.Sentences.
	FirstSentence, SentenceCount int
	// Chapter is the index in the document's Chapters of the chapter the
	// paragraph stands in, or -1 when it stands before the first chapter or
	// the document has none.
	Chapter int
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

// Warning is something a loaded file did not have quite right.
type Warning struct {
	Path    string
	Message string
}

// Options limit what the loader reads. The zero value means the defaults.
type Options struct {
	// MaxFileBytes is the largest file read; a larger one is skipped.
	// The default is [DefaultMaxFileBytes] (50 MB).
	MaxFileBytes int64
	// MaxUnpackedBytes is the most a file may unpack to: the entries read
	// from an EPUB, the decompressed page contents of a PDF. The default is
	// four times MaxFileBytes.
	MaxUnpackedBytes int64
	// MaxEntries is the most entries an EPUB's zip archive may hold. The
	// default is [DefaultMaxEntries].
	MaxEntries int
}

// Defaults of [Options].
const (
	DefaultMaxFileBytes = 50 << 20
	DefaultMaxEntries   = 10000
)

func (o Options) withDefaults() Options {
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.MaxUnpackedBytes <= 0 {
		o.MaxUnpackedBytes = 4 * o.MaxFileBytes
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	return o
}

// LoadDir loads every file below dir that storybot reads, with the default
// [Options].
func LoadDir(dir string) (*Corpus, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load corpus %s: not a directory", dir)
	}
	c, err := LoadOptions(os.DirFS(dir), Options{})
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	return c, nil
}

// LoadPath loads p, a folder (as [LoadDir]) or a single file of any kind
// storybot reads. A single file that cannot be loaded is an error naming
// the file and the reason, wrapping [ErrEmptyCorpus].
func LoadPath(p string, opt Options) (*Corpus, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", p, err)
	}
	if st.IsDir() {
		c, err := LoadOptions(os.DirFS(p), opt)
		if err != nil {
			return c, fmt.Errorf("load corpus %s: %w", p, err)
		}
		return c, nil
	}
	name := filepath.Base(p)
	if readerFor(name) == nil {
		return nil, fmt.Errorf("load %s: storybot reads .txt, .md, .epub, .html, .htm, .xhtml and .pdf files: %w", p, ErrEmptyCorpus)
	}
	c, err := loadPaths(os.DirFS(filepath.Dir(p)), []string{name}, opt)
	if err != nil {
		if len(c.Skipped) == 1 {
			return c, fmt.Errorf("load %s: %s: %w", p, c.Skipped[0].Reason, ErrEmptyCorpus)
		}
		return c, fmt.Errorf("load %s: %w", p, err)
	}
	return c, nil
}

// Load loads every file of fsys that a reader knows (see [readers]),
// recursively, in path order, with the default [Options].
// Files that are empty, binary or refused are skipped and listed in
// [Corpus.Skipped]; a corpus with nothing to load is [ErrEmptyCorpus].
func Load(fsys fs.FS) (*Corpus, error) { return LoadOptions(fsys, Options{}) }

// LoadOptions is [Load] within the limits of opt.
func LoadOptions(fsys fs.FS, opt Options) (*Corpus, error) {
	paths, err := listFiles(fsys)
	if err != nil {
		return nil, err
	}
	return loadPaths(fsys, paths, opt)
}

// listFiles returns the files of fsys that a reader knows, in path order,
// leaving out hidden folders.
func listFiles(fsys fs.FS) ([]string, error) {
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
	return paths, nil
}

// inParallel calls do(i) for every i in [0, n), on up to GOMAXPROCS
// goroutines; worker makes each goroutine's do, with any state of its own.
func inParallel(n int, worker func() func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		do := worker()
		go func() {
			defer wg.Done()
			for i := range next {
				do(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// loadPaths loads the files paths of fsys, in that order.
func loadPaths(fsys fs.FS, paths []string, opt Options) (*Corpus, error) {
	opt = opt.withDefaults()
	// Read and split the files in parallel; assemble them in path order.
	files := make([]parsedFile, len(paths))
	inParallel(len(paths), func() func(int) {
		return func(i int) { files[i] = parseFile(fsys, paths[i], opt) }
	})
	c := &Corpus{}
	ids := map[string]bool{}
	for i, f := range files {
		p := paths[i]
		for _, w := range f.warnings {
			c.Warnings = append(c.Warnings, Warning{p, w})
		}
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
	skip     string // why the file is skipped, or ""
	warnings []string
	size     int64
	kind     string
	title    string
	author   string
	paras    []parsedPara
	chapters []Chapter // FirstParagraph and ParagraphCount count within the file
}

type parsedPara struct {
	section, text string
	chapter       int
	spans         [][2]int
}

// parseFile reads a file with the reader for its kind and splits its
// paragraphs into sentences. A reader that panics on a hostile file skips
// that file, and does not stop the load.
func parseFile(fsys fs.FS, p string, opt Options) (f parsedFile) {
	defer func() {
		if r := recover(); r != nil {
			f = parsedFile{skip: fmt.Sprintf("malformed file (the reader failed: %v)", r)}
		}
	}()
	format := readerFor(p)
	if format == nil {
		return parsedFile{skip: "not a kind of file storybot reads"}
	}
	if st, err := fs.Stat(fsys, p); err == nil && st.Size() > opt.MaxFileBytes {
		return parsedFile{skip: fmt.Sprintf("too large: %s, over the limit of %s", megabytes(st.Size()), megabytes(opt.MaxFileBytes))}
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return parsedFile{skip: "unreadable: " + err.Error()}
	}
	if int64(len(data)) > opt.MaxFileBytes {
		return parsedFile{skip: fmt.Sprintf("too large: %s, over the limit of %s", megabytes(int64(len(data))), megabytes(opt.MaxFileBytes))}
	}
	size := int64(len(data))
	var warnings []string
	if format.text {
		text, warning, reason := decodeText(data)
		if reason != "" {
			return parsedFile{skip: reason}
		}
		if warning != "" {
			warnings = append(warnings, warning)
		}
		data = []byte(text)
	} else if len(data) == 0 {
		return parsedFile{skip: "empty"}
	}
	d, err := format.read(data, opt)
	warnings = append(warnings, d.Warnings...)
	if err != nil {
		return parsedFile{skip: err.Error(), warnings: warnings}
	}
	f = structure(d)
	f.size, f.kind, f.warnings = size, format.kind, warnings
	if len(f.paras) == 0 {
		if d.Empty != "" {
			return parsedFile{skip: d.Empty, warnings: warnings}
		}
		return parsedFile{skip: "no text", warnings: warnings}
	}
	if f.title == "" {
		f.title = titleFromPath(p)
	}
	return f
}

// megabytes formats a size for a reason: "51.2 MB".
func megabytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// add appends a parsed file as document id.
func (c *Corpus) add(id, p string, f parsedFile) {
	first := len(c.Paragraphs)
	doc := Document{ID: id, Path: p, Title: f.title, Author: f.author, Kind: f.kind,
		FirstParagraph: first, ParagraphCount: len(f.paras), Chapters: f.chapters}
	for i := range doc.Chapters {
		doc.Chapters[i].FirstParagraph += first
	}
	for n, pp := range f.paras {
		c.Paragraphs = append(c.Paragraphs, Paragraph{Doc: len(c.Docs), N: n + 1, Section: pp.section, Text: pp.text,
			FirstSentence: len(c.Sentences), SentenceCount: len(pp.spans), Chapter: pp.chapter})
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

// Ref is the reader's reference of a paragraph. In a document without
// chapters it is "Title, ¶N", N counted from the start of the document; in
// a chapter it is "Title, <label>, ¶N" ("Pride and Prejudice, ch. 61, ¶3",
// "Metamorphosis, part III, ¶12", "Title, “The Letter”, ¶3"), N counted
// within the chapter and the label as in [Chapter.Label]. Paragraphs before
// a document's first chapter are counted from the start of the document.
func (c *Corpus) Ref(para int) string {
	l := c.Locate(para)
	if l.Chapter == "" {
		return fmt.Sprintf("%s, ¶%d", l.Title, l.Paragraph)
	}
	return fmt.Sprintf("%s, %s, ¶%d", l.Title, l.Chapter, l.Paragraph)
}

// Location is where a paragraph stands in its book, in the parts a
// citation names.
type Location struct {
	Title  string
	Author string // empty when unknown
	// Chapter is the chapter's label as in [Chapter.Label] ("ch. 61"), or
	// empty when the paragraph is in no chapter.
	Chapter string
	// ChapterName is the chapter's own title ("The Pool of Tears"), or empty.
	ChapterName string
	// ChapterIndex is the index in Document.Chapters, or -1.
	ChapterIndex int
	// Paragraph counts from 1 within the chapter, or within the document
	// when Chapter is empty.
	Paragraph int
}

// Locate returns where paragraph para stands: title, author, chapter and
// paragraph number, as [Corpus.Ref] writes them.
func (c *Corpus) Locate(para int) Location {
	p := c.Paragraphs[para]
	d := c.Docs[p.Doc]
	l := Location{Title: d.Title, Author: d.Author, ChapterIndex: -1, Paragraph: p.N}
	if p.Chapter >= 0 && p.Chapter < len(d.Chapters) {
		ch := d.Chapters[p.Chapter]
		l.Chapter, l.ChapterName, l.ChapterIndex = ch.Label, ch.Name, p.Chapter
		l.Paragraph = para - ch.FirstParagraph + 1
	}
	return l
}

// SentenceID is the stable ID of a sentence: "docid/paragraph/sentence".
func (c *Corpus) SentenceID(sent int) string {
	s := c.Sentences[sent]
	p := c.Paragraphs[s.Para]
	return fmt.Sprintf("%s/%d/%d", c.Docs[p.Doc].ID, p.N, s.N)
}

// Words counts the words of the corpus: its paragraphs' runs of
// characters other than white space, as [strings.Fields] splits them.
func (c *Corpus) Words() int {
	n := 0
	for _, p := range c.Paragraphs {
		n += CountFields(p.Text)
	}
	return n
}

// CountFields is len(strings.Fields(s)), without making the fields.
func CountFields(s string) int {
	n := 0
	inField := false
	for i := 0; i < len(s); {
		var space bool
		if b := s[i]; b < utf8.RuneSelf {
			space = asciiSpace[b]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if !space && !inField {
			n++
		}
		inField = !space
	}
	return n
}
