package answer

import (
	"context"
	"slices"
	"sync/atomic"

	"storybot/dense"
)

// meaning is a corpus's sentence vectors and the embedder of questions
// for them.
type meaning struct {
	table    *dense.Table
	embedder dense.Embedder
}

// meaningRef holds an engine's [meaning], shared with its views; nil
// until there is one.
type meaningRef = atomic.Pointer[meaning]

// SetMeaning gives the engine, and its views, the sentences' vectors and
// the embedder of questions ([Options].Meaning and Embedder): a server
// that embeds its corpus after it started answers by words alone until
// then. It is safe to call while questions are answered.
//
// A table of another corpus (of another number of sentences; the
// [Options] of one engine given to another, as a server's library does)
// is not used.
func (e *Engine) SetMeaning(emb dense.Embedder, t *dense.Table) {
	if emb == nil || t == nil || t.Len() != len(e.corpus.Sentences) {
		e.meaning.Store(nil)
		return
	}
	e.meaning.Store(&meaning{table: t, embedder: emb})
}

// fusionK is the constant of reciprocal rank fusion (Cormack, Clarke and
// Büttcher, 2009), as they give it: a sentence scores 1/(fusionK + rank)
// in each ranking that holds it, so that one near the top of either
// comes early, and one in both earlier.
const fusionK = 60

// withMeaning fuses sents, the sentences a question's words find, best
// first, with the limit sentences nearest its meaning ([Options].Meaning),
// by reciprocal rank. Without Meaning, or when the question cannot be
// embedded, sents alone.
func (e *Engine) withMeaning(ctx context.Context, q string, history []string, sents []int, limit int) []int {
	m := e.meaning.Load()
	if m == nil {
		return sents
	}
	v := e.questionVector(ctx, m.embedder, q, history)
	if v == nil {
		return sents
	}
	near := m.table.Nearest(v, limit, e.before())
	meaning := make([]int, len(near))
	for i, s := range near {
		meaning[i] = s.Sentence
	}
	return fuse(sents, meaning)
}

// fuse orders the sentences of two rankings by reciprocal rank fusion,
// ties by the first ranking's order, then the second's.
func fuse(a, b []int) []int {
	type fused struct {
		sent  int
		score float64
		order int
	}
	at := map[int]int{}
	var out []fused
	for i, list := range [2][]int{a, b} {
		for r, s := range list {
			j, ok := at[s]
			if !ok {
				j = len(out)
				at[s] = j
				out = append(out, fused{sent: s, order: i*len(a) + r})
			}
			out[j].score += 1 / float64(fusionK+r+1)
		}
	}
	slices.SortStableFunc(out, func(x, y fused) int {
		switch {
		case x.score > y.score:
			return -1
		case x.score < y.score:
			return 1
		}
		return x.order - y.order
	})
	sents := make([]int, len(out))
	for i, f := range out {
		sents[i] = f.sent
	}
	return sents
}

// questionVector is the question's vector, with the question before it
// for a follow-up ("How old was she then?" says little alone); nil when
// the embedder fails.
func (e *Engine) questionVector(ctx context.Context, emb dense.Embedder, q string, history []string) []float32 {
	text := q
	if len(history) > 0 {
		text = history[len(history)-1] + " " + q
	}
	if v, ok := e.vectors.get(text); ok {
		return v
	}
	vs, err := emb.Embed(ctx, []string{text})
	if err != nil || len(vs) != 1 {
		e.log.Warn("question embedding failed; passages by its words alone", "err", err)
		return nil
	}
	e.vectors.put(text, vs[0])
	return vs[0]
}
