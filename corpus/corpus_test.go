package corpus

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"storybot/seeds"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/corpus/*.txtar")

// dumpCorpus renders a corpus (or a load error) as the "want" sections of
// testdata/corpus/*.txtar do.
func dumpCorpus(c *Corpus, err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	if c == nil {
		return b.String()
	}
	for di, d := range c.Docs {
		fmt.Fprintf(&b, "doc %q title=%q path=%q paragraphs=%d\n", d.ID, d.Title, d.Path, d.ParagraphCount)
		for pi := d.FirstParagraph; pi < d.FirstParagraph+d.ParagraphCount; pi++ {
			p := c.Paragraphs[pi]
			if p.Doc != di {
				fmt.Fprintf(&b, "!! paragraph %d has Doc %d, want %d\n", pi, p.Doc, di)
			}
			fmt.Fprintf(&b, "¶%d %q section=%q\n", p.N, c.Ref(pi), p.Section)
			for si := p.FirstSentence; si < p.FirstSentence+p.SentenceCount; si++ {
				s := c.Sentences[si]
				fmt.Fprintf(&b, "  %s [%d:%d] %q\n", c.SentenceID(si), s.Start, s.End, s.Text)
			}
		}
	}
	for _, s := range c.Skipped {
		fmt.Fprintf(&b, "skip %q: %s\n", s.Path, s.Reason)
	}
	return b.String()
}

// checkCorpus checks that a corpus is consistent: ranges tile the slices,
// numbers count from 1, sentence offsets slice their paragraph.
func checkCorpus(t *testing.T, c *Corpus) {
	t.Helper()
	para, sent := 0, 0
	for di, d := range c.Docs {
		if d.FirstParagraph != para || d.ParagraphCount < 1 {
			t.Errorf("doc %d (%s): paragraphs [%d, +%d), want to start at %d and be non-empty", di, d.ID, d.FirstParagraph, d.ParagraphCount, para)
		}
		for n := 1; n <= d.ParagraphCount; n++ {
			p := c.Paragraphs[para]
			if p.Doc != di || p.N != n || p.FirstSentence != sent || p.SentenceCount < 1 {
				t.Errorf("paragraph %d = {Doc %d, N %d, FirstSentence %d, SentenceCount %d}, want {Doc %d, N %d, FirstSentence %d, >0}",
					para, p.Doc, p.N, p.FirstSentence, p.SentenceCount, di, n, sent)
			}
			for k := 1; k <= p.SentenceCount; k++ {
				s := c.Sentences[sent]
				if s.Para != para || s.N != k {
					t.Errorf("sentence %d = {Para %d, N %d}, want {Para %d, N %d}", sent, s.Para, s.N, para, k)
				}
				if s.Start < 0 || s.End > len(p.Text) || s.Start >= s.End || p.Text[s.Start:s.End] != s.Text {
					t.Errorf("sentence %s [%d:%d] does not slice %q out of its paragraph %q", c.SentenceID(sent), s.Start, s.End, s.Text, p.Text)
				}
				sent++
			}
			para++
		}
	}
	if para != len(c.Paragraphs) || sent != len(c.Sentences) {
		t.Errorf("docs cover %d paragraphs and %d sentences, corpus has %d and %d", para, sent, len(c.Paragraphs), len(c.Sentences))
	}
}

// fixtureFS materializes an archive's files, all but "want", as a file system.
func fixtureFS(a *txtar.Archive) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, f := range a.Files {
		if f.Name != "want" {
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	return fsys
}

// TestLoadFixtures loads each testdata/corpus/*.txtar as a corpus and
// compares its dump with the archive's "want" file. An archive whose
// comment has a line "bug: ..." documents a known bug and is skipped when
// it fails (and -update leaves it alone).
func TestLoadFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Load(fixtureFS(a))
			got := dumpCorpus(c, err)
			if c != nil {
				checkCorpus(t, c)
			}
			bug := ""
			for _, line := range strings.Split(string(a.Comment), "\n") {
				if b, ok := strings.CutPrefix(line, "bug: "); ok {
					bug = b
				}
			}
			if *update && bug == "" {
				for i := range a.Files {
					if a.Files[i].Name == "want" {
						a.Files[i].Data = []byte(got)
					}
				}
				if err := os.WriteFile(file, txtar.Format(a), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			var want string
			for _, f := range a.Files {
				if f.Name == "want" {
					want = string(f.Data)
				}
			}
			if got != want {
				if bug != "" {
					t.Logf("Load(%s):\n%s\nwant:\n%s", file, got, want)
					t.Skip("BUG: " + bug)
				}
				t.Errorf("Load(%s):\n%s\nwant:\n%s", file, got, want)
			}
		})
	}
}

// TestLoadBytes covers what a text fixture cannot hold: line ends, byte
// order marks and files that are not text.
func TestLoadBytes(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // paragraphs joined by " | ", or "skip: reason"
	}{
		{"crlf", "One line\r\nwrapped.\r\n\r\nTwo.\r\n", "One line wrapped. | Two."},
		{"cr", "One line\rwrapped.\r\rTwo.\r", "One line wrapped. | Two."},
		{"mixed", "One.\r\n\nTwo.\r\rThree.", "One. | Two. | Three."},
		{"bom", "\ufeffFirst.\n\nSecond.", "First. | Second."},
		{"bom-crlf", "\ufeffFirst.\r\n\r\nSecond.\r\n", "First. | Second."},
		{"tabs", "\tIndented\tby tabs.\n\n \t \nNext.", "Indented by tabs. | Next."},
		{"lines", "One line.\nAnother line.", "One line. | Another line."},
		{"lines-crlf", "One line.\r\nAnother line.", "One line. | Another line."},
		{"single-line", "Just one line.\n\n\n", "Just one line."},
		{"empty", "", "skip: empty"},
		{"whitespace", " \r\n\t\n", "skip: empty"},
		{"bom-only", "\ufeff", "skip: no text"},
		{"nul", "Text\x00with a NUL.", "skip: binary (contains NUL bytes)"},
		{"latin1", "Caf\xe9 cr\xe8me.", "Café crème."},
		{"latin1-final", "Caf\xe9", "Café"},
		{"cp1252", "\x93Caf\xe9,\x94 she said \x96 twice\x85", "“Café,” she said – twice…"},
		{"truncated-utf8", "Assad\xe2\x80", "Assad"},
		{"truncated-utf8-text", "Assad’s \xe2\x80", "Assad’s"},
		{"stray-bytes", "Assad’s forces, “red line” and \xff once.", "Assad’s forces, “red line” and � once."},
		{"utf16le", "\xff\xfeH\x00i\x00.\x00", "Hi."},
		{"utf16be", "\xfe\xff\x00H\x00i\x00.", "Hi."},
		{"controls", "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x80\x81", "skip: not text: not UTF-8, and not plainly Latin-1 or Windows-1252 either"},
		{"koi8", "\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2", "skip: not text: not UTF-8, and not plainly Latin-1 or Windows-1252 either"},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{
			tt.name + ".txt": {Data: []byte(tt.data)},
			"z-anchor.txt":   {Data: []byte("Anchor.")}, // keeps the corpus non-empty
		}
		c, err := Load(fsys)
		if err != nil {
			t.Errorf("Load(%q) error: %v", tt.data, err)
			continue
		}
		checkCorpus(t, c)
		var got string
		if len(c.Docs) == 2 {
			var paras []string
			d := c.Docs[0]
			for _, p := range c.Paragraphs[d.FirstParagraph : d.FirstParagraph+d.ParagraphCount] {
				paras = append(paras, p.Text)
			}
			got = strings.Join(paras, " | ")
			if c.Bytes != int64(len(tt.data)+len("Anchor.")) {
				t.Errorf("Load(%q).Bytes = %d, want %d", tt.data, c.Bytes, len(tt.data)+len("Anchor."))
			}
		} else if len(c.Skipped) == 1 {
			got = "skip: " + c.Skipped[0].Reason
			if c.Skipped[0].Path != tt.name+".txt" {
				t.Errorf("Load(%q).Skipped = %v, want path %s", tt.data, c.Skipped, tt.name+".txt")
			}
		} else {
			got = fmt.Sprintf("docs %d, skipped %v", len(c.Docs), c.Skipped)
		}
		if got != tt.want {
			t.Errorf("Load(%q) = %q, want %q", tt.data, got, tt.want)
		}
	}
}

func TestLoadEmpty(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"no files", fstest.MapFS{}},
		{"other extensions", fstest.MapFS{"a.json": {Data: []byte("{}")}, "b.png": {Data: []byte("\x89PNG")}}},
		{"only unusable", fstest.MapFS{"a.txt": {Data: []byte("  \n")}, "b.md": {Data: []byte("\x00\x01")}, "c.txt": {Data: []byte("\xff")}}},
		{"only hidden", fstest.MapFS{".hidden/a.txt": {Data: []byte("Text.")}}},
	}
	for _, tt := range tests {
		_, err := Load(tt.fsys)
		if !errors.Is(err, ErrEmptyCorpus) {
			t.Errorf("Load(%s) error = %v, want ErrEmptyCorpus", tt.name, err)
		}
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "story.txt"), []byte("It works."), 0o666); err != nil {
		t.Fatal(err)
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir(%s): %v", dir, err)
	}
	if len(c.Sentences) != 1 || c.SentenceID(0) != "sub/story/1/1" {
		t.Errorf("LoadDir(%s) = %q, want one sentence sub/story/1/1", dir, dumpCorpus(c, nil))
	}

	if _, err := LoadDir(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("LoadDir(missing) error = %v, want a wrapped ErrNotExist naming the folder", err)
	}
	if _, err := LoadDir(filepath.Join(dir, "sub", "story.txt")); err == nil {
		t.Errorf("LoadDir(file) error = nil, want not a directory")
	}
	empty := t.TempDir()
	if _, err := LoadDir(empty); !errors.Is(err, ErrEmptyCorpus) {
		t.Errorf("LoadDir(empty) error = %v, want ErrEmptyCorpus", err)
	}
}

// TestLoadStable checks that loading twice gives the same IDs and that a
// file's IDs do not depend on the other files.
func TestLoadStable(t *testing.T) {
	a := fstest.MapFS{"x.txt": {Data: []byte("One. Two.\n\nThree.")}, "y.txt": {Data: []byte("Four.")}}
	b := fstest.MapFS{"x.txt": a["x.txt"], "a.txt": {Data: []byte("Before.")}}
	ids := func(fsys fstest.MapFS) map[string]string {
		c, err := Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, s := range c.Sentences {
			m[s.Text] = c.SentenceID(i)
		}
		return m
	}
	first, again, other := ids(a), ids(a), ids(b)
	for text, id := range first {
		if again[text] != id {
			t.Errorf("second load: %q has ID %s, want %s", text, again[text], id)
		}
		if o, ok := other[text]; ok && o != id {
			t.Errorf("with other files: %q has ID %s, want %s", text, o, id)
		}
	}
	if first["Three."] != "x/2/1" {
		t.Errorf("ID of %q = %s, want x/2/1", "Three.", first["Three."])
	}
}

func TestLoadSeeds(t *testing.T) {
	c, err := Load(seeds.FS)
	if err != nil {
		t.Fatalf("Load(seeds.FS): %v", err)
	}
	checkCorpus(t, c)
	if len(c.Docs) != 1 || c.Docs[0].Title != "Macron and Putin at Versailles" {
		t.Fatalf("story docs = %v, want one titled Macron and Putin at Versailles", c.Docs)
	}
	var all bytes.Buffer
	for _, s := range c.Sentences {
		all.WriteString(s.Text + "\n")
	}
	for _, want := range []string{
		"French President Emmanuel Macron recently met with Russian President Vladimir Putin in the palace of Versailles.\n",
		"This was the first official attack launched by the U.S. against Assad’s forces.\n",
		"He said that such cooperation must involve a discussion among all interested parties within a “diplomatic and political framework.”\n",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("story sentences lack %q", want)
		}
	}
	if got := len(c.Sentences); got != 18 {
		t.Errorf("story has %d sentences, want 18", got)
	}
}
