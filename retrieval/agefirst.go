package retrieval

import (
	"regexp"
	"slices"
	"sort"
	"strings"
)

// A book says a person's age in few sentences ("a tall, heavy-looking young
// man of five-and-twenty", "She was still a child of seventeen", "I am not
// one-and-twenty"): sixteen in Pride and Prejudice, two in Metamorphosis.
// Such a sentence seldom shares a word with the reader's question ("How old
// is Grete?"), so the keyword ranking leaves it far down or out. For an age
// question in a book, the sentences that state an age are ranked by the
// question's words around them, and the best come first (see
// [Index.agesFirst]). They are found with the candidates, at build time
// ([Index].stated).

// statedAge reports whether the age candidate c of text reads as someone's
// age: with "years old" or "years of age", after "the age of" or "aged",
// after a person's noun and "of" ("a girl of fourteen") or a comma ("a
// young woman, about twenty-seven"), or after a person and a verb of
// being ("I am not one-and-twenty", "she was then but fifteen").
func statedAge(text string, c Span) bool {
	m := strings.ToLower(text[c.Start:c.End])
	if strings.Contains(m, "year") && (strings.Contains(m, "old") || strings.Contains(m, "age")) {
		return true
	}
	if yearOldRE.MatchString(text[c.End:]) || yearsOfAgeRE.MatchString(text[c.End:]) {
		return true
	}
	// The words right before it, no more (the expressions end there).
	before := text[max(0, c.Start-agedBefore):c.Start]
	if agedBeforeRE.MatchString(before) {
		return true
	}
	// "…, who led the way, was about thirty.": a verb of being and a
	// number that ends the clause.
	return beingBeforeRE.MatchString(before) && clauseEndRE.MatchString(text[c.End:])
}

// agedBefore is how many bytes before an age [statedAge] reads.
const agedBefore = 64

var (
	beingBeforeRE = regexp.MustCompile(`(?i)\b(?:was|is)(?:\s+(?:not|only|just|then|but|still|hardly|nearly|about|almost|now|quite|barely|already|over|under))*\s+$`)
	clauseEndRE   = regexp.MustCompile(`^(?:[,.;:!?"'”’)]|\s+(?:now|then)\b)`)
	yearsOfAgeRE  = regexp.MustCompile(`^\s+years?\s+(?:old|of\s+age)\b`)
	// agedBeforeRE ends with the words before a stated age.
	agedBeforeRE = regexp.MustCompile(`(?i)(?:\bage\s+of|\baged|\b(?:girl|boy|man|woman|lad|lass|gentleman|lady|youth|maiden|fellow|child)\s+of(?:\s+about)?|\b(?:girl|boy|man|woman|lad|lass|gentleman|lady|youth|maiden|fellow|child),(?:\s+(?:about|nearly|almost))?|\b(?:i\s+am|i'm|i\s+was|he\s+was|she\s+was|he\s+is|she\s+is|he's|she's|you\s+are)(?:\s+(?:not|only|just|then|but|still|hardly|nearly|about|almost|now|quite|barely|already|over|under))*)\s+$`)
)

