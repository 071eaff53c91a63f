package corpus

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"

	"storybot/internal/testbook"
)

// testBook is a book to write in every format, to check that each reads
// back the same.
type testBook struct {
	Title, Author string
	Chapters      []testChapter
}

type testChapter struct {
	Heading string // "CHAPTER I. The Letter"
	Paras   []string
}

// shortBook is a small book with chapters that have names and numbers.
var shortBook = testBook{
	Title:  "The Lighthouse Keeper",
	Author: "Ada Winter",
	Chapters: []testChapter{
		{"CHAPTER I. The Letter", []string{
			"The letter came on a Tuesday, wrapped in oilcloth against the rain. Mara read it twice by the lamp.",
			"“You must come at once,” it said. “The light has failed twice this month.”",
			"She packed a coat, three candles and her father’s brass compass. The boat left at dawn.",
		}},
		{"CHAPTER II. The Island", []string{
			"The island was smaller than she remembered. Gulls wheeled over the rocks and the tower stood white against the clouds.",
			"Old Tobias met her at the jetty. He had kept the light for forty years, and his hands shook as he took her bag.",
		}},
		{"CHAPTER III. The Storm", []string{
			"On the third night the storm came. Mara climbed the hundred and twelve steps and trimmed the wick herself.",
			"By morning a fishing boat lay safe in the harbour. Its captain, Mr. Hale, sent up a basket of herring.",
			"Tobias laughed for the first time. “The light has a keeper again,” he said.",
		}},
	},
}

// bookFromCorpus makes a testBook of a loaded document: its chapters and
// paragraphs as the reader found them.
func bookFromCorpus(c *Corpus, doc int) testBook {
	d := c.Docs[doc]
	b := testBook{Title: d.Title, Author: d.Author}
	var front testChapter // the paragraphs before the first chapter
	for _, p := range c.Paragraphs[d.FirstParagraph : d.FirstParagraph+d.ParagraphCount] {
		if p.Chapter == -1 {
			front.Paras = append(front.Paras, p.Text)
		}
	}
	if len(front.Paras) > 0 {
		b.Chapters = append(b.Chapters, front)
	}
	for i, ch := range d.Chapters {
		heading := ch.Heading
		if heading == "" {
			heading = strings.ToUpper(ch.Kind) + " " + ch.Number
			if h, ok := parseHeading(d.Chapters[min(i+1, len(d.Chapters)-1)].Heading, false); ok && h.numeral {
				heading = ch.Number
			}
		}
		if ch.Name != "" && !strings.Contains(heading, ch.Name) {
			heading += ". " + ch.Name
		}
		tc := testChapter{Heading: heading}
		for _, p := range c.Paragraphs[ch.FirstParagraph : ch.FirstParagraph+ch.ParagraphCount] {
			tc.Paras = append(tc.Paras, p.Text)
		}
		b.Chapters = append(b.Chapters, tc)
	}
	return b
}

// gutenbergText writes the book as a Project Gutenberg text, with its
// header, markers and licence, wrapped at 70 columns, CRLF line ends.
func (b testBook) gutenbergText() []byte {
	var w strings.Builder
	fmt.Fprintf(&w, "The Project Gutenberg eBook of %s\n\nThis ebook is for the use of anyone anywhere in the United States and\nmost other parts of the world at no cost and with almost no restrictions\nwhatsoever.\n\n", b.Title)
	fmt.Fprintf(&w, "Title: %s\n\nAuthor: %s\n\nRelease date: January 1, 2001 [eBook #99999]\n\nLanguage: English\n\n\n", b.Title, b.Author)
	fmt.Fprintf(&w, "*** START OF THE PROJECT GUTENBERG EBOOK %s ***\n\n\n", strings.ToUpper(b.Title))
	fmt.Fprintf(&w, "%s\n\nby %s\n\n\n", strings.ToUpper(b.Title), b.Author)
	for _, ch := range b.Chapters {
		if ch.Heading != "" {
			fmt.Fprintf(&w, "\n\n%s\n\n\n", ch.Heading)
		}
		for _, p := range ch.Paras {
			w.WriteString(testbook.Wrap(p, 70))
			w.WriteString("\n\n")
		}
	}
	fmt.Fprintf(&w, "\n\n*** END OF THE PROJECT GUTENBERG EBOOK %s ***\n\n", strings.ToUpper(b.Title))
	w.WriteString("Updated editions will replace the previous one--the old editions will\nbe renamed.\n\nSTART: FULL LICENSE\n\nTHE FULL PROJECT GUTENBERG LICENSE\n")
	return []byte(strings.ReplaceAll(w.String(), "\n", "\r\n"))
}

