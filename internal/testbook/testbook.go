// Package testbook writes a small book in every format storybot reads
// (.txt, .md, .html, .epub, .pdf), and hostile files, for the tests of the
// packages that take books in: the library, its shelf and the bot.
package testbook

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"html"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Book is a book to write.
type Book struct {
	Title, Author string
	Chapters      []Chapter
}

// Chapter is a chapter: its heading as printed ("CHAPTER I. The Letter")
// and its paragraphs.
type Chapter struct {
	Heading string
	Paras   []string
}

// Formats are the extensions [Book.File] writes.
var Formats = []string{".txt", ".md", ".html", ".epub", ".pdf"}

// File writes the book in the format of ext (one of [Formats]).
func (b Book) File(ext string) []byte {
	switch ext {
	case ".txt":
		return b.Text()
	case ".md":
		return b.Markdown()
	case ".html":
		return b.HTML()
	case ".epub":
		return b.EPUB()
	case ".pdf":
		return b.PDF()
	}
	panic("testbook: no format " + ext)
}

// Text writes the book as a Project Gutenberg text.
func (b Book) Text() []byte {
	var w strings.Builder
	fmt.Fprintf(&w, "The Project Gutenberg eBook of %s\n\nTitle: %s\n\nAuthor: %s\n\nLanguage: English\n\n\n", b.Title, b.Title, b.Author)
	fmt.Fprintf(&w, "*** START OF THE PROJECT GUTENBERG EBOOK %s ***\n\n\n", strings.ToUpper(b.Title))
	for _, ch := range b.Chapters {
		fmt.Fprintf(&w, "\n\n%s\n\n\n", ch.Heading)
		for _, p := range ch.Paras {
			w.WriteString(Wrap(p, 70) + "\n\n")
		}
	}
	fmt.Fprintf(&w, "\n\n*** END OF THE PROJECT GUTENBERG EBOOK %s ***\n", strings.ToUpper(b.Title))
	return []byte(w.String())
}

// Markdown writes the book with a # title and ## chapter headings.
func (b Book) Markdown() []byte {
	var w strings.Builder
	fmt.Fprintf(&w, "# %s\n\n", b.Title)
	for _, ch := range b.Chapters {
		fmt.Fprintf(&w, "## %s\n\n", ch.Heading)
		for _, p := range ch.Paras {
			w.WriteString(Wrap(p, 76) + "\n\n")
		}
	}
	return []byte(w.String())
}

// HTML writes the book as one page with <h2> chapter headings.
func (b Book) HTML() []byte {
	var w strings.Builder
	fmt.Fprintf(&w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n<meta name=\"author\" content=\"%s\">\n</head>\n<body>\n<h1>%s</h1>\n",
		html.EscapeString(b.Title), html.EscapeString(b.Author), html.EscapeString(b.Title))
	for _, ch := range b.Chapters {
		fmt.Fprintf(&w, "<h2>%s</h2>\n", html.EscapeString(ch.Heading))
		for _, p := range ch.Paras {
			fmt.Fprintf(&w, "<p>%s</p>\n", html.EscapeString(p))
		}
	}
	w.WriteString("</body></html>\n")
	return []byte(w.String())
}

// EPUB writes the book as an EPUB 3, one XHTML file a chapter, with extra
// archive entries.
func (b Book) EPUB(extra ...Entry) []byte {
	files := []Entry{{"META-INF/container.xml", `<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>`}}
	var manifest, spine, nav strings.Builder
	for i, ch := range b.Chapters {
		name := fmt.Sprintf("text/ch%02d.xhtml", i+1)
		var x strings.Builder
		fmt.Fprintf(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>%s</title></head>\n<body>\n<h2>%s</h2>\n",
			html.EscapeString(ch.Heading), html.EscapeString(ch.Heading))
		for _, p := range ch.Paras {
			fmt.Fprintf(&x, "<p>%s</p>\n", html.EscapeString(p))
		}
		x.WriteString("</body></html>\n")
		files = append(files, Entry{"OEBPS/" + name, x.String()})
		fmt.Fprintf(&manifest, "    <item id=\"ch%d\" href=\"%s\" media-type=\"application/xhtml+xml\"/>\n", i+1, name)
		fmt.Fprintf(&spine, "    <itemref idref=\"ch%d\"/>\n", i+1)
		fmt.Fprintf(&nav, "<li><a href=\"%s\">%s</a></li>\n", name, html.EscapeString(ch.Heading))
	}
	files = append(files,
		Entry{"OEBPS/nav.xhtml", "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>Contents</title></head><body>\n<nav epub:type=\"toc\"><ol>\n" + nav.String() + "</ol></nav></body></html>"},
		Entry{"OEBPS/content.opf", fmt.Sprintf(`<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/" version="3.0" unique-identifier="id">
  <metadata>
    <dc:identifier id="id">urn:test:1</dc:identifier>
    <dc:title>%s</dc:title>
    <dc:creator>%s</dc:creator>
    <dc:language>en</dc:language>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
%s  </manifest>
  <spine>
%s  </spine>
</package>`, html.EscapeString(b.Title), html.EscapeString(b.Author), manifest.String(), spine.String())})
	return Zip(append(files, extra...)...)
}

// Entry is a file of a zip archive.
type Entry struct{ Name, Data string }

// Zip makes a zip archive, "mimetype" first and stored as EPUB wants.
func Zip(files ...Entry) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/epub+zip"))
	for _, f := range files {
		w, _ := z.Create(f.Name)
		w.Write([]byte(f.Data))
	}
	z.Close()
	return buf.Bytes()
}

