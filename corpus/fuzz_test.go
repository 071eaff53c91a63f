package corpus

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
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
