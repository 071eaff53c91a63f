package answer

import (
	"fmt"
	"slices"
	"strings"

	"storybot/retrieval"
)

// Thresholds decide when the story answers and which sentence answers.
type Thresholds struct {
	// A best sentence whose coverage of the question's terms is below
	// MinCoverage, and whose window's is below MinWindowCoverage, does not
	// answer.
	MinCoverage, MinWindowCoverage float64
	// TypedFallback is how close in score a lower hit holding the expected
	// answer type must be to replace a best hit without one.
	TypedFallback float64
	// PredicateFallback is how close in score a lower hit holding the verb
	// a "What did X verb …?" question asks about must be to replace a best
	// hit without it; 0 disables it.
	PredicateFallback float64
	// Unknown and UnknownCoverage: a question that hinges on a word the
	// story never uses, nor a WordNet relative of it, is not answered
	// ("What is the population of Russia?") when that word carries at least
	// Unknown of its weight and the best sentence, and its window, cover
	// less than UnknownCoverage of it. Follow-ups are exempt; Unknown 0
	// disables the rule.
	Unknown, UnknownCoverage float64
	// Attribution: a question asking what someone said or thought ("What
	// did Putin say …?") is answered only by a sentence in which that person
	// says or thinks something.
	Attribution bool
	// NextLeads: when the best sentence covers less than this share of an
	// untyped question and the next sentence completes it, the next sentence
	// is cited first; 0 disables it.
	NextLeads float64
	// SeeAlso is the share of the best score a further passage needs to be
	// offered as "see also".
	SeeAlso float64
	// Confidence is the estimated chance of being right (see
	// confidence.go) below which the engine does not answer in a book;
	// ArticleConfidence the same in an article or a story. Texts between
	// the two take a share of each (see [Thresholds.For]).
	Confidence, ArticleConfidence float64
	// NameConfidence is the confidence a book's answer needs when its
	// short answer is a name (see [Thresholds.States]).
	NameConfidence float64
}

// DefaultThresholds are tuned on the story dev set and SQuAD v1.1 dev;
// Confidence on the book dev sets, ArticleConfidence on the held-out curve
// of the article model (cmd/storybot TestTrainConfidence; README: Measured
// quality).
var DefaultThresholds = Thresholds{MinCoverage: 0.15, MinWindowCoverage: 0.5, TypedFallback: 0.7, PredicateFallback: 0.9, SeeAlso: 0.55, NextLeads: 0.6, Unknown: 0.3, UnknownCoverage: 0.7, Attribution: true, Confidence: 0.07, ArticleConfidence: 0.45, NameConfidence: 0.45}

// extractive answers by quoting the best sentence (and a neighbour when it
// completes it), marking the answering span.
func (e *Engine) extractive(q string, history []string, res retrieval.Result) Answer {
	a, sig, ok := e.candidate(q, history, res)
	if !ok || !e.states(sig, a.Confidence) {
		return e.refusal(a, sig, ok, res)
	}
	return a
}

// refusal is the answer when the engine does not answer with candidate a.
// Refused for want of confidence alone, the answer may well be there: in
// an article the passages it would have quoted come first, in that order;
// in a book the closest passages come in their learnt order
// ([retrieval.Result].Closest), which puts the answering sentence first
// more often.
func (e *Engine) refusal(a Answer, sig Signals, ok bool, res retrieval.Result) Answer {
	unsure := ok && !sig.ruledOut()
	r := e.notFound(Answer{Question: a.Question, Mode: ModeKeyword, Confidence: a.Confidence}, res, unsure)
	// Below half a book the learnt order weighs little (see
	// [retrieval.Index].closest): the passages of the answer refused come
	// first, as in an article, book or not.
	if unsure && res.Long < 0.5 {
		r.Related = e.closest(a.cited, false)
	}
	return r
}

// candidate is the answer the best hit gives, whether or not it answers,
// with the signals that decide whether it does; ok is false when there is
// no hit to answer with at all.
func (e *Engine) candidate(q string, history []string, res retrieval.Result) (Answer, Signals, bool) {
	a := Answer{Question: q, Mode: ModeKeyword}
	best, v, ok := e.pick(res)
	if !ok {
		return a, Signals{}, false
	}
	sig := e.signals(history, res, best, v)
	a.Confidence = e.confidence(sig)
	c := e.corpus
	main := best.Sentence
	used := []int{main}
	if n, ok := e.completing(best, res); ok {
		used = append(used, n)
		// A best sentence that covers little of an untyped question and is
		// completed by the next one leads to it: there the answer more often
		// stands (46 to 25 such pairs on SQuAD), so it is cited first.
		if n == main+1 && res.Type == retrieval.TypeNone && best.Coverage < e.th.NextLeads {
			used = []int{n, main}
		}
	}
	// The short answer leads, in bold; the quotes stay verbatim.
	var b strings.Builder
	if sp, ok := e.ix.AnswerSpan(main, &res.Question); ok {
		a.Span = c.Sentences[main].Text[sp.Start:sp.End]
		sig.Named = true
		fmt.Fprintf(&b, "**%s** — ", a.Span)
	}
	for i, s := range used {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "“%s” [%d]", c.Sentences[s].Text, i+1)
		a.Citations = append(a.Citations, e.cite(i+1, s))
	}
	// Further evidence, not near-duplicates of what is quoted.
	var more []string
	for _, h := range res.Hits {
		if len(a.Citations) >= 4 {
			break
		}
		if h.Score < e.th.SeeAlso*best.Score || slices.Contains(used, h.Sentence) || e.nearDuplicate(h.Sentence, used) {
			continue
		}
		used = append(used, h.Sentence)
		n := len(a.Citations) + 1
		a.Citations = append(a.Citations, e.cite(n, h.Sentence))
		more = append(more, fmt.Sprintf("[%d]", n))
	}
	if len(more) > 0 {
		fmt.Fprintf(&b, "\nSee also %s.", strings.Join(more, ", "))
	}
	a.Found = true
	a.Text = b.String()
	a.cited = used
	return a, sig, true
}

