package retrieval

import (
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// candidate is a span that could answer a typed question, with its terms
// (in [Index].candTerms) so that spans made only of the question's own
// words can be left out. first and last are the positions of its first and
// last indexed word among the sentence's indexed words (first is -1 when it
// has none).
type candidate struct {
	start, end  int32
	first, last int32
	termOff     int32
	nTerms      uint8
	kind        kind
}

func (c candidate) span() Span { return Span{int(c.start), int(c.end)} }

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
	// words, when set, caches what is known of each word across sentences.
	words   map[string]wordFacts
	facts   []wordFacts // per token, filled on first use
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

// wordFacts is what the finders ask of a word: which expressions it can
// begin ([startRE]) and what its noun names.
type wordFacts struct {
	firsts uint16
	noun   nounClass
}

// fact returns the facts of token i.
func (s *sentenceText) fact(i int) wordFacts {
	if s.facts == nil {
		s.facts = make([]wordFacts, len(s.toks))
		for j, t := range s.toks {
			f, ok := s.words[t.Word]
			if !ok {
				f = wordFacts{firsts: firstsOf(t.Word), noun: classOfNoun(t.Word)}
				if s.words != nil {
					s.words[t.Word] = f
				}
			}
			s.facts[j] = f
		}
	}
	return s.facts[i]
}

// firsts returns the expressions token i can begin.
func (s *sentenceText) firsts(i int) uint16 { return s.fact(i).firsts }

// nouns finds the lower-case words whose usual sense is of the class.
func (s *sentenceText) nouns(class nounClass) []Span {
	var out []Span
	for i, t := range s.toks {
		if !t.Stop && !capitalized(s.text[t.Start:]) && s.fact(i).noun == class {
			out = append(out, Span{t.Start, t.End})
		}
	}
	return out
}

// candidateSet holds the candidates of a range of sentences, found at build
// time: per sentence, its candidates in the order of the kinds and, within
// a kind, of the text.
type candidateSet struct {
	off   []int32 // sentence → first candidate; len(sentences)+1
	list  []candidate
	terms []int32 // candidates' term IDs
	// stated are the sentences whose age candidates state an age (see
	// [statedAge]).
	stated []int32
}

// findCandidates finds the candidates of the sentences [lo, hi) with the
// index's frozen stemmer and vocabulary; it is safe to run in parallel.
func (ix *Index) findCandidates(lo, hi int) candidateSet {
	var cs candidateSet
	words := make(map[string]wordFacts, 1<<12)
	var toks []Token
	for sent := lo; sent < hi; sent++ {
		cs.off = append(cs.off, int32(len(cs.list)))
		text := ix.corpus.Sentences[sent].Text
		toks = analyze(text, toks[:0], ix.stem)
		st := &sentenceText{text: text, toks: toks, words: words}
		for k := range kinds {
			for _, sp := range kindTable[k].find(st) {
				cand := candidate{start: int32(sp.Start), end: int32(sp.End), first: -1, kind: kind(k), termOff: int32(len(cs.terms))}
				// The span's terms: its words', or, when it cuts a word
				// ("000" of "1,000"), those of its own text.
				spanToks := aligned(toks, sp)
				if spanToks == nil {
					spanToks = analyze(text[sp.Start:sp.End], nil, ix.stem)
				}
				for _, t := range spanToks {
					if id, ok := ix.vocab[t.Term]; ok && !t.Stop && cand.nTerms < 255 {
						cs.terms = append(cs.terms, id)
						cand.nTerms++
					}
				}
				pos := int32(0)
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
				cs.list = append(cs.list, cand)
				if kind(k) == kindAge && (len(cs.stated) == 0 || cs.stated[len(cs.stated)-1] != int32(sent)) && statedAge(text, sp) {
					cs.stated = append(cs.stated, int32(sent))
				}
			}
		}
	}
	return cs
}

// aligned returns the tokens a span covers when it starts and ends at
// word boundaries, or nil.
func aligned(toks []Token, sp Span) []Token {
	i := sort.Search(len(toks), func(i int) bool { return toks[i].End > sp.Start })
	j := i
	for j < len(toks) && toks[j].End <= sp.End {
		j++
	}
	if i == len(toks) || toks[i].Start != sp.Start || j == i || toks[j-1].End != sp.End {
		return nil
	}
	return toks[i:j]
}

// buildCandidates finds the candidates of every sentence, in parallel
// shards, into ix.cands.
func (ix *Index) buildCandidates() {
	n := len(ix.sentTerms)
	shards := 1
	if n >= shardMin {
		shards = min(runtime.GOMAXPROCS(0), maxShards)
	}
	parts := make([]candidateSet, shards)
	var wg sync.WaitGroup
	// The terms of each kind, for "what/which N" questions, meanwhile.
	wg.Add(1)
	go func() {
		defer wg.Done()
		ix.kinds.once.Do(ix.buildKinds)
	}()
	for k := range parts {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			parts[k] = ix.findCandidates(k*n/shards, (k+1)*n/shards)
		}(k)
	}
	wg.Wait()
	var all candidateSet
	for _, p := range parts {
		base, tbase := int32(len(all.list)), int32(len(all.terms))
		for _, o := range p.off {
			all.off = append(all.off, base+o)
		}
		for _, c := range p.list {
			c.termOff += tbase
			all.list = append(all.list, c)
		}
		all.terms = append(all.terms, p.terms...)
		ix.stated = append(ix.stated, p.stated...)
	}
	all.off = append(all.off, int32(len(all.list)))
	ix.cands = all
}

