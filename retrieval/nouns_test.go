package retrieval

import (
	"slices"
	"testing"
)

func TestClassOfNoun(t *testing.T) {
	for _, tt := range []struct {
		word string
		want nounClass
	}{
		{"duke", nounPerson},
		{"dukes", nounPerson},
		{"teachers", nounPerson},
		{"churchmen", nounPerson},
		{"officials", nounPerson}, // "official" is also an adjective: only the plural counts
		{"official", nounOther},
		{"great", nounOther},
		{"harbour", nounPlace},
		{"forwards", nounOther}, // mostly an adverb: "shoved himself forwards"
		{"meeting", nounOther},
		{"church", nounOther},
		{"", nounOther},
		{"s", nounOther},
	} {
		if got := classOfNoun(tt.word); got != tt.want {
			t.Errorf("classOfNoun(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

// TestKindOf checks the noun kinds table, in stems as the index has them.
func TestKindOf(t *testing.T) {
	for _, tt := range []struct {
		term, kind string
		want       bool
	}{
		{"violin", "instrument", true},
		{"lute", "instrument", true},
		{"couch", "instrument", false}, // furniture is an "instrumentality"
		{"couch", "furnitur", true},
		{"shovel", "tool", true},
		{"dog", "tool", false},
		// Occupations: by their first sense's kinds, not a relative, a man,
		// a room or an implement (whose later senses are workers).
		{"salesman", roleKind, true},
		{"attorney", roleKind, true},
		{"lieuten", roleKind, true},
		{"presid", roleKind, true},
		{"leader", roleKind, true},
		{"plumber", roleKind, true},
		{"father", roleKind, false},
		{"man", roleKind, false},
		{"kitchen", roleKind, false},
		{"harpoon", roleKind, false},
	} {
		if got := isKindOf(tt.term, tt.kind); got != tt.want {
			t.Errorf("isKindOf(%q, %q) = %v, want %v", tt.term, tt.kind, got, tt.want)
		}
	}
}

// TestAnswerSpansNouns checks that a "who" question may be answered by a
// common noun naming people, and a "where" question by one naming a place,
// but not by the question's own words.
func TestAnswerSpansNouns(t *testing.T) {
	c := loadFiles(t, "a.txt", "The church was used by the dukes as a unifying force near the harbour.\n")
	ix := NewIndex(c)
	for _, tt := range []struct {
		typ  AnswerType
		q    map[string]bool
		want []string
	}{
		{TypePerson, map[string]bool{"church": false, "unifi": false}, []string{"dukes"}},
		{TypePerson, map[string]bool{"duke": false}, nil},
		{TypePlace, map[string]bool{"church": false}, []string{"harbour"}},
		{TypeDate, map[string]bool{"church": false}, nil},
	} {
		if got := answerSpanTexts(ix, 0, tt.typ, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("AnswerSpans(%v, %v) = %q, want %q", tt.typ, tt.q, got, tt.want)
		}
	}
}

// TestAnswerFit checks the nearness of the closest answer candidate to the
// question's words: k/(k+d) for d indexed words between them.
func TestAnswerFit(t *testing.T) {
	c := loadFiles(t, "a.txt", "In 1870 Tesla moved to Karlovac.\n\nTesla moved to Karlovac, and much later, long after school, rich and famous, in 1901.\n\nTesla moved to Karlovac.\n")
	ix := NewIndex(c)
	q := map[string]bool{"tesla": true, "move": false, "karlovac": true}
	var ids []int32
	for term := range q {
		if id, ok := ix.vocab[term]; ok {
			ids = append(ids, id)
		}
	}
	// "1870" stands right before "tesla"; "1901" is 7 indexed words after
	// "karlovac" (much later long school rich famous …).
	nearness := func(sent int) float64 {
		_, v := ix.answerFit(sent, TypeDate, newOwnTerms(q), ids, 4)
		return v
	}
	near, far, none := nearness(0), nearness(1), nearness(2)
	if near != 0.8 {
		t.Errorf("answerFit, candidate beside the question's words = %v, want 4/5", near)
	}
	if !(far > 0 && far < near) {
		t.Errorf("answerFit, candidate far off = %v, want in (0, %v)", far, near)
	}
	if none != 0 {
		t.Errorf("answerFit, no candidate = %v, want 0", none)
	}
}

func TestCorrected(t *testing.T) {
	c := loadFiles(t, "a.txt", "Einstein developed the theory. The results were revealed later. People launched rockets.\n")
	ix := NewIndex(c)
	for _, tt := range []struct {
		unknown, want string
	}{
		{"develp", "develop"},   // a letter missing
		{"reveil", "reveal"},    // a letter replaced
		{"dveelop", "develop"},  // two letters swapped
		{"developp", "develop"}, // a letter too many
		{"lunch", ""},           // too short to be taken for "launch"
		{"lightning", ""},       // nothing one letter away
	} {
		id, ok := ix.corrected(tt.unknown)
		got := ""
		if ok {
			got = ix.terms[id]
		}
		if got != tt.want {
			t.Errorf("corrected(%q) = %q, want %q", tt.unknown, got, tt.want)
		}
		// Asked again, the remembered answer is the same.
		if id2, ok2 := ix.corrected(tt.unknown); ok2 != ok || ok && id2 != id {
			t.Errorf("corrected(%q) again = %d, %v; first %d, %v", tt.unknown, id2, ok2, id, ok)
		}
	}
	// A misspelt question finds its sentence and counts the word as known.
	r := ix.Search(Query{Text: "Who develped the theory?"})
	if len(r.Hits) == 0 || c.Sentences[r.Hits[0].Sentence].Text != "Einstein developed the theory." {
		t.Fatalf("Search with a misspelling: %q", hitTexts(c, r))
	}
	for _, qt := range r.Terms {
		if !qt.Known {
			t.Errorf("query term %q is unknown", qt.Term)
		}
	}
}

// TestPlacePhrase checks that the phrase after a preposition of place tells
// a sentence can answer a "where" question, without being shown as its short
// answer.
func TestPlacePhrase(t *testing.T) {
	c := loadFiles(t, "a.txt", "Chloroplasts make amino acids in their stroma.\n\nChloroplasts make amino acids.\n")
	ix := NewIndex(c)
	q := map[string]bool{"chloroplast": false, "amino": false, "acid": false}
	for sent, want := range []bool{true, false} {
		if has, _ := ix.answerFit(sent, TypePlace, newOwnTerms(q), nil, 0); has != want {
			t.Errorf("answerFit(%q, place) = %v, want %v", c.Sentences[sent].Text, has, want)
		}
		if spans := ix.AnswerSpans(sent, TypePlace, q); len(spans) != 0 {
			t.Errorf("AnswerSpans(%q, place) = %v, want none", c.Sentences[sent].Text, spans)
		}
	}
}

// TestAnswerSpansNamesFirst checks that a common noun is offered as the short
// answer only where no name answers.
func TestAnswerSpansNamesFirst(t *testing.T) {
	c := loadFiles(t, "a.txt", "Marine Le Pen, a member of the party, spoke to the officials.\n")
	ix := NewIndex(c)
	got := answerSpanTexts(ix, 0, TypePerson, map[string]bool{"spoke": false, "speak": false})
	if want := []string{"Marine Le Pen"}; !slices.Equal(got, want) {
		t.Errorf("AnswerSpans = %q, want %q", got, want)
	}
	if has, _ := ix.answerFit(0, TypePerson, newOwnTerms(map[string]bool{"marin": true, "le": true, "pen": true}), nil, 0); !has {
		t.Error("answerFit: the nouns (member, officials) do not count where the only name is the question's")
	}
}

// answerSpanTexts is the text of each of [Index.AnswerSpans].
func answerSpanTexts(ix *Index, sent int, t AnswerType, q map[string]bool) []string {
	var out []string
	for _, sp := range ix.AnswerSpans(sent, t, q) {
		out = append(out, ix.corpus.Sentences[sent].Text[sp.Start:sp.End])
	}
	return out
}
