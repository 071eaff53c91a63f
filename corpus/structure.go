package corpus

import (
	"strconv"
	"strings"
)

// structure turns a reader's blocks into paragraphs and chapters: it
// leaves out Project Gutenberg's header and licence, checks the headings
// found in plain text, takes a chapter's title from the line after a
// heading that gives only a number, nests chapters in parts, drops
// chapters with no text, infers a first chapter the file lacks and labels
// every chapter for references.
func structure(d parsedDoc) parsedFile {
	blocks, title, author := gutenbergBlocks(d.Blocks)
	f := parsedFile{title: d.Title, author: d.Author}
	if f.title == "" {
		f.title = title
	}
	if f.author == "" {
		f.author = author
	}
	blocks = dropTitleLines(blocks, f.title, f.author)
	blocks = checkNumerals(blocks)
	blocks = mergeNames(blocks)

	var chapters []Chapter
	var levels []int // the level of each chapter's heading
	cur := -1
	for _, b := range blocks {
		if b.Level > 0 {
			h, ok := parseHeading(b.Text, false)
			ch := Chapter{Heading: b.Text, Parent: -1}
			if ok {
				ch.Kind, ch.Number, ch.Name = h.kind, h.number, h.name
			} else {
				ch.Name = b.Text
			}
			if b.Name != "" {
				ch.Name = b.Name
			}
			ch.Name = strings.TrimSpace(strings.Trim(ch.Name, "_"))
			for p := cur; p >= 0; p = chapters[p].Parent {
				if levels[p] < b.Level {
					ch.Parent = p
					break
				}
			}
			chapters = append(chapters, ch)
			levels = append(levels, b.Level)
			cur = len(chapters) - 1
			continue
		}
		spans := sentenceSpans(b.Text)
		if len(spans) == 0 {
			continue
		}
		section := b.Section
		if section == "" && cur >= 0 {
			section = chapters[cur].Heading
		}
		f.paras = append(f.paras, parsedPara{section: section, text: b.Text, chapter: cur, spans: spans})
	}
	chapters = dropEmptyChapters(chapters, f.paras)
	chapters = inferFirstChapter(chapters, f.paras)
	labelChapters(chapters)
	f.chapters = chapters
	return f
}