// pick chooses the hit that answers best, and the verdicts of the rules
// that say it does not answer (see [Signals]); ok is false when there is
// no hit at all or the question has no word the story knows.
func (e *Engine) pick(res retrieval.Result) (best retrieval.Hit, v verdicts, ok bool) {
	if len(res.Hits) == 0 || !hasOwnKnownTerm(res.Terms) {
		return retrieval.Hit{}, v, false
	}
	th := e.th
	covered := func(h retrieval.Hit) bool {
		return h.Coverage >= th.MinCoverage || h.WindowCoverage >= th.MinWindowCoverage
	}
	best = res.Hits[0]
	v.lowCoverage = !covered(best)
	v.hinges = th.Unknown > 0 && best.Coverage < th.UnknownCoverage && best.WindowCoverage < th.UnknownCoverage &&
		hingesOnUnknown(res.Terms, th.Unknown)
	typed := res.Type != retrieval.TypeNone
	if typed && !best.HasType && !v.lowCoverage {
		found := false
		for _, h := range res.Hits[1:] {
			if h.HasType && h.Score >= th.TypedFallback*best.Score && covered(h) {
				best, found = h, true
				break
			}
		}
		v.strictMissing = !found && res.Type.Strict()
	}
	// "What job does Macron hold?": a close runner-up that names the
	// person's occupation beats a best sentence that names none, as for a
	// typed question.
	if !typed && res.AsksRole() && !v.lowCoverage {
		if _, ok := e.ix.AnswerSpan(best.Sentence, &res.Question); !ok {
			for _, h := range res.Hits[1:] {
				if h.Score < th.TypedFallback*best.Score {
					break
				}
				if _, ok := e.ix.AnswerSpan(h.Sentence, &res.Question); ok && covered(h) {
					best = h
					break
				}
			}
		}
	}
	// "What did Macron call …?": a close runner-up that holds the verb asked
	// about beats a best sentence that lacks it.
	if th.PredicateFallback > 0 && !v.lowCoverage {
		for _, t := range res.Terms {
			if !t.Predicate || !t.Known || !retrieval.NamingVerb(t.Term) || e.ix.Holds(best.Sentence, t.Term) {
				continue
			}
			for _, h := range res.Hits {
				if h.Score >= th.PredicateFallback*best.Score && covered(h) && (!typed || h.HasType || !best.HasType) &&
					e.ix.Holds(h.Sentence, t.Term) {
					best = h
					goto chosen
				}
			}
		}
	}
chosen:
	v.unattributed = th.Attribution && res.Speaker != "" && !e.ix.Attributed(best.Sentence, res.Speaker)
	// In a book a name is a proper name; in an encyclopedia's article the
	// name of a process or a law often is not ("photosynthesis").
	v.nameless = res.Book && res.AsksName && !e.namesNear(best.Sentence, &res.Question)
	return best, v, true
}

// namesNear reports whether a sentence, or one beside it in its
// paragraph, holds a name the question does not.
func (e *Engine) namesNear(sent int, q *retrieval.Question) bool {
	c := e.corpus
	para := c.Sentences[sent].Para
	for _, s := range []int{sent, sent - 1, sent + 1} {
		if s >= 0 && s < len(c.Sentences) && c.Sentences[s].Para == para && e.ix.NamesNew(s, q) {
			return true
		}
	}
	return false
}

// hingesOnUnknown reports whether a question with no earlier questions has
// a word the story never uses, nor any WordNet relative of it, that carries
// at least share of its weight; words that frame the question ("long" in
// "how long", "not", "both") do not count.
func hingesOnUnknown(terms []retrieval.QueryTerm, share float64) bool {
	total, most := 0.0, 0.0
	for _, t := range terms {
		if t.History {
			return false
		}
		m := t.Weight * t.IDF
		total += m
		if !t.Known && !t.Paraphrased && !t.Frame {
			most = max(most, m)
		}
	}
	return total > 0 && most >= share*total
}

func hasOwnKnownTerm(terms []retrieval.QueryTerm) bool {
	for _, t := range terms {
		if !t.History && t.Known {
			return true
		}
	}
	// A follow-up made only of function words ("And then?") leans on history.
	for _, t := range terms {
		if t.Known {
			return true
		}
	}
	return false
}

