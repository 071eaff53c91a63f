package store

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// SimilarityThreshold is the Jaccard similarity of normalized word sets from
// which two questions count as near-duplicates.
const SimilarityThreshold = 0.6

// minContained is the least number of words the smaller question must have
// for containment alone to make a duplicate: "Who is Macron?" ({who, macron})
// is contained in many different questions.
const minContained = 3

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
// case, apostrophes removed ("what's" → "whats"), split at anything not a
// letter or digit, stop words dropped, each word stemmed (Snowball English, so
// plurals and -ing forms meet).
func Words(text string) map[string]bool {
	text = strings.ToLower(text)
	text = strings.NewReplacer("'", "", "’", "", "‘", "").Replace(text)
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
// from [Words], and whether the smaller set is contained in the larger. Two
// empty sets have similarity 0.
func Similarity(a, b map[string]bool) (jaccard float64, contained bool) {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return 0, false
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	return float64(inter) / float64(union), len(a) > 0 && inter == len(a)
}

// Similar reports whether two questions are near-duplicates: their word sets
// (see [Words]) have a Jaccard similarity of at least [SimilarityThreshold],
// or the smaller set has at least 3 words and is contained in the larger.
func Similar(a, b string) bool {
	wa, wb := Words(a), Words(b)
	j, contained := Similarity(wa, wb)
	return j >= SimilarityThreshold || contained && min(len(wa), len(wb)) >= minContained
}
