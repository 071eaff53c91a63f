package retrieval

import "strings"

// AnswerSpan picks the short answer of a sentence for a question: the
// candidate of the expected type (see [Index.AnswerSpans]) nearest to the
// question's words, each type's bias applied (a place after "in" counts
// nearer, a person after "the" further). It reports false for an untyped
// question or a sentence with no candidate.
func (ix *Index) AnswerSpan(sent int, q *Question) (Span, bool) {
	if q.Type == TypeNone {
		return Span{}, false
	}
	text := ix.corpus.Sentences[sent].Text
	cands := ix.AnswerSpans(sent, q.Type, q.own)
	if len(cands) == 0 {
		return Span{}, false
	}
	var anchors []Span
	for _, tok := range analyze(text, nil, ix.stem) {
		if _, ok := q.own[tok.Term]; ok && !tok.Stop {
			anchors = append(anchors, Span{Start: tok.Start, End: tok.End})
		}
	}
	// The candidate standing nearest the question's words: the gap between
	// them, in bytes.
	bias := q.Type.row().bias
	best, bestDist := cands[0], 0
	for i, c := range cands {
		d := len(text)
		for _, a := range anchors {
			d = min(d, gap(c, a))
		}
		if bias != nil {
			d += bias(text[:c.Start])
		}
		if i == 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, true
}

// afterLocative reports whether one of the last four words of before is a
// preposition of place: "in the palace of", "at", "from".
func afterLocative(before string) bool {
	f := strings.Fields(before)
	for i := len(f) - 1; i >= 0 && i >= len(f)-4; i-- {
		if placePrepositions[strings.ToLower(f[i])] {
			return true
		}
	}
	return false
}

// placePrepositions stand before a place: "in", "at", "from"…
var placePrepositions = wordSet("in at near from to into inside outside across towards toward")

// gap is the number of bytes between two spans that do not overlap.
func gap(a, b Span) int {
	switch {
	case a.End <= b.Start:
		return b.Start - a.End
	case b.End <= a.Start:
		return a.Start - b.End
	}
	return 0
}
