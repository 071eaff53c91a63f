package qa

import (
	"storybot/retrieval"
)

// SimilarityThreshold is the Jaccard similarity of normalized word sets from
// which two questions count as near-duplicates. It sits just above 3/5 so that
// two four-word questions sharing three words ("what dog eat end" and "what
// happen dog end") stay apart, while one extra word on a question of three or
// more words (3/4, 4/5) still groups.
const SimilarityThreshold = 0.65

// kept are the stop words that still tell two questions apart: "Who is
// Putin?" and "Where is Putin?" are different questions.
var kept = map[string]bool{"who": true, "whom": true, "whose": true, "what": true, "where": true, "when": true,
	"why": true, "how": true, "which": true}

// filler are words a question adds that say nothing of what it asks.
var filler = map[string]bool{"please": true, "really": true, "exactly": true, "story": true, "tell": true,
	"know": true, "anyone": true, "someone": true}

// Words returns the set of content words of a question as the index
// analyzes them (normalized, stemmed; see [retrieval.Analyze]), without its
// stop words but with its question words, and without filler ("please",
// "tell").
func Words(text string) map[string]bool {
	toks := retrieval.Analyze(text)
	set := make(map[string]bool, len(toks))
	for _, t := range toks {
		if t.Stop && !kept[t.Word] || filler[t.Word] {
			continue
		}
		set[t.Term] = true
	}
	return set
}

// Similarity returns the Jaccard similarity |A∩B| / |A∪B| of two word sets
// from [Words]. Two empty sets have similarity 0.
func Similarity(a, b map[string]bool) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return 0
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	return float64(inter) / float64(union)
}

// Similar reports whether two questions are near-duplicates: their word sets
// (see [Words]) have a Jaccard similarity of at least [SimilarityThreshold].
//
// Containment alone ("Did Anna burn the letters?" inside a longer question)
// is deliberately not enough: short questions are contained in many different
// ones. Being a bag of words, it still groups short questions that differ in
// one content word ("What happens at the end?" and "What happens to the dog
// at the end?", 3 of 4 words); the duplicate keeps its own wording, which the
// card and the transcript show.
func Similar(a, b string) bool {
	return Similarity(Words(a), Words(b)) >= SimilarityThreshold
}

// Canonical returns the question among open that a new question worded text
// joins as a duplicate: the most similar one (see [Similar]), the earliest
// of open on a tie, or nil when none is similar enough. Stores give it the
// session's open canonical questions (pending or approved, not
// duplicates), oldest first.
func Canonical(text string, open []Question) *Question {
	words := Words(text)
	var best *Question
	bestScore := -1.0
	for i := range open {
		j := Similarity(words, Words(open[i].Text))
		if j < SimilarityThreshold {
			continue
		}
		if j > bestScore {
			best, bestScore = &open[i], j
		}
	}
	return best
}
