package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Limits of the PDF page tree walked, against files that loop or lie.
const (
	maxPDFPages     = 20000
	maxPDFTreeDepth = 64
)

// errNoPDFText is the reason for a PDF with no text layer.
var errNoPDFText = errors.New("this PDF has no text; it may be a scan")

// readPDF reads the text layer of a PDF with github.com/ledongthuc/pdf: its
// title and author from the document information, its lines from the
// positions of the glyphs on each page, paragraphs from line spacing and
// indents, chapters from headings set larger than the body text (or, in a
// PDF without them, from chapter lines as in plain text). Running heads
// and page numbers are left out. A PDF with no text is refused as a
// probable scan; an encrypted one as needing a password.
func readPDF(data []byte, opt Options) (d parsedDoc, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = parsedDoc{}, fmt.Errorf("not a readable PDF: corrupt or truncated (%v)", r)
		}
	}()
	if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")) && !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return d, errors.New("not a readable PDF: no %PDF header")
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(err.Error(), "encrypt") {
			return d, errors.New("refused: the PDF is encrypted and needs a password")
		}
		return d, fmt.Errorf("not a readable PDF: corrupt or truncated (%v)", err)
	}
	info := r.Trailer().Key("Info")
	d.Title = foldSpace(info.Key("Title").Text())
	d.Author = foldSpace(info.Key("Author").Text())

	pages := pdfPages(r.Trailer().Key("Root").Key("Pages"))
	left := opt.MaxUnpackedBytes
	var all [][]pdfLine
	failed := 0
	for _, p := range pages {
		n, err := contentSize(p, left)
		if err != nil {
			failed++
			continue
		}
		if left -= n; left < 0 {
			return parsedDoc{}, fmt.Errorf("refused: the PDF's pages unpack to more than %s, the limit (a decompression bomb?)", megabytes(opt.MaxUnpackedBytes))
		}
		lines, ok := pageLines(p)
		if !ok {
			failed++
			continue
		}
		all = append(all, lines)
	}
	if failed > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d of %d pages could not be read", failed, len(pages)))
	}
	if len(pages) == 0 {
		return parsedDoc{}, errors.New("not a readable PDF: it has no pages")
	}
	d.Blocks = layout(all, &d)
	if len(d.Blocks) == 0 {
		return parsedDoc{}, errNoPDFText
	}
	d.Blocks = dropTitleHeadings(d.Blocks, &d)
	return d, nil
}

// pdfPages walks the page tree in order, to a bounded depth and number of
// pages.
func pdfPages(root pdf.Value) []pdf.Page {
	var out []pdf.Page
	var walk func(v pdf.Value, depth int)
	walk = func(v pdf.Value, depth int) {
		if depth > maxPDFTreeDepth || len(out) >= maxPDFPages {
			return
		}
		switch v.Key("Type").Name() {
		case "Page":
			out = append(out, pdf.Page{V: v})
		case "Pages", "":
			kids := v.Key("Kids")
			for i := 0; i < kids.Len() && len(out) < maxPDFPages; i++ {
				walk(kids.Index(i), depth+1)
			}
		}
	}
	walk(root, 0)
	return out
}

// contentSize is the unpacked size of a page's content streams, read up to
// limit+1 bytes.
func contentSize(p pdf.Page, limit int64) (n int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	c := p.V.Key("Contents")
	streams := []pdf.Value{c}
	if c.Kind() == pdf.Array {
		streams = streams[:0]
		for i := 0; i < c.Len(); i++ {
			streams = append(streams, c.Index(i))
		}
	}
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		rc := s.Reader()
		m, err := io.Copy(io.Discard, io.LimitReader(rc, limit-n+1))
		rc.Close()
		n += m
		if err != nil {
			return n, err
		}
		if n > limit {
			return n, nil
		}
	}
	return n, nil
}

// pdfLine is a line of text on a page.
type pdfLine struct {
	text      string
	x0, x1, y float64
	size      float64
	page      int
}

// pageLines puts the glyphs of a page into lines, in the order the page
// draws them, with spaces where words stand apart.
func pageLines(p pdf.Page) (lines []pdfLine, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			lines, ok = nil, false
		}
	}()
	var cur *pdfLine
	var b strings.Builder
	var prev pdf.Text
	have := false
	end := func() {
		if cur != nil {
			cur.text = foldSpace(b.String())
			if cur.text != "" {
				lines = append(lines, *cur)
			}
		}
		cur = nil
		b.Reset()
	}
	for _, t := range p.Content().Text {
		if t.S == "\n" || t.S == "" || t.FontSize <= 0 || math.IsNaN(t.X+t.Y) {
			continue
		}
		size := t.FontSize
		if cur != nil && math.Abs(t.Y-cur.y) > 0.3*math.Max(size, cur.size) {
			end()
		}
		if cur == nil {
			cur = &pdfLine{x0: t.X, y: t.Y, size: size}
			have = false
		}
		if have && !isSpaceText(t.S) && !isSpaceText(prev.S) {
			gap := t.X - (prev.X + prev.W)
			if prev.W > 0 && gap > 0.15*size || t.X < prev.X-size {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.S)
		cur.size = math.Max(cur.size, size)
		cur.x1 = math.Max(cur.x1, t.X+t.W)
		prev, have = t, true
	}
	end()
	return lines, true
}

