package answer

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"storybot/cite"
	"storybot/corpus"
	"storybot/retrieval"
)

// modelAnswer asks the generator to answer from the best passages and keeps
// only what the passages support: markers naming no passage are dropped,
// quotations not found in a cited passage are removed, and an answer that
// cites nothing or says the passages do not answer becomes not found.
func (e *Engine) modelAnswer(ctx context.Context, q string, history []string, passages []Passage, res retrieval.Result, stream func(string)) (Answer, error) {
	if len(passages) == 0 {
		// Nothing to ground an answer in: no reason to ask the model.
		a := e.notFound(Answer{Question: q, Mode: ModeLLM}, res, false)
		return a, nil
	}
	var onDelta func(string)
	if stream != nil {
		var sofar strings.Builder
		onDelta = func(d string) {
			sofar.WriteString(d)
			stream(sofar.String())
		}
	}
	text, err := e.opts.Generator.Generate(ctx, GenerateInput{Question: q, History: history, Passages: passages}, onDelta)
	if err != nil {
		return Answer{}, fmt.Errorf("generate: %w", err)
	}
	texts := make([]string, len(passages))
	for i, p := range passages {
		texts[i] = p.Text
	}
	r := cite.Check(text, texts)
	if r.NoAnswer || len(r.Cited) == 0 {
		if !r.NoAnswer {
			e.log.Info("model answer cited no passage; treated as not found")
		}
		return e.modelNotFound(q, passages, res), nil
	}
	a := Answer{Question: q, Found: true, Text: r.Text, Mode: ModeLLM}
	for i, n := range r.Cited {
		c := passages[n-1].Cite
		c.N = i + 1
		a.Citations = append(a.Citations, c)
	}
	if len(r.Dropped) > 0 {
		e.log.Info("model cited passages it was not given", "markers", r.Dropped)
	}
	if len(r.Unverified) > 0 {
		e.log.Info("model quoted text not in its passages", "quotes", len(r.Unverified))
		a.Notice = "A quotation in the model's answer was not found in the story and was removed."
	}
	return a, nil
}

// modelNotFound is the answer when the model finds no answer in its
// passages: the closest passages are the first it was given, which a
// rewrite may have found (see [Rewriter]), not the keyword search's.
func (e *Engine) modelNotFound(q string, passages []Passage, res retrieval.Result) Answer {
	a := e.notFound(Answer{Question: q, Mode: ModeLLM}, res, false)
	if e.opts.Rewriter == nil || len(a.Related) == 0 {
		return a
	}
	var sents []int
	for _, p := range passages {
		if p.sentence > 0 {
			sents = append(sents, p.sentence-1)
		}
	}
	if related := e.closest(sents, false); len(related) > 0 {
		a.Related = related
	}
	return a
}

// relatedPassages is how many closest passages a refusal shows.
const relatedPassages = 3

// passages returns the best passages for a question: at most n, and,
// when words is positive, no more than fill words (the last may cross
// it). With a [Rewriter], the passages its text finds come first, each
// followed by one the question finds; without one, and with
// [Options].Meaning, the question's words' and its meaning's are fused
// (see [Engine.withMeaning]). A follow-up's passages are its own,
// with every third one of the previous question's. A passage is a hit
// with its neighbours; in dialogue, where a paragraph is a line or two, it
// takes in the paragraphs around it until it holds [passageWords] words,
// so the model sees who speaks to whom. In a book the first
// [widePassages] take in at least [wideWords] words more of the text on
// each side, and the later ones keep at most [tailWords] words of their
// hit's paragraph. Passages never overlap: a hit already inside one is
// skipped, and a window stops at a sentence another passage holds. Paragraphs are joined by a blank
// line; each paragraph's part is exact corpus text. A passage's citation
// is the part in the hit's own paragraph.
func (e *Engine) passages(ctx context.Context, q string, history []string, near []int, n, words int) []Passage {
	limit := max(8, 2*n)
	if words > 0 {
		limit = max(limit, words/15)
	}
	hits := e.ix.Search(retrieval.Query{Text: q, History: history, Limit: limit, Near: near, Before: e.before()}).Closest
	rw := e.rewrite(ctx, q, history)
	if rw != "" {
		// The rewrite's passages first, each followed by one of the
		// question's own: the question's words still count when the
		// rewrite is wrong.
		own := e.ix.Search(retrieval.Query{Text: rw, Limit: limit, Before: e.before()}).Closest
		hits = interleave(own, hits, 1)
	}
	if len(history) > 0 {
		// A follow-up ("How old was she then?") asks about what the
		// question before it found: every third passage is one of that
		// question's own.
		last := len(history) - 1
		prev := e.ix.Search(retrieval.Query{Text: history[last], History: history[:last], Limit: limit, Before: e.before()})
		hits = interleave(hits, prev.Closest, followUpOwn)
	}
	sents := make([]int, 0, len(hits))
	for _, h := range hits {
		if h.Coverage > 0 || h.WindowCoverage > 0 {
			sents = append(sents, h.Sentence)
		}
	}
	if rw == "" {
		// Fused with a rewrite's passages, the meaning's took places
		// from better ones (README, "Passages by meaning").
		sents = e.withMeaning(ctx, q, history, sents, limit)
	}
	c := e.corpus
	book := e.ix.Book()
	var out []Passage
	covered := map[int]bool{}
	total := 0
	for _, sent := range sents {
		if len(out) == n || words > 0 && total >= words {
			break
		}
		if covered[sent] {
			continue
		}
		first, last := e.window(sent, covered)
		if book && len(out) >= widePassages {
			first, last = e.narrow(sent, first, last)
		}
		s := c.Sentences[sent]
		p := c.Paragraphs[s.Para]
		own := p.Text[c.Sentences[max(first, p.FirstSentence)].Start:c.Sentences[min(last, p.FirstSentence+p.SentenceCount-1)].End]
		if book && len(out) < widePassages {
			first, last = e.widen(first, last, covered, wideWords)
		}
		for i := first; i <= last; i++ {
			covered[i] = true
		}
		text := e.spanText(first, last)
		total += corpus.CountFields(text)
		cit := e.located(Citation{ID: c.SentenceID(sent), Text: own}, s.Para)
		out = append(out, Passage{N: len(out) + 1, Ref: cit.Ref, Document: c.Docs[p.Doc].Title, Paragraph: p.N, Text: text, Cite: cit, sentence: sent + 1})
	}
	return out
}

