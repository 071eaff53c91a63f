package answer_test

import (
	"context"
	"strings"
	"testing"

	"storybot/answer"
)

// TestClosestPassages checks a refusal's closest passages, in a book and
// in an article alike: each is its sentence with the whole sentences
// after it in its paragraph, then those before it when the paragraph ends
// first, until it holds 60 words; its Focus is where its sentence starts;
// it never leaves its paragraph, and no two share a sentence.
func TestClosestPassages(t *testing.T) {
	count := func(s string) int { return strings.Count(s, ". ") } // the sentences ended in s

	tests := []struct {
		question string
		book     bool
		// check is called on each closest passage and the text from its
		// focus on.
		check func(i int, c answer.Citation, focused string) string
	}{
		{"Who lit the lantern at the gate?", true, func(i int, c answer.Citation, focused string) string {
			if c.Focus != 0 || count(c.Text) != 5 || !strings.Contains(focused, "gate the lantern was lit.") {
				return "want a lantern sentence and the five after it"
			}
			return ""
		}},
		{"Why was the lantern lit?", true, func(i int, c answer.Citation, focused string) string {
			if i == 0 && (!strings.HasPrefix(focused, "At the mill the lantern was lit. At the mill the lantern burned") || count(c.Text[:c.Focus]) != 4) {
				return "want the mill's two lantern sentences, the one after and four before"
			}
			return ""
		}},
		{"What colour was the lamp?", true, func(i int, c answer.Citation, focused string) string {
			if i == 0 && c.Text != "\"Is the lamp in the loft burning yet?\" asked the carter." {
				return "want its line of dialogue alone, its whole paragraph"
			}
			return ""
		}},
		{"What colour was the lantern?", false, func(i int, c answer.Citation, focused string) string {
			if !strings.HasPrefix(focused, "At the ") || !strings.Contains(focused, "lantern") {
				return "want a passage from its lantern sentence"
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
			if !strings.Contains(text, c.Text) || strings.Contains(c.Text, "\n") {
				t.Errorf("%q: passage %d %q is not the text of one paragraph", tt.question, i+1, c.Text)
			}
			if c.Focus < 0 || c.Focus >= len(c.Text) {
				t.Fatalf("%q: passage %d's focus %d is outside its text %q", tt.question, i+1, c.Focus, c.Text)
			}
			for _, s := range strings.SplitAfter(c.Text, ". ") {
				key := c.Ref + " " + strings.TrimSpace(s) // the filler sentences stand in every paragraph
				if n, ok := seen[key]; ok {
					t.Errorf("%q: passages %d and %d both hold %q", tt.question, n, i+1, key)
				}
				seen[key] = i + 1
			}
			if words := len(strings.Fields(c.Text)); !strings.HasPrefix(c.Text, "\"") && (words < 60 || words > 75) {
				t.Errorf("%q: passage %d holds %d words, want 60 to 75: %q", tt.question, i+1, words, c.Text)
			}
			if msg := tt.check(i, c, c.Text[c.Focus:]); msg != "" {
				t.Errorf("%q (book %v): passage %d = %q (focus %d): %s", tt.question, tt.book, i+1, c.Text, c.Focus, msg)
			}
		}
	}
}
