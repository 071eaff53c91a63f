package retrieval

import "slices"

// evidenceTerm is a question term as [Index.evidence] weighs it, looked up
// once per search.
type evidenceTerm struct {
	id                  int32
	known               bool
	name, number, frame bool
	w, mass             float64
}

// evidenceQuery is the question's own terms prepared for [Index.evidence].
type evidenceQuery struct {
	holds hold
	terms []evidenceTerm
	neg   bool
}

// prepareEvidence looks the question's own terms up in the index.
func (ix *Index) prepareEvidence(q *Question) evidenceQuery {
	e := evidenceQuery{holds: q.Type.row().holds}
	floor := ix.idf(1) * 0.5
	for _, t := range q.Terms {
		if t.History {
			continue
		}
		id, known := ix.vocab[t.Term]
		e.neg = e.neg || negations[t.Word]
		e.terms = append(e.terms, evidenceTerm{id: id, known: known, name: t.Name, number: t.Number, frame: t.Frame,
			w: max(t.IDF, floor), mass: t.Weight * t.IDF})
	}
	return e
}

// evidence fills in what a hit holds of the question: the expected type,
// its names and its numbers (see [Hit]).
func (ix *Index) evidence(h *Hit, q *evidenceQuery) {
	s := h.Sentence
	h.Holds = q.holds == 0 || ix.holds[s]&q.holds != 0
	var names, said, near, nums, numsNear, mass, missing, content, contentHeld float64
	for _, t := range q.terms {
		id, known, w := t.id, t.known, t.w
		mass += t.mass
		has := known && ix.has(s, id)
		held := has || known && (ix.near1(s, id) || ix.refersTo(s, id))
		if known && !t.frame && !held {
			missing = max(missing, t.mass)
		}
		if !t.name && !t.frame {
			content += t.mass
			if held {
				contentHeld += t.mass
			}
		}
		if t.name && !t.number {
			names += w
			if has {
				said += w
				near += w
			} else if held {
				near += w
			}
		}
		if t.number {
			nums++
			if has || known && (ix.has(s-1, id) || ix.has(s+1, id)) {
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
	h.Negation = q.neg != sNeg
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
