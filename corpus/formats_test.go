package corpus

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"storybot/internal/testbook"
)

func mapFS(name string, data []byte) fstest.MapFS {
	return fstest.MapFS{name: {Data: data}}
}

// bookDump is what a reader must agree on: title, author, chapters, and
// each paragraph's reference and sentences.
func bookDump(c *Corpus) string {
	var b strings.Builder
	for di, d := range c.Docs {
		fmt.Fprintf(&b, "title=%q author=%q\n", d.Title, d.Author)
		for _, ch := range d.Chapters {
			fmt.Fprintf(&b, "chapter %q name=%q parent=%d\n", ch.Label, ch.Name, ch.Parent)
		}
		for pi := d.FirstParagraph; pi < d.FirstParagraph+d.ParagraphCount; pi++ {
			p := c.Paragraphs[pi]
			if p.Doc != di {
				continue
			}
			fmt.Fprintf(&b, "%s | %s\n", c.Ref(pi), strings.TrimPrefix(c.SentenceID(p.FirstSentence), d.ID))
			for _, s := range c.Sentences[p.FirstSentence : p.FirstSentence+p.SentenceCount] {
				fmt.Fprintf(&b, "  %s\n", s.Text)
			}
		}
	}
	return b.String()
}

// TestSameBookEveryFormat writes one book as Gutenberg text, HTML, EPUB 2,
// EPUB 3 and PDF, and checks that each reads back with the same title,
// author, chapters, references and sentences.
func TestSameBookEveryFormat(t *testing.T) {
	books := map[string]testBook{"short": shortBook}
	// A real book converted: Metamorphosis from the shared Gutenberg text.
	if data, err := os.ReadFile(filepath.Join("..", "..", "shared", "corpora", "gutenberg", "pg5200.txt")); err == nil {
		c := loadOne(t, "metamorphosis.txt", data, Options{})
		b := bookFromCorpus(c, 0)
		b.Title, b.Author = "Metamorphosis", "Franz Kafka"
		books["metamorphosis"] = b
	} else {
		t.Logf("no shared Gutenberg books (%v): the short book only", err)
	}
	for name, book := range books {
		t.Run(name, func(t *testing.T) {
			want := bookDump(loadOne(t, "book.txt", book.gutenbergText(), Options{}))
			if !strings.Contains(want, "ch. I") && !strings.Contains(want, "part I") {
				t.Fatalf("text form has no chapters:\n%s", want)
			}
			for _, f := range []struct {
				name string
				data []byte
			}{
				{"book.html", book.html()},
				{"book.epub", book.epub(2, nil)},
				{"book3.epub", book.epub(3, nil)},
				{"book.pdf", book.pdf()},
			} {
				c := loadOne(t, f.name, f.data, Options{})
				checkCorpus(t, c)
				if got := bookDump(c); got != want {
					t.Errorf("%s reads differently from its text:\n%s", f.name, lineDiff(want, got))
				}
			}
		})
	}
}

// lineDiff shows the first lines where two dumps differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, a, b)
		}
	}
	return ""
}

