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
// of type t and are not made only of the question's own terms, in text order.
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
// the question: a name must not hold a word of the question ("Russian
// President Vladimir Putin" does not answer where Putin went); a number,
// date or time must not be made only of the question's words.
func answers(c candidate, kind int, q map[string]bool) bool {
	if kind == kindName {
		for _, t := range c.terms {
			if q[t] || relatedToAny(t, q) {
				return false
			}
		}
		return len(c.terms) > 0
	}
	return !ownWords(c.terms, q)
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
		if !q[t] && !relatedToAny(t, q) {
			return false
		}
	}
	return true
}

func relatedToAny(t string, q map[string]bool) bool {
	for x := range q {
		if related(t, x) {
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
