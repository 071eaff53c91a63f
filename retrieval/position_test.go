package retrieval

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"storybot/corpus"
)

func TestPositionCue(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want Position
		cue  string // the words not searched for
	}{
		{"What kind of creature does Gregor turn into at the start of the story?", PositionStart, "at the start of the story?"},
		{"What became of Kitty at the end of the novel?", PositionEnd, "at the end of the novel?"},
		{"Who stabbed Dracula through the heart at the end?", PositionEnd, "at the end?"},
		{"Who wins in the end", PositionEnd, "in the end"},
		{"What happens at the very beginning of this book ?", PositionStart, "at the very beginning of this book ?"},
		{"Who is At The End Of The Book?", PositionEnd, "At The End Of The Book?"},
		// Traps: the end of something else, or not at the end of the question.
		{"What happened at the end of the war?", PositionNone, ""},
		{"Who was at the start line?", PositionNone, ""},
		{"At the end, who wins?", PositionNone, ""},
		{"Why did the story end?", PositionNone, ""},
	} {
		got, at := positionCue(tt.q)
		if got != tt.want || tt.q[at:] != tt.cue {
			t.Errorf("positionCue(%q) = %d, %q; want %d, %q", tt.q, got, tt.q[at:], tt.want, tt.cue)
		}
	}
}

// TestPositionSearch checks that in a book a question pointing to its
// start or its end prefers the sentences there, and that the pointer's
// words are not searched for.
func TestPositionSearch(t *testing.T) {
	var b strings.Builder
	colours := []string{"red", "blue", "green", "grey", "white", "black", "brown", "pink"}
	for i := range 80 {
		fmt.Fprintf(&b, "On day %d Tom found a %s stone by the road.\n\n", i+1, colours[i%len(colours)])
		if i == 40 {
			b.WriteString("The end of the road was far.\n\n")
		}
	}
	c, err := corpus.Load(fstest.MapFS{"tom.txt": &fstest.MapFile{Data: []byte(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	ix.long = 1 // read it as a book
	// The book's 81 sentences: its first and last 5% are days 1–5 and
	// 77–80 (the sentence about the road's end is in the middle).
	for _, tt := range []struct {
		q        string
		from, to int
	}{
		{"What did Tom find by the road at the start?", 1, 5},
		{"What did Tom find by the road at the end of the book?", 77, 80},
		{"What did Tom find by the road in the end?", 77, 80},
	} {
		res := ix.Search(Query{Text: tt.q, Limit: 3})
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no hits", tt.q)
		}
		var day int
		got := c.Sentences[res.Hits[0].Sentence].Text
		if _, err := fmt.Sscanf(got, "On day %d", &day); err != nil || day < tt.from || day > tt.to {
			t.Errorf("%q: best %q, want one of days %d–%d", tt.q, got, tt.from, tt.to)
		}
		for _, qt := range res.Terms {
			if qt.Term == "end" || qt.Term == "start" || qt.Term == "book" {
				t.Errorf("%q: the pointer's word %q is searched for", tt.q, qt.Term)
			}
		}
	}
	// In an article (not a book) the words stay and nothing is preferred.
	ix.long = 0
	res := ix.Search(Query{Text: "What did Tom find by the road at the end?", Limit: 3})
	if res.Position != PositionNone {
		t.Errorf("an article's question points to %d", res.Position)
	}
}