func TestRefs(t *testing.T) {
	c := loadOne(t, "book.txt", shortBook.gutenbergText(), Options{})
	tests := []struct {
		text, ref string
		loc       Location
	}{
		{"The letter came", "The Lighthouse Keeper, ch. I, ¶1", Location{Title: "The Lighthouse Keeper", Author: "Ada Winter", Chapter: "ch. I", ChapterName: "The Letter", ChapterIndex: 0, Paragraph: 1}},
		{"Old Tobias", "The Lighthouse Keeper, ch. II, ¶2", Location{Title: "The Lighthouse Keeper", Author: "Ada Winter", Chapter: "ch. II", ChapterName: "The Island", ChapterIndex: 1, Paragraph: 2}},
	}
	for _, tt := range tests {
		found := false
		for i, p := range c.Paragraphs {
			if strings.HasPrefix(p.Text, tt.text) {
				found = true
				if got := c.Ref(i); got != tt.ref {
					t.Errorf("Ref(%q) = %q, want %q", tt.text, got, tt.ref)
				}
				if got := c.Locate(i); got != tt.loc {
					t.Errorf("Locate(%q) = %+v, want %+v", tt.text, got, tt.loc)
				}
			}
		}
		if !found {
			t.Errorf("no paragraph starts %q", tt.text)
		}
	}
	front := loadOne(t, "x.txt", []byte("Before.\n\nCHAPTER 3\n\nAfter."), Options{})
	if a, b := front.Ref(0), front.Ref(1); a != "X, ¶1" || b != "X, ch. 3, ¶1" {
		t.Errorf("Ref before and in a chapter = %q, %q; want %q, %q", a, b, "X, ¶1", "X, ch. 3, ¶1")
	}
	// Refs are unique within a corpus.
	seen := map[string]bool{}
	for i := range c.Paragraphs {
		if r := c.Ref(i); seen[r] {
			t.Errorf("Ref %q repeats", r)
		} else {
			seen[r] = true
		}
	}
}

func TestParseHeading(t *testing.T) {
	tests := []struct {
		line   string
		strict bool
		want   string // kind/number/name, or "-" when not a heading
	}{
		{"CHAPTER I.", true, "chapter/I/"},
		{"Chapter 12", true, "chapter/12/"},
		{"CHAPTER II. The Pool of Tears", true, "chapter/II/The Pool of Tears"},
		{"Chapter 2 THE SHADOW", true, "chapter/2/THE SHADOW"},
		{"CHAPTER 1. Loomings.", true, "chapter/1/Loomings."},
		{"STAVE III", true, "stave/III/"},
		{"STAVE THREE: The Second of the Three Spirits", true, "stave/THREE/The Second of the Three Spirits"},
		{"PART TWO", true, "part/TWO/"},
		{"BOOK II", true, "book/II/"},
		{"BOOK THE FIRST", true, "book/THE FIRST/"},
		{"Part Twenty-One", true, "part/Twenty-One/"},
		{"Chapter iv", true, "chapter/iv/"},
		{"III", true, "part/III/"},
		{"IV.", true, "part/IV/"},
		{"VII. THE ADVENTURE OF THE BLUE CARBUNCLE", true, "part/VII/THE ADVENTURE OF THE BLUE CARBUNCLE"},
		{"EPILOGUE", true, "epilogue//"},
		{"Prologue: The Storm", true, "prologue//The Storm"},
		// Prose is not a heading.
		{"chapter 12", true, "-"},
		{"Chapter 12 was the best part of the book.", true, "-"},
		{"Part of the problem was the rain.", true, "-"},
		{"Book II describes the war.", true, "-"},
		{"Chapter", true, "-"},
		{"Chapter 12th", true, "-"},
		{"I am here.", true, "-"},
		{"I", true, "part/I/"}, // kept only where another numeral follows in sequence
		{"MDCCCLXXXVIII", true, "-"},
		{"12", true, "-"},
		{"The Letter", true, "-"},
		{"Epilogue and more about it", true, "-"},
		// Headings from markup are taken apart more freely.
		{"12", false, "part/12/"},
		{"Chapter One: The Letter", false, "chapter/One/The Letter"},
		{"The Letter", false, "-"},
	}
	for _, tt := range tests {
		h, ok := parseHeading(tt.line, tt.strict)
		got := "-"
		if ok {
			got = h.kind + "/" + h.number + "/" + h.name
		}
		if got != tt.want {
			t.Errorf("parseHeading(%q, %v) = %q, want %q", tt.line, tt.strict, got, tt.want)
		}
	}
}

