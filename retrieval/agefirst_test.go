package retrieval

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"storybot/corpus"
)

// TestStatedAge checks which ages read as someone's age by the words
// around them.
func TestStatedAge(t *testing.T) {
	for _, tt := range []struct {
		text, age string
		want      bool
	}{
		{"He was a tall, heavy-looking young man of five-and-twenty.", "five-and-twenty", true},
		{"She was still a child of seventeen, her life up till then had been very enviable.", "seventeen", true},
		{`"I am not one-and-twenty."`, "one-and-twenty", true},
		{"She was then but fifteen, which must be her excuse.", "fifteen", true},
		{"The eldest of them, a sensible, intelligent young woman, about twenty-seven, was her friend.", "twenty-seven", true},
		{"for she was of the age of twelve years.", "twelve", true},
		{"One day when she was two years old she was playing in a garden.", "two years old", true},
		{"Colonel Fitzwilliam, who led the way, was about thirty, not handsome.", "thirty", true},
		{"The total was about thirty pounds.", "thirty", false},
		{"They walked for thirty minutes.", "thirty", false},
		{"There were fifteen of them at dinner.", "fifteen", false},
	} {
		i := strings.Index(tt.text, tt.age)
		if got := statedAge(tt.text, Span{i, i + len(tt.age)}); got != tt.want {
			t.Errorf("statedAge(%q, %q) = %v, want %v", tt.text, tt.age, got, tt.want)
		}
	}
}

// TestAgesFirst checks that an age question in a book is answered first by
// the sentence that states the age of the one it names, however many
// sentences name that person with the question's other words; and that
// in an article, or for another question, nothing moves.
func TestAgesFirst(t *testing.T) {
	var b strings.Builder
	for ch := 1; ch <= 4; ch++ {
		fmt.Fprintf(&b, "CHAPTER %d\n\n", ch)
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&b, "Grete played the violin for her old father in the evening. The old clerk came at %d and said, \"You must go.\"\n\n", i%12+1)
		}
		if ch == 3 {
			b.WriteString("Grete sat by the window. Would his sister have to go and earn money? She was still a child of seventeen, and she loved music.\n\n")
			b.WriteString("The clerk was a man of fifty, and he was always in a hurry.\n\n")
		}
	}
	c, err := corpus.Load(fstest.MapFS{"book.txt": {Data: []byte(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	if !ix.Book() {
		t.Fatal("the fixture does not read as a book")
	}
	first := func(q string) string {
		res := ix.Search(Query{Text: q, Limit: 5})
		if len(res.Closest) == 0 {
			return ""
		}
		return c.Sentences[res.Closest[0].Sentence].Text
	}
	if got := first("How old is Grete?"); !strings.Contains(got, "child of seventeen") {
		t.Errorf("How old is Grete? first = %q, want the sentence of her age", got)
	}
	if got := first("How old is the clerk?"); !strings.Contains(got, "man of fifty") {
		t.Errorf("How old is the clerk? first = %q, want the sentence of his age", got)
	}
	if got := first("Who played the violin for her old father?"); strings.Contains(got, "seventeen") {
		t.Errorf("a question of another kind: first = %q", got)
	}
	// A reader who has not reached the sentence is not shown it.
	age := -1
	for i, s := range c.Sentences {
		if strings.Contains(s.Text, "child of seventeen") {
			age = i
		}
	}
	res := ix.Search(Query{Text: "How old is Grete?", Limit: 5, Before: age})
	for _, h := range res.Closest {
		if h.Sentence >= age {
			t.Errorf("reading up to sentence %d, How old is Grete? shows sentence %d", age, h.Sentence)
		}
	}
	// No sentence states the age of one the question names: the ranking
	// stands.
	if got := first("How old is Mina?"); strings.Contains(got, "seventeen") || strings.Contains(got, "fifty") {
		t.Errorf("How old is Mina? first = %q", got)
	}
}
