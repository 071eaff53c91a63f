package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// readText reads plain text: paragraphs are separated by blank lines, or,
// in a file with no blank line, are one a line. A plain-text file names no
// title.
func readText(data []byte) parsedDoc {
	var d parsedDoc
	for _, b := range blocks(lines(data)) {
		d.Blocks = append(d.Blocks, block{Text: b})
	}
	return d
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
