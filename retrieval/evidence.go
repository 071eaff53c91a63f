package retrieval

import "slices"

// evidence fills in what a hit holds of the question: the expected type,
// its names and its numbers (see [Hit]).
func (ix *Index) evidence(h *Hit, q *Question) {
	s := h.Sentence
	holds := q.Type.row().holds
	h.Holds = holds == 0 || ix.holds[s]&holds != 0
	var names, said, near, nums, numsNear, mass, missing, content, contentHeld float64
	qNeg := false
	for _, t := range q.Terms {
		if t.History {
			continue
		}
		w := max(t.IDF, ix.idf(1)*0.5)
		id, known := ix.vocab[t.Term]
		mass += t.Weight * t.IDF
		if negations[t.Word] {
			qNeg = true
		}
		held := known && (ix.has(s, id) || ix.near1(s, id) || ix.refersTo(s, id))
		if known && !t.Frame && !held {
			missing = max(missing, t.Weight*t.IDF)
		}
		if !t.Name && !t.Frame {
			content += t.Weight * t.IDF
			if held {
				contentHeld += t.Weight * t.IDF
			}
		}
		if t.Name && !t.Number {
			names += w
			if known {
				if ix.has(s, id) {
					said += w
					near += w
				} else if ix.near1(s, id) || ix.refersTo(s, id) {
					near += w
				}
			}
		}
		if t.Number {
			nums++
			if known && (ix.has(s, id) || ix.has(s-1, id) || ix.has(s+1, id)) {
				numsNear++
			}
		}
	}
	if mass > 0 {
		h.Missing = missing / mass
	}
	h.Content = 1
	if content > 0 {
		h.Content = contentHeld / content
	}
	sNeg := false
	for _, id := range ix.negIDs {
		sNeg = sNeg || ix.has(s, id)
	}
	h.Negation = qNeg != sNeg
	h.Names, h.NamesNear, h.Numbers = 1, 1, 1
	if names > 0 {
		h.Names, h.NamesNear = said/names, near/names
	}
	if nums > 0 {
		h.Numbers = numsNear / nums
	}
}

// has reports whether sentence s (which may be out of range) has a term.
func (ix *Index) has(s int, id int32) bool {
	return s >= 0 && s < len(ix.sentTerms) && slices.Contains(ix.sentTerms[s], id)
}

// refersTo reports whether sentence s refers by a pronoun to a person the
// term names (see mentions.go).
func (ix *Index) refersTo(s int, id int32) bool {
	if int(id) >= len(ix.resolved) {
		return false
	}
	_, ok := slices.BinarySearch(ix.resolved[id], int32(s))
	return ok
}

// near1 reports whether a neighbour of sentence s in its document has a term.
func (ix *Index) near1(s int, id int32) bool {
	return ix.has(s-1, id) && ix.sentDoc[s-1] == ix.sentDoc[s] || ix.has(s+1, id) && ix.sentDoc[s+1] == ix.sentDoc[s]
}

// negations are the words that negate a statement.
var negations = wordSet("not no never nor none nothing nobody neither cannot")
