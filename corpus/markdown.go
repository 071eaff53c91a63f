package corpus

import "strings"

// readMarkdown reads Markdown: paragraphs as in plain text; the first H1
// heading is the title and later headings name the section of the
// paragraphs below them.
func readMarkdown(data []byte) parsedDoc {
	var d parsedDoc
	section := ""
	for _, b := range blocks(lines(data)) {
		if level, h := heading(b); level > 0 {
			if d.Title == "" && level == 1 {
				d.Title = h
			} else {
				section = h
			}
			continue
		}
		d.Blocks = append(d.Blocks, block{Section: section, Text: b})
	}
	return d
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