// rewriteChars caps the text of a rewrite the engine searches with.
const rewriteChars = 1000

// rewriteTitles is how many of a corpus's documents a rewrite is told of.
const rewriteTitles = 5

// rewrite is the [Options].Rewriter's text for a question, "" without one
// or when it fails (the question's own search serves alone then).
func (e *Engine) rewrite(ctx context.Context, q string, history []string) string {
	if e.opts.Rewriter == nil {
		return ""
	}
	key := strings.Join(append([]string{q}, history...), "\x00")
	if text, ok := e.rewrites.get(key); ok {
		return text
	}
	var titles []string
	for _, d := range e.corpus.Docs[:min(len(e.corpus.Docs), rewriteTitles)] {
		t := d.Title
		switch {
		case d.Author != "":
			t += " by " + d.Author
		case d.ParagraphCount > 0:
			// A file without metadata is titled by its name ("Pg345"):
			// its first words tell a model more of which text it is.
			t += ", which opens: “" + openingWords(e.corpus.Paragraphs[d.FirstParagraph].Text, rewriteOpening) + "”"
		}
		titles = append(titles, t)
	}
	text, err := e.opts.Rewriter.Rewrite(ctx, RewriteInput{Question: q, History: history, Titles: titles})
	if err != nil {
		e.log.Warn("question rewrite failed; searching with the question alone", "err", err)
		return ""
	}
	text = strings.TrimSpace(strings.ToValidUTF8(text, ""))
	if len(text) > rewriteChars {
		text = strings.ToValidUTF8(text[:rewriteChars], "")
	}
	e.rewrites.put(key, text)
	return text
}

// rewriteOpening is how many of a text's first words a rewrite is told
// when the text names no author.
const rewriteOpening = 25

// openingWords is the first n words of text, with "…" when there are more.
func openingWords(text string, n int) string {
	f := strings.Fields(text)
	if len(f) <= n {
		return strings.Join(f, " ")
	}
	return strings.Join(f[:n], " ") + "…"
}

// recentSize is how many rewrites, or question vectors, an engine keeps,
// so that a question asked again (or its passages looked up after its
// answer, as eval does) costs no second model call.
const recentSize = 512

// recent keeps the latest values by key, the oldest dropped first. It is
// shared by an engine and its views.
type recent[V any] struct {
	mu     sync.Mutex
	values map[string]V
	order  []string
}

// rewriteCache keeps rewrites, vectorCache question vectors.
type (
	rewriteCache = recent[string]
	vectorCache  = recent[[]float32]
)