// sentenceCands returns the candidates of a sentence.
func (ix *Index) sentenceCands(sent int) []candidate {
	return ix.cands.list[ix.cands.off[sent]:ix.cands.off[sent+1]]
}

// candTerms returns the terms of a candidate.
func (ix *Index) candTerms(c candidate) []int32 {
	return ix.cands.terms[c.termOff : c.termOff+int32(c.nTerms)]
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

// AnswerSpans returns the spans of a sentence that could answer a question
// of type t, in text order. questionTerms holds the question's terms, true
// for those it wrote capitalized (see [QueryTerm].Name): a span made only of
// question terms, or a name holding a name of the question, is left out.
// A common noun ("the dukes") is offered only where no name answers.
func (ix *Index) AnswerSpans(sent int, t AnswerType, questionTerms map[string]bool) []Span {
	return ix.answerSpans(sent, t, newOwnTerms(questionTerms))
}

func (ix *Index) answerSpans(sent int, t AnswerType, questionTerms ownTerms) []Span {
	var out []Span
	c := ix.sentenceCands(sent)
	for _, k := range t.row().kinds {
		if kindTable[k].fallback && len(out) > 0 {
			break
		}
		for _, cand := range c {
			if cand.kind == k && (ix.answers(cand, questionTerms) || ix.countsCounted(sent, cand, questionTerms)) {
				out = append(out, cand.span())
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
func (ix *Index) answers(c candidate, q ownTerms) bool {
	kind := c.kind
	terms := ix.candTerms(c)
	if len(terms) == 0 {
		// Only a number made of stop words ("a few") has no terms.
		return kind != kindName && kind != kindPersonNoun && kind != kindPlaceNoun
	}
	if ix.ownWords(terms, q) {
		return false
	}
	if kind == kindName {
		shared, other := false, 0
		for _, id := range terms {
			t := ix.terms[id]
			if q.set[t] || relatedToName(t, q) {
				return false
			}
			if _, ok := q.set[t]; ok || relatedToAny(t, q, false) {
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

// countsCounted reports whether a number the question gives counts what
// the question asks to count: "two" in "for two hours" answers "How many
// hours did the two leaders spend talking?", where the question's "two"
// counts leaders. The sentence's next indexed word is the counted noun.
func (ix *Index) countsCounted(sent int, cand candidate, q ownTerms) bool {
	if q.counted == "" || cand.kind != kindNumber || cand.last < 0 {
		return false
	}
	terms := ix.sentTerms[sent]
	next := int(cand.last) + 1
	return next < len(terms) && ix.terms[terms[next]] == q.counted
}

// answerFit reports whether a sentence holds a candidate of type t that
// can answer (see [answers]; for place questions also a place phrase, see
// [typeRow].signals), and how near the nearest such candidate stands
// to the question's words: k/(k+d) for the fewest indexed words d between
// it and a word of the question (ids: the question's own index terms), 0
// when no question word stands outside it. A k of 0 skips the nearness.
func (ix *Index) answerFit(sent int, t AnswerType, questionTerms ownTerms, ids []int32, k float64) (has bool, near float64) {
	c := ix.sentenceCands(sent)
	kinds := t.signalKinds()
	if k == 0 {
		for _, kind := range kinds {
			for _, cand := range c {
				if cand.kind == kind && (ix.answers(cand, questionTerms) || ix.countsCounted(sent, cand, questionTerms)) {
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
		for i := range c {
			cand := &c[i]
			if cand.kind != kind {
				continue
			}
			d := -1
			for _, j := range anchors[:nAnchors] {
				if cand.first < 0 {
					break // no indexed word to measure from ("a few")
				}
				dj := -1
				switch f, l := int(cand.first), int(cand.last); {
				case j < f:
					dj = f - j
				case j > l:
					dj = j - l
				}
				if dj >= 0 && (d < 0 || dj < d) {
					d = dj
				}
			}
			all = append(all, scored{cand, d})
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
		if ix.answers(*x.cand, questionTerms) || ix.countsCounted(sent, *x.cand, questionTerms) {
			if x.d < 0 {
				return true, 0
			}
			return true, k / (k + float64(x.d))
		}
	}
	return false, 0
}

// ownWords reports whether every term is a question term or differs from
// one only by a short ending (Russian for Russia), a function word aside
// ("until the evening" for "…lowered each evening?"), when one is not.
func (ix *Index) ownWords(terms []int32, q ownTerms) bool {
	content := false
	for _, id := range terms {
		t := ix.terms[id]
		if functionWords[t] {
			continue
		}
		content = true
		if _, ok := q.set[t]; !ok && !relatedToAny(t, q, false) {
			return false
		}
	}
	return content
}

// relatedToName reports whether t differs only by a short ending from a
// term the question wrote capitalized.
func relatedToName(t string, q ownTerms) bool { return relatedToAny(t, q, true) }

func relatedToAny(t string, q ownTerms, namesOnly bool) bool {
	if len(t) < 4 {
		return false // see related
	}
	for _, x := range q.list {
		if (x.name || !namesOnly) && related(t, x.term) {
			return true
		}
	}
	return false
}

// ownTerms are a question's own terms (see [QuestionTerms]) as a set and,
// for the tests that look at each, as a list.
type ownTerms struct {
	set  map[string]bool
	list []ownTerm
	// counted is the noun a "how many" question counts ("hour" in "How
	// many hours did the two leaders spend?"; see [Index.countsCounted]).
	counted string
}

type ownTerm struct {
	term string
	name bool
}

func newOwnTerms(set map[string]bool) ownTerms {
	o := ownTerms{set: set, list: make([]ownTerm, 0, len(set))}
	for t, name := range set {
		o.list = append(o.list, ownTerm{t, name})
	}
	slices.SortFunc(o.list, func(a, b ownTerm) int { return strings.Compare(a.term, b.term) })
	return o
}

// related reports whether one term extends the other by at most two letters,
// both being at least four long.
func related(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 4 && len(b)-len(a) <= 2 && strings.HasPrefix(b, a)
}

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

// NamesNew reports whether a sentence holds a name that can answer the
// question: a proper name that is not the question's own (see [answers]).
func (ix *Index) NamesNew(sent int, q *Question) bool {
	for _, c := range ix.sentenceCands(sent) {
		if c.kind == kindName && ix.answers(c, q.own) {
			return true
		}
	}
	return false
}
