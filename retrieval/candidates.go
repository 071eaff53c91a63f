package retrieval

import (
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
)

// candidate is a span that could answer a typed question, with its terms
// so that spans made only of the question's own words can be left out.
// first and last are the positions of its first and last indexed word
// among the sentence's indexed words (first is -1 when it has none).
type candidate struct {
	span        Span
	terms       []string
	first, last int
}

// kind is a kind of candidate answer: what a finder of [kindTable] finds.
type kind uint8

const (
	kindNumber kind = iota
	kindDuration
	kindDate
	kindTime // relative times and clock times; TypeTime also takes dates
	kindName
	kindMoney
	kindPersonNoun  // "the dukes", "officials"
	kindPlaceNoun   // "the harbour"
	kindPlacePhrase // "in the cytosol": tells a place answer, too loose to show
	kindAge         // "five-and-twenty", "eight years old"
	kindDistance    // "thirty miles"
	kinds
)

// kindRow is one kind of candidate and its finder.
type kindRow struct {
	// find returns the kind's spans in a sentence, in text order.
	find func(s *sentenceText) []Span
	// fallback: offered as a short answer only where no kind before it in
	// the type's list answers.
	fallback bool
}

// kindTable holds the finder of every kind.
var kindTable = [kinds]kindRow{
	kindNumber:   {find: func(s *sentenceText) []Span { return quantities(s.text, numerals(s), s.dates()) }},
	kindDuration: {find: func(s *sentenceText) []Span { return mergeSpans(durationFind.spans(s)) }},
	kindMoney:    {find: func(s *sentenceText) []Span { return mergeSpans(moneyFind.spans(s)) }},
	kindDate:     {find: func(s *sentenceText) []Span { return s.dates() }},
	kindTime: {find: func(s *sentenceText) []Span {
		return mergeSpans(append(relTimeFind.spans(s), clockFind.spans(s)...))
	}},
	kindName:        {find: func(s *sentenceText) []Span { return properNames(s.text, s.toks) }},
	kindPersonNoun:  {find: func(s *sentenceText) []Span { return s.nouns(nounPerson) }, fallback: true},
	kindPlaceNoun:   {find: func(s *sentenceText) []Span { return s.nouns(nounPlace) }, fallback: true},
	kindPlacePhrase: {find: placePhrases},
	kindAge:         {find: ages},
	kindDistance:    {find: func(s *sentenceText) []Span { return mergeSpans(distanceFind.spans(s)) }},
}

// numberStems are the number words of [numberWords], without their
// plural endings.
var numberStems = strings.Split(strings.ReplaceAll(numberWords, "s?", ""), "|")

// sentenceText is a sentence as the finders read it.
type sentenceText struct {
	text    string
	toks    []Token
	dateSet []Span
	dated   bool
}

func (s *sentenceText) dates() []Span {
	if !s.dated {
		s.dateSet, s.dated = mergeSpans(dateFind.spans(s)), true
	}
	return s.dateSet
}

// nouns finds the lower-case words whose usual sense is of the class.
func (s *sentenceText) nouns(class nounClass) []Span {
	var out []Span
	for _, t := range s.toks {
		if !t.Stop && !capitalized(s.text[t.Start:]) && classOfNoun(t.Word) == class {
			out = append(out, Span{t.Start, t.End})
		}
	}
	return out
}

type sentenceCandidates [kinds][]candidate

// sentenceCands returns the cached candidates of a sentence, finding them
// on first use. Concurrent first uses compute the same value; one wins.
func (ix *Index) sentenceCands(sent int) *sentenceCandidates {
	if c := ix.cands[sent].Load(); c != nil {
		return c
	}
	text := ix.corpus.Sentences[sent].Text
	st := &sentenceText{text: text, toks: analyze(text, nil, ix.stem)}
	c := new(sentenceCandidates)
	for k := range kinds {
		for _, sp := range kindTable[k].find(st) {
			cand := candidate{span: sp, terms: ix.spanTerms(text[sp.Start:sp.End]), first: -1}
			pos := 0
			for _, t := range st.toks {
				if t.Stop {
					continue
				}
				if t.End > sp.Start && t.Start < sp.End {
					if cand.first < 0 {
						cand.first = pos
					}
					cand.last = pos
				}
				pos++
			}
			c[k] = append(c[k], cand)
		}
	}
	ix.cands[sent].CompareAndSwap(nil, c)
	return ix.cands[sent].Load()
}

