package answer_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"storybot/answer"
	"storybot/corpus"
	"storybot/retrieval"
)

// TestWidePassages checks that a book's first five passages take in the
// sentence before and after them from the paragraphs around, and the rest
// do not; that each paragraph's part of a passage is exact text; and that
// a passage's citation stays its hit's own sentences.
func TestWidePassages(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/wide.txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	text := ""
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		text += string(f.Data)
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p := retrieval.DefaultParams
	p.BookWords = 300 // the book is about 650 words: read it as a book
	ix := retrieval.NewIndexParams(c, p)
	if !ix.Book() {
		t.Fatal("the fixture does not read as a book")
	}
	eng := answer.New(ix, answer.Options{})
	ps, err := eng.Passages(context.Background(), answer.Question{Text: "Who lit the lantern at the gate of the town?"}, 6)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 6 {
		t.Fatalf("%d passages, want 6", len(ps))
	}
	for i, p := range ps {
		parts := strings.Split(p.Text, "\n\n")
		want := 3
		if i >= 5 {
			want = 1
		}
		if len(parts) != want {
			t.Errorf("passage %d has %d paragraphs, want %d:\n%s", i+1, len(parts), want, p.Text)
		}
		for _, part := range parts {
			if !strings.Contains(text, part) {
				t.Errorf("passage %d: %q is not the book's text", i+1, part)
			}
		}
		if !strings.HasPrefix(p.Cite.Text, "At the ") || !strings.Contains(p.Cite.Text, "lantern") || strings.Contains(p.Cite.Text, "valley") {
			t.Errorf("passage %d cites %q, want its lantern sentence alone", i+1, p.Cite.Text)
		}
	}
}
