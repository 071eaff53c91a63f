package corpus

import "strings"

// readMarkdown reads Markdown: paragraphs as in plain text; the first H1
// heading is the title (unless it numbers a chapter: "# Chapter 1") and
// the other headings are chapters, nested by level and named as the
// section of the paragraphs below them.
func readMarkdown(data []byte, _ Options) (parsedDoc, error) {
	var d parsedDoc
	for _, b := range blocks(lines(data)) {
		if level, h := heading(b); level > 0 {
			if d.Title == "" && level == 1 && !numbered(h) {
				d.Title = h
			} else {
				d.Blocks = append(d.Blocks, block{Text: h, Level: level})
			}
			continue
		}
		d.Blocks = append(d.Blocks, block{Text: b})
	}
	return d, nil
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

// numbered reports whether a heading numbers a division: "Chapter 1", "II".
func numbered(h string) bool {
	p, ok := parseHeading(h, false)
	return ok && p.number != ""
}
