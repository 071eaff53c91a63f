package retrieval

import (
	"strings"
	"sync/atomic"
)

// candidate is a span that could answer a typed question, with its terms
// so that spans made only of the question's own words can be left out.
type candidate struct {
	span  Span
	terms []string
}

// candidate kinds, computed once per sentence on first use.
const (
	kindNumber = iota
	kindDuration
	kindDate
	kindTime // relative times and clock times; TypeTime also takes dates
	kindName
	kinds
)

type sentenceCandidates [kinds][]candidate

// kindsOf lists the candidate kinds that answer a type.
func kindsOf(t AnswerType) []int {
	switch t {
	case TypeNumber:
		return []int{kindNumber}
	case TypeDuration:
		return []int{kindDuration}
	case TypeDate:
		return []int{kindDate}
	case TypeTime:
		return []int{kindDate, kindTime}
	case TypePerson, TypePlace:
		return []int{kindName}
	}
	return nil
}

// sentenceCands returns the cached candidates of a sentence, finding them
// on first use. Concurrent first uses compute the same value; one wins.
func (ix *Index) sentenceCands(sent int) *sentenceCandidates {
	if c := ix.cands[sent].Load(); c != nil {
		return c
	}
	text := ix.corpus.Sentences[sent].Text
	c := new(sentenceCandidates)
	find := func(k int, spans []Span) {
		for _, sp := range spans {
			c[k] = append(c[k], candidate{span: sp, terms: ix.spanTerms(text[sp.Start:sp.End])})
		}
	}
	find(kindNumber, Candidates(text, TypeNumber))
	find(kindDuration, Candidates(text, TypeDuration))
	find(kindDate, Candidates(text, TypeDate))
	var times []Span
	for _, r := range relTimeRE.FindAllStringIndex(text, -1) {
		times = append(times, Span{r[0], r[1]})
	}
	for _, r := range clockRE.FindAllStringIndex(text, -1) {
		times = append(times, Span{r[0], r[1]})
	}
	find(kindTime, mergeSpans(times))
	find(kindName, properNames(text))
	ix.cands[sent].CompareAndSwap(nil, c)
	return ix.cands[sent].Load()
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
func (ix *Index) AnswerSpans(sent int, t AnswerType, questionTerms map[string]bool) []Span {
	var out []Span
	c := ix.sentenceCands(sent)
	for _, k := range kindsOf(t) {
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
func answers(c candidate, kind int, q map[string]bool) bool {
	if len(c.terms) == 0 || ownWords(c.terms, q) {
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

func (ix *Index) hasAnswerSpan(sent int, t AnswerType, questionTerms map[string]bool) bool {
	c := ix.sentenceCands(sent)
	for _, k := range kindsOf(t) {
		for _, cand := range c[k] {
			if answers(cand, k, questionTerms) {
				return true
			}
		}
	}
	return false
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
