package answer_test

import (
	"context"
	"strings"
	"testing"

	"storybot/answer"
)

// lanternPassages are the passages of a fixture's question about its
// lantern sentences, each paragraph's part checked to be the book's text
// and each citation its lantern sentence's paragraph part.
func lanternPassages(t *testing.T, name string, n int) []answer.Passage {
	t.Helper()
	eng, text := fixtureBook(t, name, answer.Options{})
	if !eng.Index().Book() {
		t.Fatalf("%s does not read as a book", name)
	}
	ps, err := eng.Passages(context.Background(), answer.Question{Text: "Who lit the lantern at the gate?"}, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != n {
		t.Fatalf("%d passages, want %d", len(ps), n)
	}
	for i, p := range ps {
		for _, part := range strings.Split(p.Text, "\n\n") {
			if !strings.Contains(text, part) {
				t.Errorf("passage %d: %q is not the book's text", i+1, part)
			}
		}
		if !strings.Contains(p.Cite.Text, "At the ") || !strings.Contains(p.Cite.Text, "lantern") {
			t.Errorf("passage %d cites %q, not its lantern sentence", i+1, p.Cite.Text)
		}
	}
	return ps
}

// TestWidePassages checks that a book's first five passages take in the
// sentence before and after them from the paragraphs around, and the rest
// do not, and that a citation stays its hit's own sentences.
func TestWidePassages(t *testing.T) {
	for i, p := range lanternPassages(t, "wide.txtar", 6) {
		want := 3
		if i >= 5 {
			want = 1
		}
		if got := len(strings.Split(p.Text, "\n\n")); got != want {
			t.Errorf("passage %d has %d paragraphs, want %d:\n%s", i+1, got, want, p.Text)
		}
		if strings.Contains(p.Cite.Text, "valley") {
			t.Errorf("passage %d cites %q, more than its lantern sentence", i+1, p.Cite.Text)
		}
	}
}

// TestTailPassages checks that a book's passages after the first five
// keep at most 50 words of their hit's paragraph, dropping the longer
// neighbour first, and that the first five do not.
func TestTailPassages(t *testing.T) {
	const last = "The harvest that autumn"
	for i, p := range lanternPassages(t, "tail.txtar", 7) {
		words := len(strings.Fields(p.Text))
		switch {
		case i < 5 && words <= 50:
			t.Errorf("passage %d holds %d words, want the widened paragraph:\n%s", i+1, words, p.Text)
		case i >= 5 && (!strings.HasPrefix(p.Text, "At the ") || !strings.Contains(p.Text, last) || words > 50):
			t.Errorf("passage %d = %q, want its lantern sentence and the one after it, 50 words at most", i+1, p.Text)
		}
	}
}