// completing returns the neighbour of the best sentence that completes it:
// the previous one when the best opens with a pronoun, or the one holding
// query terms the best lacks.
func (e *Engine) completing(best retrieval.Hit, res retrieval.Result) (int, bool) {
	c := e.corpus
	s := best.Sentence
	para := c.Sentences[s].Para
	if retrieval.OpensWithReference(c.Sentences[s].Text) && c.Sentences[s].N > 1 {
		return s - 1, true
	}
	if best.WindowCoverage-best.Coverage < 0.2 {
		return 0, false
	}
	bestN, bestGain := -1, 0.0
	for _, n := range []int{s - 1, s + 1} {
		if n < 0 || n >= len(c.Sentences) || c.Sentences[n].Para != para {
			continue
		}
		if g := e.gain(s, n, res.Terms); g > bestGain {
			bestN, bestGain = n, g
		}
	}
	return bestN, bestN >= 0 && bestGain >= 0.2
}

// gain is the share of query-term weight that sentence n holds and s lacks.
func (e *Engine) gain(s, n int, terms []retrieval.QueryTerm) float64 {
	var g, total float64
	for _, t := range terms {
		m := t.Weight * t.IDF
		total += m
		if e.ix.Holds(n, t.Term) && !e.ix.Holds(s, t.Term) {
			g += m
		}
	}
	if total == 0 {
		return 0
	}
	return g / total
}

// nearDuplicate reports whether a sentence says mostly what one of used says.
func (e *Engine) nearDuplicate(s int, used []int) bool {
	for _, u := range used {
		if e.ix.Similarity(s, u) > 0.6 {
			return true
		}
	}
	return false
}

// notFound says that the story does not answer, offering the closest
// passages as related. In a book, or when unsure (refused for want of
// confidence, not by a rule), it says only that the text does not say it
// plainly: the answer may well be there, in other words.
func (e *Engine) notFound(a Answer, res retrieval.Result, unsure bool) Answer {
	a.Found = false
	plainly := unsure || res.Book
	a.Text = "The story doesn't say."
	switch {
	case res.Book:
		a.Text = "The book doesn't say plainly."
	case plainly:
		a.Text = "The story doesn't say plainly."
	}
	var cands []int
	for _, h := range res.Closest {
		// More than are shown: a passage may take in the next ones.
		if len(cands) == 4*relatedPassages {
			break
		}
		if h.Coverage > 0 {
			cands = append(cands, h.Sentence)
		}
	}
	a.Related = e.closest(cands, true)
	if len(a.Related) > 0 {
		if plainly {
			a.Text += " These passages come closest."
		} else {
			a.Text += " These passages are the closest it comes, but they don't answer the question."
		}
	}
	return a
}

// closeWords is the fewest words a closest passage holds (see
// [Engine.closest]). The answering sentence is often beside the one whose
// words are the question's: over the answerable questions of the dev books
// and our fifteen sets, a refusal's first passage holds the evidence for
// 19 and 84 of them as one sentence, and for 22 and 99 at 60 words
// (README, "Closest passages in their paragraph").
const closeWords = 60

// closest cites a refusal's closest passages, the first [relatedPassages]
// of sents, best first, leaving out with dedupe a sentence that nearly
// repeats one before it. Each is its sentence with the whole sentences
// after it in its paragraph, then those before it when the paragraph ends
// first, until it holds [closeWords] words: a reader sees the sentence in
// its context, and a display that shortens a passage still shows the
// sentence. A citation stays in one paragraph, the one its reference
// names. Passages do not overlap (a sentence inside an earlier one is
// skipped), and none takes in a sentence the reader has not reached.
func (e *Engine) closest(sents []int, dedupe bool) []Citation {
	var out []Citation
	var spans [][2]int // the sentences of the passages so far
	var seen []int     // the hits shown, or inside a passage shown
	c := e.corpus
	inside := func(i int) bool {
		for _, sp := range spans {
			if i >= sp[0] && i <= sp[1] {
				return true
			}
		}
		return false
	}
	for _, sent := range sents {
		if len(out) == relatedPassages {
			break
		}
		if dedupe && e.nearDuplicate(sent, seen) {
			continue
		}
		seen = append(seen, sent)
		if inside(sent) {
			continue
		}
		para := c.Sentences[sent].Para
		p := c.Paragraphs[para]
		end := p.FirstSentence + p.SentenceCount - 1
		free := func(i int) bool {
			return i >= p.FirstSentence && i <= end && !inside(i) && !e.hiddenSent(i)
		}
		first, last := sent, sent
		w := e.spanWords(first, last)
		for w < closeWords && free(last+1) {
			last++
			w += e.spanWords(last, last)
		}
		for w < closeWords && free(first-1) {
			first--
			w += e.spanWords(first, first)
		}
		spans = append(spans, [2]int{first, last})
		out = append(out, e.located(Citation{N: len(out) + 1, ID: c.SentenceID(sent), Text: p.Text[c.Sentences[first].Start:c.Sentences[last].End],
			Focus: c.Sentences[sent].Start - c.Sentences[first].Start}, para))
	}
	return out
}
