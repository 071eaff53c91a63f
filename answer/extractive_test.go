package answer_test

import (
	"context"
	"testing"
	"testing/fstest"

	"storybot/answer"
	"storybot/corpus"
	"storybot/retrieval"
)

// TestUnknownWords checks the rule for questions that hinge on a word the
// corpus never uses: refused, unless the corpus uses a WordNet relative of
// the word (a paraphrase) or the word is a misspelling of one it uses.
// Whether a question the rule lets through is answered is then the
// confidence's to say; here the rule is checked alone.
func TestUnknownWords(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte(
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
		as, err := eng.Assess(context.Background(), answer.Question{Text: tt.q, Mode: answer.ModeKeyword})
		if err != nil {
			t.Fatal(err)
		}
		if ruled := as.Signals.RuledOut(); ruled == tt.found {
			t.Errorf("Assess(%q): ruled out = %v, want %v; signals %+v", tt.q, ruled, !tt.found, as.Signals)
		}
	}
}

// TestNextLeads checks that a best sentence covering little of an untyped
// question, completed by the next sentence, cites that next sentence first,
// and that it does not when the rule is off.
func TestNextLeads(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte(
		"Early steam engines wasted much of their heat in the cylinder. Watt solved this with a separate condenser.\n\n" +
			"The factory owners bought many engines.\n\nBoulton sold engines to mines in Cornwall.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	const (
		q     = "How did James Watt solve the wasted heat of steam engines?"
		best  = "Early steam engines wasted much of their heat in the cylinder."
		after = "Watt solved this with a separate condenser."
	)
	eng := answer.New(retrieval.NewIndex(c), answer.Options{})
	for _, tt := range []struct {
		nextLeads float64
		first     string
	}{
		{answer.DefaultThresholds.NextLeads, after},
		{0, best},
	} {
		th := answer.DefaultThresholds
		th.NextLeads = tt.nextLeads
		eng.SetThresholds(th)
		a, err := eng.Answer(context.Background(), answer.Question{Text: q, Mode: answer.ModeKeyword})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Citations) < 2 || a.Citations[0].Text != tt.first || !a.Found {
			t.Errorf("NextLeads %v: citations %+v, want %q first and both sentences cited", tt.nextLeads, a.Citations, tt.first)
		}
	}
}

// TestPredicateFallback checks that a close runner-up holding the verb a
// question asks about replaces a best sentence without it only for verbs of
// naming or saying ("What did Macron call …?", in the golden story
// questions), not for any verb ("go").
func TestPredicateFallback(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte(
		"In 1870, Tesla moved to Karlovac to attend school.\n\nIn 1878, Tesla went to Maribor, where he worked as a draftsman.\n\n" +
			"The minister spoke of the attack as a crime.\n\nThe minister called the attack on Tuesday.\n\n" +
			"The weather was cold that year.\n\nMany people went to see the inventor. The crowd went home late.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	ix := retrieval.NewIndex(c)
	const q = "When did Tesla go to Karlovac?"
	res := ix.Search(retrieval.Query{Text: q})
	if len(res.Hits) < 2 || res.Hits[1].Score < answer.DefaultThresholds.PredicateFallback*res.Hits[0].Score {
		t.Fatalf("the runner-up is not close enough to test the fallback: %+v", res.Hits)
	}
	a, err := answer.New(ix, answer.Options{}).Answer(context.Background(), answer.Question{Text: q, Mode: answer.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	if want := "In 1870, Tesla moved to Karlovac to attend school."; len(a.Citations) == 0 || a.Citations[0].Text != want {
		t.Errorf("Answer(%q) cites %+v first, want %q", q, a.Citations, want)
	}
}
