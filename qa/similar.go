package qa

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// SimilarityThreshold is the Jaccard similarity of normalized word sets from
// which two questions count as near-duplicates. It sits just above 3/5 so that
// two four-word questions sharing three words ("what dog eat end" and "what
// happen dog end") stay apart, while one extra word on a question of three or
// more words (3/4, 4/5) still groups.
const SimilarityThreshold = 0.65

// stopWords are dropped before comparing. Question words (who, what, where,
// when, why, how, which) and "not" are kept: "Who is Putin?" and "Where is
// Putin?" are different questions.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "is": true, "are": true, "was": true, "were": true,
	"be": true, "been": true, "being": true, "am": true, "do": true, "does": true, "did": true,
	"of": true, "to": true, "in": true, "on": true, "at": true, "for": true, "with": true,
	"by": true, "from": true, "about": true, "and": true, "or": true, "but": true, "so": true,
	"it": true, "its": true, "this": true, "that": true, "these": true, "those": true,
	"i": true, "me": true, "my": true, "you": true, "your": true, "we": true, "our": true,
	"he": true, "his": true, "him": true, "she": true, "her": true, "they": true, "their": true, "them": true,
	"there": true, "here": true, "as": true, "into": true, "has": true, "have": true, "had": true,
	"can": true, "could": true, "will": true, "would": true, "should": true, "shall": true,
	"may": true, "might": true, "must": true, "please": true, "just": true, "really": true,
	"story": true, "tell": true, "know": true, "anyone": true, "someone": true, "exactly": true,
}

// Words returns the set of normalized content words of a question: lower
// case, "'s" dropped and other apostrophes removed, split at anything not a
// letter or digit, stop words dropped, each word stemmed (Snowball English, so
// plurals and -ing forms meet).
func Words(text string) map[string]bool {
	text = strings.ToLower(text)
	// "who's" and "captain's" are who and captain; other apostrophes go.
	text = strings.NewReplacer("'s ", " ", "’s ", " ", "'", "", "’", "", "‘", "").Replace(text + " ")
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	set := make(map[string]bool, len(fields))
	for _, f := range fields {
		if stopWords[f] {
			continue
		}
		set[english.Stem(f, false)] = true
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
