package answer_test

import (
	"context"
	"strings"
	"testing"

	"storybot/answer"
)

// TestClosestPassages checks a refusal's closest passages: in a book each
// is its sentence with the whole sentences around it in its paragraph,
// the one before first, until it holds 60 words, and no two share a
// sentence; in an article each is its sentence alone.
func TestClosestPassages(t *testing.T) {
	tests := []struct {
		question string
		book     bool
		first    string // the first passage's hit
		both     bool   // the first passage holds the mill's two lantern sentences
	}{
		{"Who lit the lantern at the gate?", true, "gate the lantern was lit", false},
		{"Why was the lantern lit?", true, "At the mill the lantern was lit.", true},
		{"What colour was the lantern?", false, "lantern", false},
	}
	for _, tt := range tests {
		eng, text := fixture(t, "closest.txtar", tt.book, answer.Options{})
		if got := eng.Index().Book(); got != tt.book {
			t.Fatalf("the fixture reads as a book: %v, want %v", got, tt.book)
		}
		a, err := eng.Answer(context.Background(), answer.Question{Text: tt.question})
		if err != nil {
			t.Fatal(err)
		}
		if a.Found || len(a.Related) != 3 {
			t.Fatalf("%q (book %v): found %v with %d closest passages, want a refusal with 3", tt.question, tt.book, a.Found, len(a.Related))
		}
		if !strings.Contains(a.Related[0].Text, tt.first) {
			t.Errorf("%q (book %v): the first passage %q does not hold %q", tt.question, tt.book, a.Related[0].Text, tt.first)
		}
		seen := map[string]int{}
		for i, c := range a.Related {
			if !strings.Contains(text, c.Text) || strings.Contains(c.Text, "\n") {
				t.Errorf("passage %d %q is not the text of one paragraph", i+1, c.Text)
			}
			sents := strings.SplitAfter(c.Text, ". ")
			lantern := -1
			for k, s := range sents {
				s = strings.TrimSpace(s)
				key := c.Ref + " " + s // the filler sentences stand in every paragraph
				if n, ok := seen[key]; ok {
					t.Errorf("passages %d and %d both hold %q", n, i+1, key)
				}
				seen[key] = i + 1
				if lantern < 0 && strings.Contains(s, "lantern") {
					lantern = k
				}
			}
			words := len(strings.Fields(c.Text))
			switch {
			case !tt.book && (len(sents) != 1 || lantern != 0):
				t.Errorf("article passage %d = %q, want its lantern sentence alone", i+1, c.Text)
			case tt.book && (words < 60 || words > 75):
				t.Errorf("book passage %d holds %d words, want 60 to 75: %q", i+1, words, c.Text)
			case tt.book && lantern != 3 && !(tt.both && i == 0):
				// 8 words, then 10 before, after, before, after, before.
				t.Errorf("book passage %d = %q, want three sentences before its lantern sentence", i+1, c.Text)
			}
		}
		mill := strings.Count(a.Related[0].Text, "At the mill the lantern")
		if tt.both && mill != 2 {
			t.Errorf("the first passage %q does not hold both of the mill's lantern sentences", a.Related[0].Text)
		}
	}
}
