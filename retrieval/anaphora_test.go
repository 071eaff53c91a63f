package retrieval

import (
	"testing"
	"testing/fstest"

	"storybot/corpus"
)

func TestAnaphoric(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"Macron called this a “red line,” one that would merit a French response.", anaphorStrong},
		{"This was the first official attack launched by the U.S.", anaphorStrong},
		{"Such use, he stated, would warrant an “immediate response.”", anaphorWeak},
		{"He spoke of the country as a failed state.", anaphorWeak},
		{"Parachutes were carried to slow its descent.", anaphorWeak},
		{"That France would respond was clear.", anaphorNone},
		{"Macron warned Putin that France would respond.", anaphorNone},
		{"THIS IS loud.", anaphorStrong},
		{"", anaphorNone},
	}
	for _, tt := range tests {
		if got := anaphoric(tt.s); got != tt.want {
			t.Errorf("anaphoric(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestPredicateAt(t *testing.T) {
	tests := []struct {
		q, want string // want is the verb, or "" for none
	}{
		{"What did Macron call the use of chemical weapons in Syria?", "call"},
		{"How did Macron describe Syria?", "describe"},
		{"What gas did the Assad regime deploy?", ""}, // subject not capitalized
		{"What did the United States launch?", ""},
		{"Where did Putin invite Marine Le Pen?", "invite"},
		{"Who blamed Russia for a hybrid strategy?", ""},
		{"What is the capital of Australia?", ""},
		{"How long did the presidents talk?", ""},
	}
	for _, tt := range tests {
		got := ""
		if i := predicateAt(tt.q, analyze(tt.q, nil, nil)); i >= 0 {
			got = tt.q[i : i+len(tt.want)]
			if tt.want == "" {
				got = tt.q[i:]
			}
		}
		if got != tt.want {
			t.Errorf("predicateAt(%q) points at %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestSynonymsSkipNames: a synonym matches the common word ("stated" for
// "say") but not the same word inside a name ("Islamic State").
func TestSynonymsSkipNames(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"s.txt": {Data: []byte("Reports about the Islamic State grew.\nThe minister stated the plan.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	hits := ix.Search(Query{Text: "What did the minister say about the plan?"}).Hits
	for _, h := range hits {
		if c.Sentences[h.Sentence].N == 1 && c.Paragraphs[c.Sentences[h.Sentence].Para].N == 1 {
			t.Errorf("the name %q matched a synonym of say", c.Sentences[h.Sentence].Text)
		}
	}
	if len(hits) == 0 || c.Sentences[hits[0].Sentence].Text != "The minister stated the plan." {
		t.Errorf("hits %+v, want the sentence that states the plan first", hits)
	}
	for _, h := range ix.Search(Query{Text: "What did they say?"}).Hits {
		if c.Sentences[h.Sentence].Text == "Reports about the Islamic State grew." {
			t.Errorf("'say' matched the State of Islamic State")
		}
	}
}

// TestNear: a sentence beside one the conversation was about ranks higher.
func TestNear(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"s.txt": {Data: []byte("The duke rode north. He found the castle empty.\n\nThe queen sailed south. She found the castle full.\n")}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	q := Query{Text: "Who found the castle?"}
	for _, near := range []int{0, 2} { // the duke's sentence, the queen's
		q.Near = []int{near}
		hits := ix.Search(q).Hits
		if len(hits) == 0 || hits[0].Sentence != near+1 {
			t.Errorf("Search near sentence %d: first hit %+v, want sentence %d", near, hits, near+1)
		}
	}
}