func isSpaceText(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// layout turns the lines of the pages into headings and paragraphs.
func layout(pages [][]pdfLine, d *parsedDoc) []block {
	for i := range pages {
		for j := range pages[i] {
			pages[i][j].page = i
		}
	}
	pages = dropRunningLines(pages)
	var lines []pdfLine
	for _, p := range pages {
		lines = append(lines, p...)
	}
	if len(lines) == 0 {
		return nil
	}
	body := bodySize(lines)
	// Heading sizes, largest first, give heading levels.
	var sizes []float64
	for _, l := range lines {
		if isHeadingSize(l.size, body) && !containsSize(sizes, l.size) {
			sizes = append(sizes, l.size)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sizes)))
	level := func(size float64) int {
		for i, s := range sizes {
			if math.Abs(s-size) < 0.5 {
				return i + 1
			}
		}
		return 0
	}
	pitch, margin, right := lineMetrics(lines, body)
	// A line that stops well short of the right edge, after a sentence,
	// ends its paragraph even without a gap or an indent after it.
	short := func(l pdfLine) bool { return right > margin && l.x1 < margin+0.6*(right-margin) }

	var out []block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, block{Text: joinPDFLines(para)})
			para = nil
		}
	}
	for i, l := range lines {
		if lv := level(l.size); lv > 0 && utf8.RuneCountInString(l.text) <= 120 {
			flush()
			if n := len(out); n > 0 && out[n-1].Level == lv && i > 0 && lines[i-1].page == l.page && level(lines[i-1].size) == lv &&
				lines[i-1].y-l.y < 2*l.size {
				out[n-1].Text += " " + l.text // a heading over two lines
				continue
			}
			out = append(out, block{Text: l.text, Level: lv})
			continue
		}
		if len(para) > 0 {
			p := lines[i-1]
			brk := false
			switch {
			case level(p.size) > 0:
				brk = true
			case p.page != l.page:
				brk = l.x0 > margin+0.8*body || short(p) && endsSentence(p.text)
			default:
				gap := p.y - l.y
				brk = gap > 1.3*pitch || gap < -pitch || l.x0 > margin+0.8*body || short(p) && endsSentence(p.text)
			}
			if brk {
				flush()
			}
		}
		para = append(para, l.text)
	}
	flush()
	if len(sizes) == 0 {
		// No headings set larger than the text: chapter lines as in plain text.
		for i, b := range out {
			if h, ok := headingLines([]string{b.Text}); ok {
				out[i] = h
			}
		}
	}
	return out
}

// joinPDFLines joins the lines of a paragraph, rejoining a word hyphenated
// at the end of a line ("some-" "thing").
func joinPDFLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			r, _ := utf8.DecodeRuneInString(l)
			if n := len(prev); n > 1 && prev[n-1] == '-' && unicode.IsLetter(rune(prev[n-2])) && unicode.IsLower(r) {
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-1])
				b.WriteString(l)
				continue
			}
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return b.String()
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, "\"'”’)]")
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".?!…", r)
}

func isHeadingSize(size, body float64) bool { return size >= 1.2*body }

func containsSize(sizes []float64, s float64) bool {
	for _, x := range sizes {
		if math.Abs(x-s) < 0.5 {
			return true
		}
	}
	return false
}

// bodySize is the font size of most of the text.
func bodySize(lines []pdfLine) float64 {
	count := map[float64]int{}
	for _, l := range lines {
		count[math.Round(l.size*2)/2] += len(l.text)
	}
	best, n := 0.0, -1
	for s, c := range count {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}

// lineMetrics measures the body text: the usual distance between lines,
// the left margin and the right edge.
func lineMetrics(lines []pdfLine, body float64) (pitch, margin, right float64) {
	var gaps, lefts, rights []float64
	for i, l := range lines {
		if math.Abs(l.size-body) > 0.5 {
			continue
		}
		lefts = append(lefts, l.x0)
		rights = append(rights, l.x1)
		if i > 0 && lines[i-1].page == l.page && math.Abs(lines[i-1].size-body) <= 0.5 {
			if g := lines[i-1].y - l.y; g > 0 {
				gaps = append(gaps, g)
			}
		}
	}
	pitch = percentile(gaps, 0.5, 1.2*body)
	margin = percentile(lefts, 0.1, 0)
	right = percentile(rights, 0.9, 0)
	return pitch, margin, right
}

func percentile(xs []float64, q, dflt float64) float64 {
	if len(xs) == 0 {
		return dflt
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}

// dropRunningLines removes page numbers and running heads: a page's first
// or last line that is a number, or that recurs (digits aside) on at least
// a third of the pages, when there are three pages or more.
func dropRunningLines(pages [][]pdfLine) [][]pdfLine {
	key := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	count := map[string]int{}
	for _, p := range pages {
		seen := map[string]bool{}
		for _, i := range edgeLines(p) {
			k := key(p[i].text)
			if !seen[k] {
				count[k]++
				seen[k] = true
			}
		}
	}
	for pi, p := range pages {
		drop := map[int]bool{}
		for _, i := range edgeLines(p) {
			t := strings.Trim(p[i].text, " -–—.[]()")
			if _, chapter := parseHeading(p[i].text, true); chapter {
				continue
			}
			if isDigits(t) || isRoman(strings.ToUpper(t)) && utf8.RuneCountInString(t) <= 5 && strings.ToLower(t) == t ||
				len(pages) >= 3 && count[key(p[i].text)]*3 >= len(pages) && key(p[i].text) != "" {
				drop[i] = true
			}
		}
		if len(drop) == 0 {
			continue
		}
		kept := p[:0:0]
		for i, l := range p {
			if !drop[i] {
				kept = append(kept, l)
			}
		}
		pages[pi] = kept
	}
	return pages
}

// edgeLines are the indexes of a page's top and bottom lines.
func edgeLines(p []pdfLine) []int {
	if len(p) == 0 {
		return nil
	}
	top, bottom := 0, 0
	for i, l := range p {
		if l.y > p[top].y {
			top = i
		}
		if l.y < p[bottom].y {
			bottom = i
		}
	}
	if top == bottom {
		return []int{top}
	}
	return []int{top, bottom}
}