// TestTitleAuthorChapters reads a title, an author and chapters from each
// kind of file.
func TestTitleAuthorChapters(t *testing.T) {
	tests := []struct {
		name, data    string
		title, author string
		chapters      string // labels joined by " | "
	}{
		{"the_jungle_book.txt", "Mowgli ran.\n\nHe ran far.", "The Jungle Book", "", ""},
		{"pg1342.txt", "It is a truth.\n\nChapter 3\n\nNot all that.", "Pg1342", "", "ch. 3"},
		{"alice.txt", "Alice was tired.\n\nCHAPTER II.\nThe Pool of Tears\n\n'Curiouser!' cried Alice.\n\nCHAPTER III. A Caucus-Race\n\nThey were a queer party.", "Alice", "", "ch. I | ch. II | ch. III"},
		{"carol.txt", "STAVE I\n\nMARLEY'S GHOST\n\nMarley was dead.\n\nSTAVE II\n\nTHE FIRST OF THE THREE SPIRITS\n\nWhen Scrooge awoke.", "Carol", "", "stave I | stave II"},
		{"parts.txt", "PART ONE\n\nCHAPTER 1\n\nIt began.\n\nCHAPTER 2\n\nIt went on.\n\nPART TWO\n\nCHAPTER 1\n\nIt began again.", "Parts", "", "part one | part one, ch. 1 | ch. 2 | part two | part two, ch. 1"},
		{"meta.txt", "One morning.\n\nII\n\nIt was dark.\n\nIII\n\nThe end.", "Meta", "", "part I | part II | part III"},
		{"lonely.txt", "Who is there?\n\nI\n\nSaid the voice.", "Lonely", "", ""},
		{"contents.txt", "Contents\n\nCHAPTER I. One\nCHAPTER II. Two\n\nCHAPTER I. One\n\nText one.\n\nCHAPTER II. Two\n\nText two.", "Contents", "", "ch. I | ch. II"},
		{"toc-lines.txt", "Contents\n\nCHAPTER I. One\n\nCHAPTER II. Two\n\nCHAPTER I. One\n\nText one.\n\nCHAPTER II. Two\n\nText two.", "Toc Lines", "", "ch. I | ch. II"},
		{"notes.md", "# Field Notes\n\n## The Letter\n\nIt came.\n\n## Chapter 2\n\nIt went.", "Field Notes", "", "“The Letter” | ch. 2"},
		{"book.md", "# Chapter 1\n\nText.\n\n# Chapter 2\n\nMore.", "Book", "", "ch. 1 | ch. 2"},
		{"page.html", "<html><head><title>The Project Gutenberg eBook of Emma, by Jane Austen</title></head><body><h1>Emma</h1><h2>by Jane Austen</h2><h2>CHAPTER I</h2><h3>Emma Woodhouse</h3><p>Emma was handsome.</p><h2>CHAPTER II</h2><p>Mr. Weston was a native.</p></body></html>", "Emma", "Jane Austen", "ch. I | ch. II"},
		{"untitled.htm", "<body><h1>A Study</h1><p>In the year.</p><h2>The Science</h2><p>Sherlock.</p></body>", "A Study", "", "“The Science”"},
		{"x.xhtml", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Ode</title><meta name="author" content="John Keats"/><script src="a.js"/></head><body><p>Thou still unravish'd bride.</p></body></html>`, "Ode", "John Keats", ""},
	}
	for _, tt := range tests {
		c := loadOne(t, tt.name, []byte(tt.data), Options{})
		d := c.Docs[0]
		var labels []string
		for _, ch := range d.Chapters {
			labels = append(labels, ch.Label)
		}
		if got := strings.Join(labels, " | "); d.Title != tt.title || d.Author != tt.author || got != tt.chapters {
			t.Errorf("Load(%s) = title %q, author %q, chapters %q; want %q, %q, %q", tt.name, d.Title, d.Author, got, tt.title, tt.author, tt.chapters)
		}
	}
}

// TestHTMLNeverIndexed checks that scripts, styles, navigation and
// Gutenberg's boilerplate are not text.
func TestHTMLNeverIndexed(t *testing.T) {
	page := `<html><head><title>T</title><style>body{}</style></head><body>
<section class="pg-boilerplate pgheader" id="pg-header"><p>Title: T</p><p>This eBook is for the use of anyone.</p></section>
<p>*** START OF THE PROJECT GUTENBERG EBOOK T ***</p>
<script>alert("no")</script><noscript>Enable scripts.</noscript>
<nav><a href="#a">Contents</a></nav><p><a href="#c1">CHAPTER I</a></p>
<p>Story <i>te</i>xt, once.<span class="pagenum">[Pg 7]</span></p>
<template><p>Template.</p></template>
<p>*** END OF THE PROJECT GUTENBERG EBOOK T ***</p>
<section id="pg-footer"><p>The Full Project Gutenberg License.</p></section></body></html>`
	c := loadOne(t, "t.html", []byte(page), Options{})
	var all []string
	for _, p := range c.Paragraphs {
		all = append(all, p.Text)
	}
	if got := strings.Join(all, " | "); got != "Story text, once." {
		t.Errorf("HTML text = %q, want only %q", got, "Story text, once.")
	}
}

func TestGutenbergText(t *testing.T) {
	data, err := os.ReadFile("testdata/books/gutenberg.txt")
	if err != nil {
		t.Fatal(err)
	}
	c := loadOne(t, "gutenberg.txt", data, Options{})
	d := c.Docs[0]
	if d.Title != "The Lighthouse Keeper" || d.Author != "Ada Winter" || len(d.Chapters) != 3 {
		t.Errorf("Gutenberg text: title %q author %q, %d chapters; want The Lighthouse Keeper, Ada Winter, 3", d.Title, d.Author, len(d.Chapters))
	}
	for _, p := range c.Paragraphs {
		if strings.Contains(strings.ToLower(p.Text), "gutenberg") || strings.Contains(p.Text, "LICENSE") {
			t.Errorf("Gutenberg boilerplate indexed: %q", p.Text)
		}
	}
}

func TestEncodings(t *testing.T) {
	for _, tt := range []struct{ file, want, warning string }{
		{"latin1.txt", "Les élèves français étaient très contents, où qu’ils fussent", "not UTF-8: decoded as Latin-1 (ISO 8859-1)"},
		{"cp1252.txt", "“Naïve,” she said – and smiled…", "not UTF-8: decoded as Windows-1252"},
	} {
		data, err := os.ReadFile("testdata/books/" + tt.file)
		if err != nil {
			t.Fatal(err)
		}
		c := loadOne(t, tt.file, data, Options{})
		if len(c.Warnings) != 1 || c.Warnings[0].Message != tt.warning || c.Warnings[0].Path != tt.file {
			t.Errorf("Load(%s).Warnings = %v, want %q", tt.file, c.Warnings, tt.warning)
		}
		if !strings.Contains(c.Paragraphs[0].Text, strings.TrimSuffix(tt.want, "")) && !strings.Contains(c.Paragraphs[0].Text, tt.want[:20]) {
			t.Errorf("Load(%s) text = %q, want it to hold %q", tt.file, c.Paragraphs[0].Text, tt.want)
		}
	}
}

// TestHostile loads each hostile file: each is refused, or read, with a
// clear reason, quickly, and nothing panics.
func TestHostile(t *testing.T) {
	small := Options{MaxFileBytes: 1 << 20, MaxUnpackedBytes: 2 << 20, MaxEntries: 50}
	zeros := make([]byte, 8<<20)
	manyEntries := map[string]string{}
	for i := range 60 {
		manyEntries[fmt.Sprintf("OEBPS/x%d.txt", i)] = "x"
	}
	epub := shortBook.epub(2, nil)
	pdf := shortBook.pdf()
	nested := strings.Repeat("<div><span><b>", 200000) + "Deep text." + strings.Repeat("</b></span></div>", 200000)
	tests := []struct {
		name   string
		data   []byte
		opt    Options
		reason string // a skip reason it must start with; "" to load
	}{
		{"bomb.epub", shortBook.epub(2, map[string]string{"OEBPS/text/ch01.xhtml": "<p>" + string(zeros) + "</p>"}), small,
			"refused: the EPUB unpacks to more than 2 MB, the limit (a zip bomb?)"},
		{"entries.epub", shortBook.epub(2, manyEntries), small, "refused: the EPUB archive has 68 entries, over the limit of 50"},
		{"traversal.epub", shortBook.epub(2, map[string]string{"../../etc/evil.xhtml": "<p>x</p>"}), Options{}, `refused: the EPUB archive has an unsafe entry name "../../etc/evil.xhtml"`},
		{"drm.epub", shortBook.epub(3, map[string]string{"META-INF/encryption.xml": `<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="OEBPS/text/ch01.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>`}), Options{},
			"refused: the EPUB is protected with DRM (META-INF/encryption.xml encrypts its content)"},
		{"adept.epub", shortBook.epub(2, map[string]string{"META-INF/rights.xml": "<rights/>"}), Options{}, "refused: the EPUB is protected with DRM (META-INF/rights.xml)"},
		{"fonts.epub", shortBook.epub(3, map[string]string{"META-INF/encryption.xml": `<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><CipherData><CipherReference URI="OEBPS/font.otf"/></CipherData></EncryptedData></encryption>`}), Options{}, ""},
		{"truncated.epub", epub[:len(epub)/2], Options{}, "not a readable EPUB: the zip archive is corrupt or truncated"},
		{"notzip.epub", []byte("PK\x03\x04 this is not a zip"), Options{}, "not a readable EPUB"},
		{"nocontainer.epub", zipFiles(map[string]string{"a.xhtml": "<p>x</p>"}), Options{}, "not a readable EPUB: META-INF/container.xml"},
		{"scan.pdf", testbook.PDF("<< >>", []string{"q 612 0 0 792 0 0 cm /Im1 Do Q\n"}, bytes.Repeat([]byte{128}, 64)), Options{}, "this PDF has no text; it may be a scan"},
		{"truncated.pdf", pdf[:len(pdf)/2], Options{}, "not a readable PDF"},
		{"notpdf.pdf", []byte("<html>not a pdf</html>"), Options{}, "not a readable PDF: no %PDF header"},
		{"bomb.pdf", testbook.PDF("<< >>", []string{strings.Repeat(" ", 8<<20)}, nil), small, "refused: the PDF's pages unpack to more than 2 MB, the limit (a decompression bomb?)"},
		{"big.txt", bytes.Repeat([]byte("All work and no play. "), 100000), small, "too large: 2.1 MB, over the limit of 1 MB"},
		{"nested.html", []byte(nested), Options{}, ""},
		{"binary.txt", []byte("\x00\x01\x02ELF"), Options{}, "binary (contains NUL bytes)"},
		{"empty.epub", nil, Options{}, "empty"},
	}
	for _, tt := range tests {
		start := time.Now()
		c, err := LoadOptions(mapFS(tt.name, tt.data), tt.opt)
		took := time.Since(start)
		if took > 20*time.Second {
			t.Errorf("Load(%s) took %v", tt.name, took)
		}
		if tt.reason == "" {
			if err != nil {
				t.Errorf("Load(%s) = %v (%v), want it loaded", tt.name, err, c.Skipped)
			}
			continue
		}
		if len(c.Skipped) != 1 || !strings.HasPrefix(c.Skipped[0].Reason, tt.reason) || c.Skipped[0].Path != tt.name {
			t.Errorf("Load(%s).Skipped = %q, want a reason starting %q", tt.name, c.Skipped, tt.reason)
		}
	}
}

func TestLoadPath(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "lighthouse.epub")
	if err := os.WriteFile(book, shortBook.epub(3, nil), 0o666); err != nil {
		t.Fatal(err)
	}
	c, err := LoadPath(book, Options{})
	if err != nil || len(c.Docs) != 1 || c.Docs[0].Title != "The Lighthouse Keeper" || c.Docs[0].Kind != KindEPUB {
		t.Fatalf("LoadPath(%s) = %v, %v; want one EPUB titled The Lighthouse Keeper", book, c, err)
	}
	scan := filepath.Join(dir, "scan.pdf")
	os.WriteFile(scan, testbook.PDF("<< >>", []string{"q Q\n"}, nil), 0o666)
	if _, err := LoadPath(scan, Options{}); err == nil || !strings.Contains(err.Error(), scan) || !strings.Contains(err.Error(), "this PDF has no text; it may be a scan") {
		t.Errorf("LoadPath(scan) error = %v, want the file and the reason", err)
	}
	other := filepath.Join(dir, "notes.docx")
	os.WriteFile(other, []byte("x"), 0o666)
	if _, err := LoadPath(other, Options{}); err == nil || !strings.Contains(err.Error(), "notes.docx") {
		t.Errorf("LoadPath(docx) error = %v, want the file named", err)
	}
	if c, err := LoadPath(dir, Options{}); err != nil || len(c.Docs) != 1 || len(c.Skipped) != 1 {
		t.Errorf("LoadPath(dir) = %v, %v; want one book and the scan skipped", c, err)
	}
}