// html writes the book as one HTML page, with a script, a style and a
// navigation list that must not be read.
func (b testBook) html() []byte {
	var w strings.Builder
	fmt.Fprintf(&w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n<meta name=\"author\" content=\"%s\">\n", html.EscapeString(b.Title), html.EscapeString(b.Author))
	w.WriteString("<style>p { text-indent: 1em } .secret:after { content: 'Style text.' }</style>\n<script>document.write('Script text. Never read.');</script>\n</head>\n<body>\n")
	fmt.Fprintf(&w, "<h1>%s</h1>\n<nav><ol>", html.EscapeString(b.Title))
	for i, ch := range b.Chapters {
		if ch.Heading != "" {
			fmt.Fprintf(&w, "<li><a href=\"#c%d\">%s</a></li>", i+1, html.EscapeString(ch.Heading))
		}
	}
	w.WriteString("</ol></nav>\n")
	for i, ch := range b.Chapters {
		w.WriteString("<div class=\"chapter\">\n")
		if ch.Heading != "" {
			fmt.Fprintf(&w, "<h2 id=\"c%d\">%s</h2>\n", i+1, html.EscapeString(ch.Heading))
		}
		for _, p := range ch.Paras {
			fmt.Fprintf(&w, "<p>%s</p>\n", testbook.Wrap(html.EscapeString(p), 76))
		}
		w.WriteString("</div>\n")
	}
	w.WriteString("<script type=\"text/javascript\">var x = '<p>Not text.</p>';</script>\n</body></html>\n")
	return []byte(w.String())
}

// epub writes the book as an EPUB 2 (toc.ncx) or EPUB 3 (nav.xhtml) book,
// one XHTML file a chapter, with extra files for the archive.
func (b testBook) epub(version int, extra map[string]string) []byte {
	files := map[string]string{
		"META-INF/container.xml": `<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>`,
	}
	var manifest, spine, ncx, nav strings.Builder
	for i, ch := range b.Chapters {
		name := fmt.Sprintf("text/ch%02d.xhtml", i+1)
		var x strings.Builder
		fmt.Fprintf(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>%s</title><link rel=\"stylesheet\" href=\"../style.css\"/><script src=\"x.js\"/></head>\n<body>\n",
			html.EscapeString(ch.Heading))
		if ch.Heading != "" {
			fmt.Fprintf(&x, "<h2>%s</h2>\n", html.EscapeString(ch.Heading))
		}
		for _, p := range ch.Paras {
			fmt.Fprintf(&x, "<p>%s</p>\n", html.EscapeString(p))
		}
		x.WriteString("</body></html>\n")
		files["OEBPS/"+name] = x.String()
		fmt.Fprintf(&manifest, "    <item id=\"ch%d\" href=\"%s\" media-type=\"application/xhtml+xml\"/>\n", i+1, name)
		fmt.Fprintf(&spine, "    <itemref idref=\"ch%d\"/>\n", i+1)
		if ch.Heading == "" {
			continue
		}
		fmt.Fprintf(&ncx, "<navPoint id=\"n%d\" playOrder=\"%d\"><navLabel><text>%s</text></navLabel><content src=\"%s\"/></navPoint>\n", i+1, i+1, html.EscapeString(ch.Heading), name)
		fmt.Fprintf(&nav, "<li><a href=\"%s\">%s</a></li>\n", name, html.EscapeString(ch.Heading))
	}
	files["OEBPS/text/cover.xhtml"] = `<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Cover</title></head><body><div><img src="cover.jpg" alt="cover"/></div></body></html>`
	meta := fmt.Sprintf("<dc:title>%s</dc:title>\n    <dc:creator opf:role=\"aut\">%s</dc:creator>\n    <dc:creator opf:role=\"ill\">An Illustrator</dc:creator>", html.EscapeString(b.Title), html.EscapeString(b.Author))
	if version == 3 {
		meta = fmt.Sprintf("<dc:title id=\"t\">%s</dc:title>\n    <meta refines=\"#t\" property=\"title-type\">main</meta>\n    <dc:title id=\"s\">A Subtitle</dc:title>\n    <dc:creator id=\"a\">%s</dc:creator>\n    <meta refines=\"#a\" property=\"role\" scheme=\"marc:relators\">aut</meta>",
			html.EscapeString(b.Title), html.EscapeString(b.Author))
		files["OEBPS/nav.xhtml"] = "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>Contents</title></head><body>\n<nav epub:type=\"landmarks\"><ol><li><a href=\"text/cover.xhtml\">Cover</a></li></ol></nav>\n<nav epub:type=\"toc\"><h1>Contents</h1><ol>\n<li><a href=\"text/cover.xhtml\">Cover</a></li>\n" + nav.String() + "</ol></nav></body></html>"
		manifest.WriteString("    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n")
	} else {
		files["OEBPS/toc.ncx"] = "<?xml version=\"1.0\"?>\n<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\"><head/><docTitle><text>" + html.EscapeString(b.Title) + "</text></docTitle><navMap>\n<navPoint id=\"cover\"><navLabel><text>Cover</text></navLabel><content src=\"text/cover.xhtml\"/></navPoint>\n" + ncx.String() + "</navMap></ncx>"
		manifest.WriteString("    <item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n")
	}
	files["OEBPS/content.opf"] = fmt.Sprintf(`<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf" version="%d.0" unique-identifier="id">
  <metadata>
    <dc:identifier id="id">urn:test:%d</dc:identifier>
    %s
    <dc:language>en</dc:language>
  </metadata>
  <manifest>
    <item id="cover" href="text/cover.xhtml" media-type="application/xhtml+xml"/>
%s  </manifest>
  <spine toc="ncx">
    <itemref idref="cover"/>
%s  </spine>
</package>`, version, version, meta, manifest.String(), spine.String())
	for k, v := range extra {
		files[k] = v
	}
	return zipFiles(files)
}

