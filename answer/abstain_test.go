package answer_test

import (
	"context"
	"testing"
	"testing/fstest"

	"storybot/answer"
	"storybot/retrieval"
)

// TestUnknownWords checks the rule for questions that hinge on a word the
// corpus never uses: refused, unless the corpus uses a WordNet relative of
// the word (a paraphrase) or the word is a misspelling of one it uses.
func TestUnknownWords(t *testing.T) {
	c, err := retrieval.Load(fstest.MapFS{"a.txt": {Data: []byte(
		"The council sold the rights to the duke in 1418.\n\nThe town developed quickly after the war.\n\nThe duke purchased a horse in 1410.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(retrieval.NewIndex(c), answer.Options{})
	for _, tt := range []struct {
		q     string
		found bool
	}{
		{"Who bought the rights?", true},               // the corpus says "purchase" elsewhere: "buy" may be a paraphrase
		{"When did the town develp?", true},            // a misspelling of "developed"
		{"What is the population of the town?", false}, // nothing says
	} {
		a, err := eng.Answer(context.Background(), answer.Question{Text: tt.q, Mode: answer.ModeKeyword})
		if err != nil {
			t.Fatal(err)
		}
		if a.Found != tt.found {
			t.Errorf("Answer(%q).Found = %v, want %v; text %q", tt.q, a.Found, tt.found, a.Text)
		}
	}
}
