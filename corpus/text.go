package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// readText reads plain text: paragraphs are separated by blank lines, or,
// in a file with no blank line, are one a line. A Project Gutenberg text
// keeps only what stands between its START and END markers, and its
// header names the title and author. A line alone in its paragraph that
// reads as a chapter heading ("CHAPTER I.", "Chapter 12", "STAVE III",
// "PART TWO", a Roman numeral alone), with or without a title on the same
// or the next line, is a heading and not text; a paragraph of such lines
// is a table of contents and is left out.
func readText(data []byte, _ Options) (parsedDoc, error) {
	text := lines(data)
	var d parsedDoc
	all := strings.Split(text, "\n")
	body, title, author := gutenbergText(all)
	d.Title, d.Author = title, author
	if len(body) != len(all) {
		text = strings.Join(body, "\n")
	}
	for _, b := range rawBlocks(text) {
		if h, ok := headingLines(b); ok {
			d.Blocks = append(d.Blocks, h)
			continue
		}
		if len(b) > 1 && allHeadings(b) {
			continue // a table of contents
		}
		d.Blocks = append(d.Blocks, block{Text: foldLines(b)})
	}
	return d, nil
}

// headingLines reads a block of one line, or of a heading line and its
// title, as a chapter heading.
func headingLines(lines []string) (block, bool) {
	if len(lines) == 0 || len(lines) > 2 {
		return block{}, false
	}
	first := foldSpace(lines[0])
	h, ok := parseHeading(first, true)
	if !ok {
		return block{}, false
	}
	b := block{Text: first, Level: h.rank, Strict: true}
	if len(lines) == 2 {
		second := foldSpace(lines[1])
		switch {
		case h.name == "" && h.number != "" && nameLine(second):
			b.Name = second // CHAPTER I. / Down the Rabbit-Hole
		case h.name != "" && utf8.RuneCountInString(first) >= 50 && titleLike(second, false) && utf8.RuneCountInString(second) <= 80:
			b.Text = first + " " + second // a long title wrapped
		default:
			return block{}, false
		}
	}
	return b, true
}

func allHeadings(lines []string) bool {
	for _, l := range lines {
		if _, ok := parseHeading(foldSpace(l), true); !ok {
			return false
		}
	}
	return true
}

// blocks splits text into paragraphs: by blank lines, joining wrapped lines;
// or, when the text has no blank line, one paragraph a line.
func blocks(text string) []string {
	var out []string
	for _, b := range rawBlocks(text) {
		out = append(out, foldLines(b))
	}
	return out
}

// rawBlocks splits text into paragraphs as blocks does, each the list of
// its lines.
func rawBlocks(text string) [][]string {
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
	var out [][]string
	if !hasBlank || nonEmpty == 1 {
		for _, l := range lines {
			if !isBlank(l) {
				out = append(out, []string{l})
			}
		}
		return out
	}
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
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
				out = append(out, []string{t})
				continue
			}
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// foldLines joins the lines of a paragraph, one space apart.
func foldLines(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		appendFolded(&b, l)
	}
	return b.String()
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