// zipFiles makes a zip archive, "mimetype" first and stored as EPUB wants.
func zipFiles(files map[string]string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/epub+zip"))
	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	sortStrings(names)
	for _, k := range names {
		w, _ := z.Create(k)
		w.Write([]byte(files[k]))
	}
	z.Close()
	return buf.Bytes()
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// pdfLineOut is a line to draw on a PDF page.
type pdfLineOut struct {
	size, x, y float64 // y from the top of the page
	bold       bool
	text       string
}

// pdf lays the book out in Courier (all glyphs 600/1000 em wide): a title
// page, then each chapter on a new page with its heading in larger bold
// type, paragraphs with an indented first line, page numbers at the foot.
func (b testBook) pdf() []byte {
	const (
		top, bottom, left = 72.0, 720.0, 72.0
		body, lead        = 10.0, 13.0
		cols              = 78 // 468pt / 6pt a glyph
	)
	var pages [][]pdfLineOut
	var page []pdfLineOut
	y := top
	newPage := func() {
		if page != nil {
			page = append(page, pdfLineOut{body, 300, 760, false, fmt.Sprint(len(pages) + 1)})
			pages = append(pages, page)
		}
		page, y = []pdfLineOut{}, top
	}
	newPage()
	page = append(page, pdfLineOut{24, left, 200, true, b.Title}, pdfLineOut{14, left, 240, false, "by " + b.Author})
	for _, ch := range b.Chapters {
		newPage()
		if ch.Heading != "" {
			page = append(page, pdfLineOut{16, left, y, true, ch.Heading})
			y += 3 * lead
		}
		for _, p := range ch.Paras {
			lines := strings.Split(testbook.Wrap("    "+p, cols), "\n")
			for i, l := range lines {
				if y > bottom {
					newPage()
				}
				x := left
				if i == 0 {
					x, l = left+4*6, strings.TrimSpace(l)
				}
				page = append(page, pdfLineOut{body, x, y, false, l})
				y += lead
			}
			y += lead / 2
		}
	}
	newPage()
	return writePDF(b.Title, b.Author, pages)
}

// writePDF writes pages of lines as a PDF with Courier fonts and
// compressed content streams.
func writePDF(title, author string, pages [][]pdfLineOut) []byte {
	var contents []string
	for _, p := range pages {
		var c strings.Builder
		for _, l := range p {
			font := "F1"
			if l.bold {
				font = "F2"
			}
			fmt.Fprintf(&c, "BT /%s %.1f Tf %.2f %.2f Td (%s) Tj ET\n", font, l.size, l.x, 792-l.y, testbook.PDFString(l.text))
		}
		contents = append(contents, c.String())
	}
	return testbook.PDF(fmt.Sprintf("<< /Title (%s) /Author (%s) /Producer (storybot test) >>", testbook.PDFString(title), testbook.PDFString(author)), contents, nil)
}

// loadOne loads one file as a corpus, failing the test on an error.
func loadOne(t testing.TB, name string, data []byte, opt Options) *Corpus {
	t.Helper()
	c, err := LoadOptions(mapFS(name, data), opt)
	if err != nil {
		t.Fatalf("Load(%s): %v (skipped %v)", name, err, c.Skipped)
	}
	return c
}