// Candidates returns the spans of text that could answer a question of type
// t, in text order: for person and place questions, runs of capitalized
// words (or, where there are none, nouns that name people or places); for
// the others, numbers, durations, dates and times.
func Candidates(text string, t AnswerType) []Span {
	st := &sentenceText{text: text, toks: analyze(text, nil, nil)}
	var out []Span
	for _, k := range t.row().kinds {
		if kindTable[k].fallback && len(out) > 0 {
			break
		}
		out = append(out, kindTable[k].find(st)...)
	}
	return mergeSpans(out)
}

// placePhrases finds the phrase after a preposition of place.
func placePhrases(s *sentenceText) []Span {
	_, groups := placeFind.findAll(s)
	return groups
}

func (ix *Index) spanTerms(s string) []string {
	var out []string
	for _, t := range analyze(s, nil, ix.stem) {
		if !t.Stop {
			out = append(out, t.Term)
		}
	}
	return out
}

// AnswerSpans returns the spans of a sentence that could answer a question
// of type t, in text order. questionTerms holds the question's terms, true
// for those it wrote capitalized (see [QueryTerm].Name): a span made only of
// question terms, or a name holding a name of the question, is left out.
// A common noun ("the dukes") is offered only where no name answers.
func (ix *Index) AnswerSpans(sent int, t AnswerType, questionTerms map[string]bool) []Span {
	var out []Span
	c := ix.sentenceCands(sent)
	for _, k := range t.row().kinds {
		if kindTable[k].fallback && len(out) > 0 {
			break
		}
		for _, cand := range c[k] {
			if answers(cand, k, questionTerms) {
				out = append(out, cand.span)
			}
		}
	}
	return mergeSpans(out)
}

// answers reports whether a candidate can be the answer rather than part of
// the question. q holds the question's terms, true for those the question
// wrote capitalized. A name must not hold a name of the question ("Russian
// President Vladimir Putin" does not answer whom Putin met, but does answer
// whom the president met), nor share a word with the question and add
// only one of its own; no candidate may be made only of the question's
// words.
func answers(c candidate, kind kind, q map[string]bool) bool {
	if len(c.terms) == 0 {
		// Only a number made of stop words ("a few") has no terms.
		return kind != kindName && kind != kindPersonNoun && kind != kindPlaceNoun
	}
	if ownWords(c.terms, q) {
		return false
	}
	if kind == kindName {
		shared, other := false, 0
		for _, t := range c.terms {
			if q[t] || relatedToName(t, q) {
				return false
			}
			if _, ok := q[t]; ok || relatedToAny(t, q, false) {
				shared = true
			} else {
				other++
			}
		}
		// "Russian Presidents" for "Where did the presidents have lunch?"
		// only repeats the question; "Russian President Vladimir Putin"
		// names someone.
		if shared && other < 2 {
			return false
		}
	}
	return true
}

