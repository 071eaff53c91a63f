package corpus

import (
	"path"
	"strings"
)

// parsedDoc is what a reader makes of one file: its title and author, when
// the file names them, and its blocks of text and headings in reading order.
type parsedDoc struct {
	Title, Author string
	Blocks        []block
	// Warnings are about the file as a whole ("3 pages have no text").
	Warnings []string
	// Empty, when set, is the reason to give for a file without text
	// ("this PDF has no text; it may be a scan").
	Empty string
}

// block is a paragraph of a file, or a heading.
type block struct {
	Text string
	// Level is 0 for text; a heading's level (1 is the largest division)
	// for a heading, which is structure and not text.
	Level int
	// Section is, for text, a heading above it that is not a chapter (an
	// EPUB's in-page heading when its table of contents gives the chapters).
	Section string
	// Strict marks a heading found in plain text by its wording; it is
	// checked more strictly (a numeral alone is a heading only when more
	// follow in sequence).
	Strict bool
	// Name is a heading's own title when the reader found it apart from the
	// heading (on the next line).
	Name string
}

// format is one kind of file storybot reads.
type format struct {
	kind string
	// text formats are decoded to UTF-8 (from Latin-1, Windows-1252 or
	// UTF-16, with a warning) before read sees them.
	text bool
	// read turns the bytes of a file into a document, or says why it cannot.
	read func(data []byte, opt Options) (parsedDoc, error)
}

// readers maps a file name extension, in lower case, to the reader for
// that kind of file. A new format is one reader and one entry here.
var readers = map[string]*format{
	".txt":      {kind: KindText, text: true, read: readText},
	".md":       {kind: KindMarkdown, text: true, read: readMarkdown},
	".markdown": {kind: KindMarkdown, text: true, read: readMarkdown},
	".html":     {kind: KindHTML, text: true, read: readHTMLFile},
	".htm":      {kind: KindHTML, text: true, read: readHTMLFile},
	".xhtml":    {kind: KindHTML, text: true, read: readHTMLFile},
	".epub":     {kind: KindEPUB, read: readEPUB},
	".pdf":      {kind: KindPDF, read: readPDF},
}

// readerFor returns the format of a file, or nil when storybot does not
// read that kind.
func readerFor(name string) *format {
	return readers[strings.ToLower(path.Ext(name))]
}

// KindOf returns the kind of document a file of that name is read as
// ([KindText], [KindMarkdown], [KindEPUB], [KindHTML], [KindPDF]), by its
// extension, or "" when storybot does not read that kind of file.
func KindOf(name string) string {
	if f := readerFor(name); f != nil {
		return f.kind
	}
	return ""
}

// lines returns text without a byte-order mark, with CRLF and CR line ends
// made LF.
func lines(data []byte) string {
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "\n")
}
