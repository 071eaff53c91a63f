package answer

import (
	"context"
	"fmt"
	"strings"

	"storybot/cite"
	"storybot/retrieval"
)

// modelAnswer asks the generator to answer from the best passages and keeps
// only what the passages support: markers naming no passage are dropped,
// quotations not found in a cited passage are removed, and an answer that
// cites nothing or says the passages do not answer becomes not found.
func (e *Engine) modelAnswer(ctx context.Context, q string, history []string, passages []Passage, res retrieval.Result, stream func(string)) (Answer, error) {
	if len(passages) == 0 {
		// Nothing to ground an answer in: no reason to ask the model.
		a := e.notFound(Answer{Question: q, Mode: ModeLLM}, res)
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
		return e.notFound(Answer{Question: q, Mode: ModeLLM}, res), nil
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

// passages returns the n best passages for a question: the best hits as
// numbered sentence windows (the hit with its neighbours in the same
// paragraph), skipping hits already inside an earlier window. A passage's
// citation is the window's exact text.
func (e *Engine) passages(q string, history []string, near []int, n int) []Passage {
	res := e.ix.Search(retrieval.Query{Text: q, History: history, Limit: max(8, 2*n), Near: near})
	c := e.corpus
	var out []Passage
	covered := map[int]bool{}
	for _, h := range res.Hits {
		if len(out) == n {
			break
		}
		if covered[h.Sentence] || h.Coverage == 0 && h.WindowCoverage == 0 {
			continue
		}
		s := c.Sentences[h.Sentence]
		p := c.Paragraphs[s.Para]
		first, last := h.Sentence, h.Sentence
		if s.N > 1 {
			first--
		}
		if s.N < p.SentenceCount {
			last++
		}
		for i := first; i <= last; i++ {
			covered[i] = true
		}
		text := p.Text[c.Sentences[first].Start:c.Sentences[last].End]
		doc := c.Docs[p.Doc]
		cit := Citation{ID: c.SentenceID(h.Sentence), Ref: c.Ref(s.Para), Text: text}
		out = append(out, Passage{N: len(out) + 1, Ref: cit.Ref, Document: doc.Title, Paragraph: p.N, Text: text, Cite: cit})
	}
	return out
}
