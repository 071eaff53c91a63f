package retrieval

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

// parseFile reads a file and splits its text.
func parseFile(fsys fs.FS, p string) parsedFile {
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return parsedFile{skip: "unreadable: " + err.Error()}
	}
	if reason := unusable(data); reason != "" {
		return parsedFile{skip: reason}
	}
	f := parsedFile{size: int64(len(data))}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lp := strings.ToLower(p)
	isMD := strings.HasSuffix(lp, ".md") || strings.HasSuffix(lp, ".markdown")
	section := ""
	for _, block := range blocks(text) {
		if isMD {
			if level, h := heading(block); level > 0 {
				if f.title == "" && level == 1 {
					f.title = h
				} else {
					section = h
				}
				continue
			}
		}
		if spans := sentenceSpans(block); len(spans) > 0 {
			f.paras = append(f.paras, parsedPara{section: section, text: block, spans: spans})
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