// answerFit reports whether a sentence holds a candidate of type t that
// can answer (see [answers]; for place questions also a place phrase, see
// [typeRow].signals), and how near the nearest such candidate stands
// to the question's words: k/(k+d) for the fewest indexed words d between
// it and a word of the question (ids: the question's own index terms), 0
// when no question word stands outside it. A k of 0 skips the nearness.
func (ix *Index) answerFit(sent int, t AnswerType, questionTerms map[string]bool, ids []int32, k float64) (has bool, near float64) {
	c := ix.sentenceCands(sent)
	kinds := t.signalKinds()
	if k == 0 {
		for _, kind := range kinds {
			for _, cand := range c[kind] {
				if answers(cand, kind, questionTerms) {
					return true, 0
				}
			}
		}
		return false, 0
	}
	// The candidates' distances first, then the answering test, nearest
	// first, which is the costlier part.
	type scored struct {
		cand *candidate
		kind kind
		d    int // -1: no question word outside the candidate
	}
	var buf [16]scored
	all := buf[:0]
	var anchors [maxQueryTerms]int // positions of the question's words
	nAnchors := 0
	for j, id := range ix.sentTerms[sent] {
		if nAnchors < len(anchors) && slices.Contains(ids, id) {
			anchors[nAnchors] = j
			nAnchors++
		}
	}
	for _, kind := range kinds {
		for i := range c[kind] {
			cand := &c[kind][i]
			d := -1
			for _, j := range anchors[:nAnchors] {
				if cand.first < 0 {
					break // no indexed word to measure from ("a few")
				}
				dj := -1
				switch {
				case j < cand.first:
					dj = cand.first - j
				case j > cand.last:
					dj = j - cand.last
				}
				if dj >= 0 && (d < 0 || dj < d) {
					d = dj
				}
			}
			all = append(all, scored{cand, kind, d})
		}
	}
	// Nearest first; a candidate with no question word outside it last.
	slices.SortFunc(all, func(a, b scored) int {
		switch {
		case a.d == b.d:
			return 0
		case a.d < 0:
			return 1
		case b.d < 0:
			return -1
		}
		return a.d - b.d
	})
	for _, x := range all {
		if answers(*x.cand, x.kind, questionTerms) {
			if x.d < 0 {
				return true, 0
			}
			return true, k / (k + float64(x.d))
		}
	}
	return false, 0
}

// ownWords reports whether every term is a question term or differs from
// one only by a short ending (Russian for Russia).
func ownWords(terms []string, q map[string]bool) bool {
	for _, t := range terms {
		if _, ok := q[t]; !ok && !relatedToAny(t, q, false) {
			return false
		}
	}
	return true
}

// relatedToName reports whether t differs only by a short ending from a
// term the question wrote capitalized.
func relatedToName(t string, q map[string]bool) bool { return relatedToAny(t, q, true) }

func relatedToAny(t string, q map[string]bool, namesOnly bool) bool {
	for x, name := range q {
		if (name || !namesOnly) && related(t, x) {
			return true
		}
	}
	return false
}

// related reports whether one term extends the other by at most two letters,
// both being at least four long.
func related(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 4 && len(b)-len(a) <= 2 && strings.HasPrefix(b, a)
}

// candCache is the per-sentence candidate cache.
type candCache = []atomic.Pointer[sentenceCandidates]

// placePhraseRE finds the phrase after a preposition of place: an optional
// determiner and one to three lower-case words.
var placePhraseRE = regexp.MustCompile(`\b(?:in|at|on|among|inside|within|near|along|throughout|across|into|beneath|under|between)\s+((?:(?:the|a|an|their|its|his|her|our|this|these|those)\s+)?[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+){0,2})`)

// quantities leaves out the numbers that belong to a date: the day of a full
// date, or a year after "in", "since" and the like. "In 1885, he said…" does
// not answer "how much", but "1500 soldiers" may answer "how many".
func quantities(text string, numbers, dates []Span) []Span {
	kept := numbers[:0]
	for _, n := range numbers {
		inDate := false
		for _, d := range dates {
			if n.Start < d.End && d.Start < n.End && (d.End-d.Start > n.End-n.Start || yearAfter(text, n.Start)) {
				inDate = true
			}
		}
		if !inDate {
			kept = append(kept, n)
		}
	}
	return kept
}

// yearAfter reports whether the word before start is a preposition that
// introduces a year: "in 1885", "since 1990".
func yearAfter(text string, start int) bool {
	f := strings.Fields(text[:start])
	if len(f) == 0 {
		return false
	}
	switch strings.ToLower(f[len(f)-1]) {
	case "in", "since", "until", "by", "from", "during", "of", "to", "between", "before", "after":
		return true
	}
	return false
}

// forgetCandidates drops the candidates found so far, for measuring.
func (ix *Index) forgetCandidates() {
	for i := range ix.cands {
		ix.cands[i].Store(nil)
	}
}
