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

// TestGoldenBook answers questions about the small book of
// testdata/book.txtar as a book: its pronouns, first person and answer
// types, and refusals of what it does not say.
func TestGoldenBook(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/book.txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	var lines []string
	for _, f := range ar.Files {
		if f.Name == "questions" {
			lines = strings.Split(strings.TrimSpace(string(f.Data)), "\n")
			continue
		}
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p := retrieval.DefaultParams
	p.BookWords = 300 // the book is about 450 words: read it as a book
	eng := answer.New(retrieval.NewIndexParams(c, p), answer.Options{})
	for _, line := range lines {
		f := strings.Split(line, "|")
		if len(f) != 4 {
			t.Fatalf("bad question line %q", line)
		}
		q, found, cites, holds := strings.TrimSpace(f[0]), strings.TrimSpace(f[1]) == "true", strings.TrimSpace(f[2]), strings.TrimSpace(f[3])
		a, err := eng.Answer(context.Background(), answer.Question{Text: q, Mode: answer.ModeKeyword})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if a.Found != found {
			t.Errorf("%q: found = %v, want %v (answer %q, confidence %.3f)", q, a.Found, found, a.Text, a.Confidence)
			continue
		}
		if !found {
			if !strings.Contains(a.Text, "doesn't say") {
				t.Errorf("%q: not-found text %q", q, a.Text)
			}
			// An open question in a book names no short answer: the
			// passage that would have answered it comes first.
			if shown := a.Shown(); cites != "" && (len(shown) == 0 || !strings.Contains(shown[0].Text, cites)) {
				t.Errorf("%q: closest passages %+v, want the first holding %q", q, shown, cites)
			}
			continue
		}
		if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Text, cites) {
			t.Errorf("%q: first citation %+v, want one holding %q", q, a.Citations, cites)
		}
		if !strings.Contains(a.Span, holds) {
			t.Errorf("%q: short answer %q, want one holding %q (%s)", q, a.Span, holds, a.Text)
		}
	}
}
