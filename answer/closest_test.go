package answer_test

import (
	"context"
	"strings"
	"testing"

	"storybot/answer"
)

// TestClosestPassages checks a refusal's closest passages: in a book each
// is its sentence with the whole sentences around it, the one before
// first, until it holds 60 words, across paragraphs but not chapters, and
// no two share a sentence; in an article each is its sentence alone.
func TestClosestPassages(t *testing.T) {
	const dialogue = "\"Is the lamp in the loft burning yet?\" asked the carter."
	tests := []struct {
		question string
		book     bool
		// check is called on each closest passage, split into its
		// paragraphs' parts.
		check func(i int, parts []string) string
	}{
		{"Who lit the lantern at the gate?", true, func(i int, parts []string) string {
			// Its lantern sentence (8 words), then 10 before, after,
			// before, after, before: three sentences before it, 62
			// words, in its paragraph.
			sents := strings.SplitAfter(parts[0], ". ")
			if len(parts) != 1 || len(sents) != 6 || !strings.Contains(sents[3], "gate the lantern was lit") {
				return "want a lantern sentence with three sentences before it and two after, in its paragraph"
			}
			return ""
		}},
		{"Why was the lantern lit?", true, func(i int, parts []string) string {
			if i == 0 && strings.Count(parts[0], "At the mill the lantern") != 2 {
				return "want the mill's two lantern sentences in one passage"
			}
			return ""
		}},
		{"What colour was the lamp?", true, func(i int, parts []string) string {
			// Chapter II is seven lines, 59 words: all of it, none of
			// chapter I.
			if i == 0 && (len(parts) != 7 || parts[0] != dialogue) {
				return "want the seven lines of chapter II, from its first"
			}
			return ""
		}},
		{"What colour was the lantern?", false, func(i int, parts []string) string {
			if len(parts) != 1 || len(strings.SplitAfter(parts[0], ". ")) != 1 || !strings.Contains(parts[0], "lantern") {
				return "want its lantern sentence alone"
			}
			return ""
		}},
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
		if a.Found || len(a.Related) == 0 {
			t.Fatalf("%q (book %v): found %v with %d closest passages, want a refusal with some", tt.question, tt.book, a.Found, len(a.Related))
		}
		seen := map[string]int{}
		for i, c := range a.Related {
			parts := strings.Split(c.Text, "\n\n")
			for _, part := range parts {
				if !strings.Contains(text, part) {
					t.Errorf("%q: passage %d's %q is not the book's text", tt.question, i+1, part)
				}
				for _, s := range strings.SplitAfter(part, ". ") {
					key := c.Ref + " " + strings.TrimSpace(s) // the filler sentences stand in every paragraph
					if n, ok := seen[key]; ok {
						t.Errorf("%q: passages %d and %d both hold %q", tt.question, n, i+1, key)
					}
					seen[key] = i + 1
				}
			}
			if words := len(strings.Fields(c.Text)); tt.book && (words < 59 || words > 75) {
				t.Errorf("%q: passage %d holds %d words, want 59 to 75: %q", tt.question, i+1, words, c.Text)
			}
			if msg := tt.check(i, parts); msg != "" {
				t.Errorf("%q (book %v): passage %d = %q: %s", tt.question, tt.book, i+1, c.Text, msg)
			}
		}
	}
}