func (c *recent[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[key]
	return v, ok
}

func (c *recent[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.values[key]; ok {
		return
	}
	if c.values == nil {
		c.values = map[string]V{}
	}
	if len(c.order) == recentSize {
		delete(c.values, c.order[0])
		c.order = c.order[1:]
	}
	c.values[key] = v
	c.order = append(c.order, key)
}

// followUpOwn is how many of a follow-up's own passages come before each
// one of the previous question's.
const followUpOwn = 2

// interleave returns k hits of a, then one of b, and so on, until both
// are used up.
func interleave(a, b []retrieval.Hit, k int) []retrieval.Hit {
	out := make([]retrieval.Hit, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		n := min(k, len(a))
		out = append(out, a[:n]...)
		a = a[n:]
		if len(b) > 0 {
			out = append(out, b[0])
			b = b[1:]
		}
	}
	return out
}

// passageWords is how many words a passage around a hit in dialogue
// gathers from the paragraphs beside it.
const passageWords = 20

// window returns the sentences [first, last] of the passage around sentence
// s: its neighbours in its paragraph, and, while the passage holds fewer
// than passageWords words, the paragraphs before and after it in the
// document, never a sentence already covered.
func (e *Engine) window(s int, covered map[int]bool) (first, last int) {
	c := e.corpus
	para := c.Sentences[s].Para
	p := c.Paragraphs[para]
	first, last = s, s
	if s > p.FirstSentence && !covered[s-1] {
		first--
	}
	if s+1 < p.FirstSentence+p.SentenceCount && !covered[s+1] {
		last++
	}
	w := e.spanWords(first, last)
	doc := p.Doc
	for w < passageWords {
		grew := false
		// The paragraph before, then the one after, whole, when free.
		if first == c.Paragraphs[c.Sentences[first].Para].FirstSentence && first > 0 {
			prev := c.Paragraphs[c.Sentences[first-1].Para]
			if prev.Doc == doc && !covered[prev.FirstSentence] && !covered[first-1] {
				w += e.spanWords(prev.FirstSentence, first-1)
				first = prev.FirstSentence
				grew = true
			}
		}
		if w >= passageWords {
			break
		}
		lp := c.Paragraphs[c.Sentences[last].Para]
		if last == lp.FirstSentence+lp.SentenceCount-1 && last+1 < len(c.Sentences) && !e.hiddenSent(last+1) {
			next := c.Paragraphs[c.Sentences[last+1].Para]
			end := next.FirstSentence + next.SentenceCount - 1
			if next.Doc == doc && !covered[last+1] && !covered[end] {
				w += e.spanWords(last+1, end)
				last = end
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	return first, last
}

// spanWords is how many words sentences [first, last] hold.
func (e *Engine) spanWords(first, last int) int {
	n := 0
	for i := first; i <= last; i++ {
		n += corpus.CountFields(e.corpus.Sentences[i].Text)
	}
	return n
}

// spanText is the text of sentences [first, last], exact within each
// paragraph, paragraphs joined by a blank line.
func (e *Engine) spanText(first, last int) string {
	c := e.corpus
	var b strings.Builder
	for i := first; i <= last; {
		p := c.Paragraphs[c.Sentences[i].Para]
		end := min(last, p.FirstSentence+p.SentenceCount-1)
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p.Text[c.Sentences[i].Start:c.Sentences[end].End])
		i = end + 1
	}
	return b.String()
}

// tailWords is the most words a book's passage after the first
// [widePassages] keeps of its hit's paragraph (see [Engine.narrow]).
// Chosen on the dev books (model-view 68 → 70 of 126 at 45–60 words), our
// fifteen sets held out (346 → 349–352 of 480); README, "Wider first
// passages".
const tailWords = 50

// narrow drops the longer neighbour of sentence s from the passage
// [first, last] while the passage holds more than [tailWords] words,
// keeping s. A passage grown across paragraphs, as a dialogue line's is,
// keeps its neighbours: they say who speaks.
func (e *Engine) narrow(s, first, last int) (int, int) {
	c := e.corpus
	if c.Sentences[first].Para != c.Sentences[last].Para {
		return first, last
	}
	n := e.spanWords(first, last)
	for n > tailWords && (first < s || last > s) {
		before, after := 0, 0
		if first < s {
			before = e.spanWords(first, first)
		}
		if last > s {
			after = e.spanWords(last, last)
		}
		if before >= after {
			n -= before
			first++
		} else {
			n -= after
			last--
		}
	}
	return first, last
}

// widePassages is how many of the first passages take in more of the text
// around them, wideWords words or more on each side (see [Engine.widen]):
// the answer to a reader's question is often a sentence or two from where
// its words are ("It was already the end of March" after the sentences
// about Gregor's death), and the first passages are the likeliest to be
// near it. Chosen on the dev books (model-view 66 → 68 of 126), our
// fifteen book sets held out (330 → 346 of 480); README, "Wider first
// passages".
const (
	widePassages = 5
	wideWords    = 10
)

// widen grows the sentences [first, last] of a passage by whole sentences
// on each side, across the paragraphs of its document, until each side
// has gained words words, never taking a covered or hidden sentence.
func (e *Engine) widen(first, last int, covered map[int]bool, words int) (int, int) {
	c := e.corpus
	doc := c.Paragraphs[c.Sentences[first].Para].Doc
	for n := 0; n < words && first > 0; {
		p := first - 1
		if covered[p] || c.Paragraphs[c.Sentences[p].Para].Doc != doc {
			break
		}
		first = p
		n += e.spanWords(p, p)
	}
	for n := 0; n < words && last+1 < len(c.Sentences); {
		nx := last + 1
		if covered[nx] || e.hiddenSent(nx) || c.Paragraphs[c.Sentences[nx].Para].Doc != doc {
			break
		}
		last = nx
		n += e.spanWords(nx, nx)
	}
	return first, last
}