// agesFirst puts first, for an age question in a book, the sentences that
// state an age and have the question's words around them: its own words
// and an earlier question's, said or referred to (a pronoun resolved to a
// name) in the sentence or in the two before it or the one after (which
// breaks ties), weighed by their IDF. When the question names persons,
// one of them must be among those words. At most agesFirstN such
// sentences lead, best first, in hits and closest alike; the rest keep
// their order, and the leading hits' evidence is filled in by ev, as the
// first hits' is. With before (see [Query].Before), no sentence from it
// on is read.
func (ix *Index) agesFirst(hits, closest []Hit, res *Result, ev *evidenceQuery, limit, before int) ([]Hit, []Hit) {
	type cand struct {
		sent  int
		score float64
	}
	var ids []int32
	var w []float64
	var named []bool
	wantName := false
	for _, t := range res.Terms {
		if t.Frame || !t.Known {
			continue
		}
		id, ok := ix.vocab[t.Term]
		if !ok {
			continue
		}
		ids = append(ids, id)
		w = append(w, t.Weight*t.IDF)
		isName := t.Name && ix.personTerm(t.Term)
		named = append(named, isName)
		wantName = wantName || isName
	}
	if len(ids) == 0 {
		return hits, closest
	}
	var cands []cand
	for _, s32 := range ix.stated {
		s := int(s32)
		// Nothing the reader has not reached (see [Query].Before).
		if before > 0 && s+ageAfter >= before {
			continue
		}
		doc := ix.sentDoc[s]
		score, name := 0.0, false
		for k, id := range ids {
			// Beside the sentence a word counts as in it, which only
			// breaks ties.
			best := 0.0
			for n := max(0, s-ageBefore); n <= s+ageAfter && n < len(ix.sentTerms); n++ {
				if ix.sentDoc[n] != doc {
					continue
				}
				if slices.Contains(ix.sentTerms[n], id) || refersTo(ix.resolved[id], n) {
					f := 1.0
					if n != s {
						f = 1 - ageTie
					}
					best = max(best, f)
					name = name || named[k]
				}
			}
			score += best * w[k]
		}
		if score > 0 && (name || !wantName) {
			cands = append(cands, cand{s, score})
		}
	}
	if len(cands) == 0 {
		return hits, closest
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	cands = cands[:min(len(cands), agesFirstN)]
	lead := func(list []Hit) []Hit {
		out := make([]Hit, 0, len(list)+len(cands))
		for _, c := range cands {
			h := Hit{Sentence: c.sent}
			if i := slices.IndexFunc(list, func(h Hit) bool { return h.Sentence == c.sent }); i >= 0 {
				h = list[i]
			} else {
				ix.fillCoverage(&h, res)
			}
			ix.evidence(&h, ev)
			out = append(out, h)
		}
		for _, h := range list {
			if !slices.ContainsFunc(cands, func(c cand) bool { return c.sent == h.Sentence }) {
				out = append(out, h)
			}
		}
		return out[:min(len(out), max(limit, len(cands)))]
	}
	return lead(hits), lead(closest)
}

// ageTie is how much less a question's word beside a sentence that states
// an age counts than one in it: enough to break a tie.
const ageTie = 0.01

// agesFirstN is how many sentences that state an age may lead.
const agesFirstN = 2

// ageBefore and ageAfter are how many sentences before and after one that
// states an age are read for the question's words.
const ageBefore, ageAfter = 2, 1

// refersTo reports whether sentence s is in the sorted list of sentences
// that refer to a person.
func refersTo(sents []int32, s int) bool {
	_, ok := slices.BinarySearch(sents, int32(s))
	return ok
}

// fillCoverage sets the coverages of a hit the first stage did not keep,
// from the question's terms the sentence and its neighbours hold.
func (ix *Index) fillCoverage(h *Hit, res *Result) {
	own, all, mass, ownMass := 0.0, 0.0, 0.0, 0.0
	s := h.Sentence
	for _, t := range res.Terms {
		m := t.Weight * t.IDF
		mass += m
		if !t.History {
			ownMass += m
		}
		id, ok := ix.vocab[t.Term]
		if !ok {
			continue
		}
		if slices.Contains(ix.sentTerms[s], id) {
			if !t.History {
				own += m
			}
			all += m
			continue
		}
		for _, n := range []int{s - 1, s + 1} {
			if n >= 0 && n < len(ix.sentTerms) && ix.sentDoc[n] == ix.sentDoc[s] && slices.Contains(ix.sentTerms[n], id) {
				all += m
				break
			}
		}
	}
	if ownMass > 0 {
		h.Coverage = own / ownMass
	}
	if mass > 0 {
		h.WindowCoverage = all / mass
	}
}