// dropTitleLines leaves out, before the first heading, the lines that
// repeat the book's title or give its author ("by Jane Austen"): they are
// the title page, known from the metadata.
func dropTitleLines(blocks []block, title, author string) []block {
	out := blocks[:0:0]
	for i, b := range blocks {
		if b.Level > 0 {
			return append(out, blocks[i:]...)
		}
		t := strings.TrimSpace(strings.Trim(b.Text, "_*"))
		if title != "" && strings.EqualFold(t, title) ||
			author != "" && (strings.EqualFold(t, "by "+author) || strings.EqualFold(t, author)) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// checkNumerals keeps the numerals alone found in plain text ("II") as
// headings only when the text has two that follow each other; otherwise
// they are text.
func checkNumerals(blocks []block) []block {
	var values []int
	var at []int
	for i, b := range blocks {
		if b.Level > 0 && b.Strict {
			if h, ok := parseHeading(b.Text, true); ok && h.numeral {
				values = append(values, h.value)
				at = append(at, i)
			}
		}
	}
	seq := false
	for i := 1; i < len(values); i++ {
		if values[i] == values[i-1]+1 {
			seq = true
		}
	}
	if !seq {
		for _, i := range at {
			blocks[i].Level, blocks[i].Strict = 0, false
		}
	}
	return blocks
}

// mergeNames gives a heading that has a number and no title the title
// that follows it: a deeper heading with no number of its own (HTML's
// <h2>CHAPTER I</h2><h3>The Letter</h3>), or in plain text a line that
// reads as a title and is followed by text.
func mergeNames(blocks []block) []block {
	out := blocks[:0:0]
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if b.Level > 0 && b.Name == "" && i+1 < len(blocks) {
			h, ok := parseHeading(b.Text, false)
			next := blocks[i+1]
			if ok && h.number != "" && h.name == "" {
				switch {
				case next.Level > b.Level && !b.Strict:
					if _, numbered := parseHeading(next.Text, false); !numbered {
						b.Name = next.Text
						i++
					}
				case next.Level == 0 && b.Strict && i+2 < len(blocks) && blocks[i+2].Level == 0 && nameLine(next.Text):
					b.Name = next.Text
					i++
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// dropEmptyChapters removes the chapters that hold no paragraph, directly
// or in a sub-chapter (a table of contents taken for headings, a cover
// page), and renumbers the rest.
func dropEmptyChapters(chapters []Chapter, paras []parsedPara) []Chapter {
	if len(chapters) == 0 {
		return nil
	}
	used := make([]bool, len(chapters))
	for _, p := range paras {
		for c := p.chapter; c >= 0 && !used[c]; c = chapters[c].Parent {
			used[c] = true
		}
	}
	index := make([]int, len(chapters))
	var kept []Chapter
	for i, ch := range chapters {
		index[i] = -1
		if !used[i] {
			continue
		}
		index[i] = len(kept)
		if ch.Parent >= 0 {
			ch.Parent = index[ch.Parent]
		}
		kept = append(kept, ch)
	}
	for i := range paras {
		if paras[i].chapter >= 0 {
			paras[i].chapter = index[paras[i].chapter]
		}
	}
	// Paragraph ranges and depths.
	for i := range kept {
		kept[i].FirstParagraph, kept[i].ParagraphCount = -1, 0
		for p := kept[i].Parent; p >= 0; p = kept[p].Parent {
			kept[i].Depth++
		}
	}
	for i, p := range paras {
		if c := p.chapter; c >= 0 {
			if kept[c].FirstParagraph < 0 {
				kept[c].FirstParagraph = i
			}
			kept[c].ParagraphCount++
		}
	}
	for i := range kept {
		if kept[i].FirstParagraph < 0 {
			kept[i].FirstParagraph = firstParagraphAfter(kept, i, paras)
		}
	}
	return kept
}

// firstParagraphAfter is where an empty part's paragraphs would start: at
// its first sub-chapter's.
func firstParagraphAfter(chapters []Chapter, c int, paras []parsedPara) int {
	for j := c + 1; j < len(chapters); j++ {
		if chapters[j].FirstParagraph >= 0 && chapters[j].ParagraphCount > 0 {
			return chapters[j].FirstParagraph
		}
	}
	return len(paras)
}

// inferFirstChapter adds the first chapter of a file that starts with
// text and then a second chapter ("CHAPTER II" as its first heading): the
// text before it is taken for chapter I, whose heading the file lacks.
func inferFirstChapter(chapters []Chapter, paras []parsedPara) []Chapter {
	if len(chapters) == 0 || len(paras) == 0 || paras[0].chapter != -1 {
		return chapters
	}
	first := chapters[0]
	h, ok := parseHeading(first.Heading, false)
	if !ok || first.Parent != -1 || first.Kind == "" || h.value != 2 {
		return chapters
	}
	one := "1"
	switch {
	case isRoman(first.Number):
		one = "I"
	case strings.EqualFold(first.Number, "two"):
		one = "one"
	case strings.EqualFold(first.Number, "second"):
		one = "first"
	case isDigits(first.Number):
	default:
		return chapters
	}
	if first.Number == strings.ToUpper(first.Number) {
		one = strings.ToUpper(one)
	}
	n := 0
	for n < len(paras) && paras[n].chapter == -1 {
		n++
	}
	out := append([]Chapter{{Kind: first.Kind, Number: one, Parent: -1, FirstParagraph: 0, ParagraphCount: n}}, chapters...)
	for i := 1; i < len(out); i++ {
		if out[i].Parent >= 0 {
			out[i].Parent++
		}
	}
	for i := range paras {
		paras[i].chapter++
	}
	return out
}

// labelChapters sets each chapter's Label: its own short label, preceded
// by its parents' where that alone repeats in the document, and by a count
// where even the whole chain repeats.
func labelChapters(chapters []Chapter) {
	chains := make([][]string, len(chapters))
	maxLen := 0
	for i := range chapters {
		own := chapterLabel(chapters[i])
		if p := chapters[i].Parent; p >= 0 {
			chains[i] = append(append([]string(nil), chains[p]...), own)
		} else {
			chains[i] = []string{own}
		}
		maxLen = max(maxLen, len(chains[i]))
	}
	suffix := func(i, k int) string {
		c := chains[i]
		return strings.Join(c[max(0, len(c)-k):], ", ")
	}
	counts := make([]map[string]int, maxLen+1)
	for k := 1; k <= maxLen; k++ {
		counts[k] = map[string]int{}
		for i := range chapters {
			counts[k][suffix(i, k)]++
		}
	}
	taken := map[string]bool{}
	for i := range chapters {
		k := 1
		for k < len(chains[i]) && counts[k][suffix(i, k)] > 1 {
			k++
		}
		label := suffix(i, k)
		for n := 2; taken[label]; n++ {
			label = suffix(i, k) + " (" + strconv.Itoa(n) + ")"
		}
		taken[label] = true
		chapters[i].Label = label
	}
}
