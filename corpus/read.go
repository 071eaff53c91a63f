package corpus

import (
	"path"
	"strings"
)

// parsedDoc is what a reader makes of one file: its title, when the file
// names one, and its blocks of text in reading order.
type parsedDoc struct {
	Title  string
	Blocks []block
}

// block is a paragraph of a file, with the section heading above it.
type block struct {
	Section, Text string
}

// A reader turns the bytes of one kind of file, already checked to be
// non-empty UTF-8 text, into a document.
type reader func(data []byte) parsedDoc

// readers maps a file name extension, in lower case, to the reader for
// that kind of file. A new format is one reader and one entry here.
var readers = map[string]reader{
	".txt":      readText,
	".md":       readMarkdown,
	".markdown": readMarkdown,
}

// readerFor returns the reader for a file's kind, or nil when storybot
// does not read that kind.
func readerFor(name string) reader {
	return readers[strings.ToLower(path.Ext(name))]
}

// lines returns text without a byte-order mark, with CRLF and CR line ends
// made LF.
func lines(data []byte) string {
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "\n")
}