// zipWith is a small zip with the given entries, for fuzz seeds.
func zipWith(files map[string]string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for k, v := range files {
		w, _ := z.Create(k)
		w.Write([]byte(v))
	}
	z.Close()
	return buf.Bytes()
}

// fixtureBooks are the files of testdata/books that the tests write
// (go test -run TestBookFixtures -update): the short book in every
// format, and hostile files. latin1.txt and cp1252.txt are written by hand.
func fixtureBooks() map[string][]byte {
	return map[string][]byte{
		"gutenberg.txt":          shortBook.gutenbergText(),
		"lighthouse.html":        shortBook.html(),
		"lighthouse2.epub":       shortBook.epub(2, nil),
		"lighthouse3.epub":       shortBook.epub(3, nil),
		"lighthouse.pdf":         shortBook.pdf(),
		"hostile/scan.pdf":       testbook.PDF("<< >>", []string{"q 612 0 0 792 0 0 cm /Im1 Do Q\n"}, bytes.Repeat([]byte{128}, 64)),
		"hostile/drm.epub":       shortBook.epub(3, map[string]string{"META-INF/encryption.xml": `<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><CipherData><CipherReference URI="OEBPS/text/ch01.xhtml"/></CipherData></EncryptedData></encryption>`}),
		"hostile/traversal.epub": zipWith(map[string]string{"../../evil.xhtml": "<p>x</p>"}),
		"hostile/truncated.epub": shortBook.epub(2, nil)[:1500],
	}
}

func TestBookFixtures(t *testing.T) {
	for name, data := range fixtureBooks() {
		file := filepath.Join("testdata", "books", name)
		if *update {
			os.MkdirAll(filepath.Dir(file), 0o777)
			if err := os.WriteFile(file, data, 0o666); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, data) && !strings.HasSuffix(name, ".epub") {
			t.Errorf("%s is not what the tests write (go test -run TestBookFixtures -update): %v", file, err)
		}
	}
	c, err := LoadDir(filepath.Join("testdata", "books"))
	if err != nil {
		t.Fatal(err)
	}
	checkCorpus(t, c)
	want := map[string]string{
		"hostile/scan.pdf":       "this PDF has no text; it may be a scan",
		"hostile/drm.epub":       "refused: the EPUB is protected with DRM",
		"hostile/traversal.epub": "refused: the EPUB archive has an unsafe entry name",
		"hostile/truncated.epub": "not a readable EPUB",
	}
	for _, s := range c.Skipped {
		if !strings.HasPrefix(s.Reason, want[s.Path]) || want[s.Path] == "" {
			t.Errorf("skipped %s: %s", s.Path, s.Reason)
		}
		delete(want, s.Path)
	}
	for p := range want {
		t.Errorf("%s was not skipped", p)
	}
}
