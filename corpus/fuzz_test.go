package corpus

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"storybot/internal/testbook"
)

var fuzzSeeds = []string{
	"",
	"One. Two? Three!",
	"Mr. Smith met Dr. Jones... Then he left. “Why?” he asked.",
	"within a “diplomatic and political framework.” On the other hand.",
	"J. R. R. Tolkien paid 3.5 dollars in the U.S. No. 5 etc. e.g. X.",
	"Assad’s forces, the parties' views, far-right 1,000.5 ﬁ ＡＢＣ",
	"(He left.) [Note.] 'Yes.' \"Go.\" »Non.« …",
	"\ufeffLine\r\nwrapped\r\rnext\n\n\n# Heading\n## Section\ntext",
	"İstanbul ΣΊΣΥΦΟΣ ǅ Cafe\u0301 \u0301\u2019s",
	"\xff\xfe broken \xe2\x80 utf-8.",
	". . . ! ? ” ’ ) ]",
}

func FuzzSplitSentences(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkSpans(t, text)
	})
}

// FuzzLoad loads random bytes as files: Load must not panic and must return
// either an error or a consistent corpus.
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add("story.txt", []byte(s), []byte("Second file.\n\nTwo paragraphs."))
	}
	f.Add("notes/a.md", []byte("# Title\n\n## S\nText."), []byte{0, 1, 2})
	f.Add(".hidden/x.txt", []byte("Hidden."), []byte("\xff"))
	f.Fuzz(func(t *testing.T, name string, a, b []byte) {
		if !fsValidPath(name) {
			return
		}
		fsys := fstest.MapFS{name: {Data: a}, "zz/b.txt": {Data: b}}
		c, err := Load(fsys)
		if err != nil {
			if !errors.Is(err, ErrEmptyCorpus) {
				t.Fatalf("Load(%q: %q, b.txt: %q) error = %v, want nil or ErrEmptyCorpus", name, a, b, err)
			}
			if c != nil && len(c.Sentences) != 0 {
				t.Fatalf("Load returned ErrEmptyCorpus with %d sentences", len(c.Sentences))
			}
			return
		}
		checkCorpus(t, c)
		var size int64
		for _, d := range c.Docs {
			size += int64(len(fsys[d.Path].Data))
			if d.Title == "" || d.ID == "" {
				t.Errorf("doc %+v: empty title or ID", d)
			}
		}
		if c.Bytes != size {
			t.Errorf("Load.Bytes = %d, want %d, the size of the loaded files", c.Bytes, size)
		}
		for i := range c.Paragraphs {
			_ = c.Ref(i)
		}
	})
}

// fsValidPath reports a path MapFS can hold as a file beside "zz/b.txt".
func fsValidPath(name string) bool {
	return name != "" && name != "." && !strings.HasPrefix(name, "zz") && utf8.ValidString(name) &&
		!strings.ContainsAny(name, "\\\x00") && !strings.HasSuffix(name, "/") &&
		!strings.Contains("/"+name+"/", "/./") && !strings.Contains("/"+name+"/", "/../") && !strings.Contains(name, "//") &&
		!strings.HasPrefix(name, "/")
}

// fuzzReader runs a reader on random bytes, without the loader's recover,
// and checks the corpus built from what it read: no panic, consistent
// ranges, a reference for every paragraph and no reference twice.
func fuzzReader(t *testing.T, name string, data []byte) {
	format := readerFor(name)
	opt := Options{MaxFileBytes: 1 << 20, MaxUnpackedBytes: 4 << 20, MaxEntries: 100}.withDefaults()
	if format.text {
		text, _, reason := decodeText(data)
		if reason != "" {
			return
		}
		data = []byte(text)
	}
	d, err := format.read(data, opt)
	if err != nil {
		if err.Error() == "" {
			t.Fatalf("%s: an error with no reason", name)
		}
		return
	}
	f := structure(d)
	if len(f.paras) == 0 {
		return
	}
	f.title = "T"
	c := &Corpus{}
	c.add("doc", name, f)
	checkCorpus(t, c)
	seen := map[string]bool{}
	for i := range c.Paragraphs {
		r := c.Ref(i)
		if seen[r] {
			t.Fatalf("%s: Ref %q repeats", name, r)
		}
		seen[r] = true
	}
	for i, ch := range c.Docs[0].Chapters {
		if ch.Label == "" || ch.Parent >= i {
			t.Fatalf("%s: chapter %d = %+v: no label, or a parent after it", name, i, ch)
		}
	}
}

func FuzzReadText(f *testing.F) {
	f.Add(shortBook.gutenbergText())
	f.Add([]byte("Intro.\n\nII\n\nTwo.\n\nIII\n\nThree.\n\nPART ONE\n\nCHAPTER 1\nThe Title\n\nText.\n\nCHAPTER 1\n\nAgain."))
	f.Add([]byte("CHAPTER I. One\nCHAPTER II. Two\n\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\nProduced by Y\n\nBody.\n*** END OF THE PROJECT GUTENBERG EBOOK X ***"))
	f.Add([]byte("Caf\xe9 \x93cr\xe8me\x94.\n\nEPILOGUE\n\nEnd."))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, "book.txt", data) })
}

func FuzzReadMarkdown(f *testing.F) {
	f.Add([]byte("# Title\n\n## Chapter 1\n\nText.\n\n### Scene\n\nMore.\n\n## Chapter 1\n\nAgain."))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, "book.md", data) })
}

func FuzzReadHTML(f *testing.F) {
	f.Add(shortBook.html())
	f.Add([]byte(`<html><head><title>The Project Gutenberg eBook of X, by Y</title><script/>text</head><body><h1>X</h1><h2>CHAPTER I</h2><h3>Name</h3><p>Text <a href="#n">1</a>.</p><pre>a

b</pre><svg><title>no</title></svg><div id="pg-footer"><div>licence</div></div></body></html>`))
	f.Add([]byte(strings.Repeat("<div>", 1000) + "deep" + strings.Repeat("</div>", 999)))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, "book.html", data) })
}

func FuzzReadEPUB(f *testing.F) {
	f.Add(shortBook.epub(2, nil))
	f.Add(shortBook.epub(3, nil))
	f.Add(zipWith(map[string]string{"META-INF/container.xml": `<container><rootfiles><rootfile full-path="a.opf"/></rootfiles></container>`,
		"a.opf":  `<package><metadata><title>T</title></metadata><manifest><item id="x" href="x.html" media-type="text/html"/></manifest><spine><itemref idref="x"/></spine></package>`,
		"x.html": "<h1>One</h1><p>Text.</p>"}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, "book.epub", data) })
}

func FuzzReadPDF(f *testing.F) {
	f.Add(shortBook.pdf())
	f.Add(testbook.PDF("<< /Title (T) >>", []string{"BT /F1 20 Tf 72 700 Td (CHAPTER I) Tj ET BT /F1 10 Tf 72 680 Td (Text here.) Tj ET\n"}, nil))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, "book.pdf", data) })
}