// ZipBomb is an EPUB whose one chapter unpacks to n bytes of spaces.
func ZipBomb(n int) []byte {
	b := Book{Title: "Bomb", Author: "Nobody", Chapters: []Chapter{{"CHAPTER I", []string{"Small."}}}}
	return b.EPUB(Entry{"OEBPS/text/ch01.xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>" + strings.Repeat(" ", n) + "</p></body></html>"})
}

// PDF lays the book out in Courier: a title page, then each chapter on a
// new page with its heading in larger bold type.
func (b Book) PDF() []byte {
	const (
		top, bottom, left = 72.0, 720.0, 72.0
		body, lead        = 10.0, 13.0
		cols              = 78
	)
	var contents []string
	var page strings.Builder
	y := top
	line := func(size, x float64, bold bool, text string) {
		font := "F1"
		if bold {
			font = "F2"
		}
		fmt.Fprintf(&page, "BT /%s %.1f Tf %.2f %.2f Td (%s) Tj ET\n", font, size, x, 792-y, PDFString(text))
	}
	newPage := func() {
		if page.Len() > 0 {
			contents = append(contents, page.String())
		}
		page.Reset()
		y = top
	}
	y = 200
	line(24, left, true, b.Title)
	y = 240
	line(14, left, false, "by "+b.Author)
	for _, ch := range b.Chapters {
		newPage()
		line(16, left, true, ch.Heading)
		y += 3 * lead
		for _, p := range ch.Paras {
			for i, l := range strings.Split(Wrap("    "+p, cols), "\n") {
				if y > bottom {
					newPage()
				}
				x := left
				if i == 0 {
					x, l = left+24, strings.TrimSpace(l)
				}
				line(body, x, false, l)
				y += lead
			}
			y += lead / 2
		}
	}
	newPage()
	return PDF(fmt.Sprintf("<< /Title (%s) /Author (%s) >>", PDFString(b.Title), PDFString(b.Author)), contents, nil)
}

// PDF assembles a PDF of Courier text: the info dictionary, one page a
// content stream (compressed), and, when image is not nil, an 8×8 grey
// image /Im1 the pages can draw.
func PDF(info string, contents []string, image []byte) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	widths := strings.TrimSpace(strings.Repeat("600 ", 224))
	var kids []string
	for i := range contents {
		kids = append(kids, fmt.Sprintf("%d 0 R", 7+2*i))
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(contents)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths [" + widths + "] >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths [" + widths + "] >>")
	obj(info)
	if image != nil {
		obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream", len(image), image))
	} else {
		obj("<< >>")
	}
	for i, c := range contents {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write([]byte(c))
		w.Close()
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /Im1 6 0 R >> >> /Contents %d 0 R >>", 8+2*i))
		obj(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// ScannedPDF is a PDF whose one page holds no text.
func ScannedPDF() []byte {
	return PDF("<< /Title (Scan) >>", []string{"0 0 1 rg 72 72 100 100 re f\n"}, nil)
}

// PDFString writes s in WinAnsi as a PDF string literal.
func PDFString(s string) string {
	enc, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		enc = s
	}
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(enc)
}

// Wrap breaks text into lines of at most width bytes, at spaces.
func Wrap(text string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}

// Miller is a small book of three chapters whose last two hold words
// found nowhere before them (see [MillerLater]), to test that nothing
// from beyond a reader's progress shows.
var Miller = Book{
	Title:  "The Miller of Dunmore",
	Author: "Jane Tester",
	Chapters: []Chapter{
		{"CHAPTER I. The Offer", []string{
			"The village of Dunmore lay in a valley below the hills, and its mill stood by the river. Mr. Thomas Reed owned the mill. He was a broad, quiet man of forty-two, and he had worked the stones since he was a boy.",
			"His daughter Anna kept the accounts. She was a clever girl of nineteen, and she wrote every sale in a green ledger. The mill brought in three hundred pounds a year, which was a good living in Dunmore.",
			"One morning a stranger rode into the village from the north. His name was Captain Edward Hale, and he had come to buy the mill for his brother.",
			"“I will give you five hundred pounds,” said Captain Hale. “The mill is not for sale,” said Mr. Reed.",
		}},
		{"CHAPTER II. The Sluice", []string{
			"The captain did not leave. He took a room at the Black Swan inn and waited. Every evening he walked by the river and looked at the wheel.",
			"Anna did not trust him. She told her father that the captain asked too many questions about the weir and the water.",
			"One night in November the sluice gate was broken. Anna found it at dawn. She saw boot prints in the mud, and beside them lay a hammer with the letters E. H. cut into its handle.",
		}},
		{"CHAPTER III. The Bristol Coach", []string{
			"Anna showed the hammer to her father that morning. He said nothing for a long time. Then he walked to the inn, and she followed him.",
			"The captain had gone. The landlord told them he had left for Bristol on the early coach, and had paid his bill in gold.",
			"They mended the gate before Christmas. The mill turned again, and Anna wrote the first sale of the new year in the green ledger.",
		}},
	},
}

// MillerLater are words that stand only in the last chapter of [Miller],
// its heading included.
var MillerLater = []string{"Bristol", "landlord", "gold", "Christmas", "coach"}

// MillerMiddle are words that stand only in the second chapter of
// [Miller], its heading included.
var MillerMiddle = []string{"Black Swan", "Sluice", "sluice", "boot prints", "November"}
