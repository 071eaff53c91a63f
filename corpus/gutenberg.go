package corpus

import (
	"regexp"
	"strings"
)

// Project Gutenberg's markers around a book's text: "*** START OF THE
// PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***" and its
// END, and the older "*END*THE SMALL PRINT!" and "End of the Project
// Gutenberg EBook of …" lines.
var (
	gutenbergStart  = regexp.MustCompile(`(?i)^\s*(\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG|\*END\*THE SMALL PRINT)`)
	gutenbergEnd    = regexp.MustCompile(`(?i)^\s*(\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG|END OF (THE )?PROJECT GUTENBERG'?S?\b)`)
	gutenbergField  = regexp.MustCompile(`^\s*(Title|Author|Authors)\s*:\s*(.*)$`)
	gutenbergCredit = regexp.MustCompile(`(?i)^\s*(Produced by|E-?text prepared by|Transcribed (from|by))\b`)
)

// gutenbergText returns the lines of a Project Gutenberg text between its
// START and END markers, and the title and author its header names. A text
// without a START marker is returned whole, with no title or author.
func gutenbergText(lines []string) (body []string, title, author string) {
	start, end := -1, len(lines)
	for i, l := range lines {
		if start < 0 && gutenbergStart.MatchString(l) {
			start = i
			continue
		}
		if start >= 0 && gutenbergEnd.MatchString(l) {
			end = i
			break
		}
	}
	if start < 0 {
		return lines, "", ""
	}
	title, author = gutenbergHeader(lines[:start])
	body = lines[start+1 : end]
	// The credits line after the marker ("Produced by …") is not the book.
	i := 0
	for i < len(body) && strings.TrimSpace(body[i]) == "" {
		i++
	}
	if i < len(body) && gutenbergCredit.MatchString(body[i]) {
		for i < len(body) && strings.TrimSpace(body[i]) != "" {
			i++
		}
		body = body[i:]
	}
	return body, title, author
}

// gutenbergHeader reads the Title and Author fields of a Gutenberg header;
// a field goes on over indented lines.
func gutenbergHeader(lines []string) (title, author string) {
	for i := 0; i < len(lines); i++ {
		m := gutenbergField.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		value := strings.TrimSpace(m[2])
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], " ") && strings.TrimSpace(lines[i+1]) != "" &&
			!gutenbergField.MatchString(lines[i+1]) && !strings.Contains(lines[i+1], ":") {
			i++
			value += " " + strings.TrimSpace(lines[i])
		}
		value = foldSpace(value)
		switch {
		case m[1] == "Title" && title == "":
			title = value
		case m[1] != "Title" && author == "":
			author = value
		}
	}
	return title, author
}

// gutenbergBlocks is gutenbergText for blocks (from HTML, EPUB or PDF):
// the blocks between the START and END markers, and the title and author
// named before the START.
func gutenbergBlocks(blocks []block) (body []block, title, author string) {
	start, end := -1, len(blocks)
	for i, b := range blocks {
		if b.Level > 0 {
			continue
		}
		if start < 0 && gutenbergStart.MatchString(b.Text) {
			start = i
			continue
		}
		if start >= 0 && gutenbergEnd.MatchString(b.Text) {
			end = i
			break
		}
	}
	if start < 0 {
		return blocks, "", ""
	}
	var header []string
	for _, b := range blocks[:start] {
		header = append(header, b.Text)
	}
	title, author = gutenbergHeader(header)
	body = blocks[start+1 : end]
	if len(body) > 0 && body[0].Level == 0 && gutenbergCredit.MatchString(body[0].Text) {
		body = body[1:]
	}
	return body, title, author
}
