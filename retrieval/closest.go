package retrieval

import (
	"math"
	"slices"
)

// closestHits is how many of a book's best hits the closest-passage order
// re-weighs.
const closestHits = 40

// closestWeights weigh a hit's features (see [closestFeatures]) for the
// order in which a book's closest passages are shown. They were learnt by
// TestTrainClosest as a pairwise logistic ranker on the first 40 hits of
// the 798 answerable questions of the dev books and our book sets of the
// thirteenth to the nineteenth group (a hit holding the evidence against
// each that does not), and tested leaving one set out at a time (README:
// Measured quality).
var closestWeights = [...]float64{0.874, 0.268, 0.223, 1.843, -0.342, -0.620, 1.110, 0.221, 1.633, 0.605, -0.262, 0.659, -0.018, 0.296, 0.060, 1.581, -0.489}

// closest returns a book's hits in the order its closest passages are
// shown: the first closestHits re-weighed by [closestWeights], the rest
// as they are. In an article (long 0) the order is the hits' own; in
// between, the learnt weighing counts as much as the text reads like a
// book.
func (ix *Index) closest(hits []Hit) []Hit {
	if ix.long == 0 || len(hits) < 2 {
		return hits
	}
	k := min(len(hits), closestHits)
	maxBM25 := 0.0
	for _, h := range hits[:k] {
		maxBM25 = max(maxBM25, h.BM25)
	}
	type keyed struct {
		key float64
		i   int
	}
	keys := make([]keyed, k)
	for i, h := range hits[:k] {
		f := ix.closestFeatures(h, i, hits[0].Score, maxBM25)
		r := 0.0
		for j, w := range closestWeights {
			r += w * f[j]
		}
		keys[i] = keyed{ix.long*r + (1-ix.long)*closestWeights[0]*f[0], i}
	}
	slices.SortStableFunc(keys, func(a, b keyed) int {
		switch {
		case a.key > b.key:
			return -1
		case a.key < b.key:
			return 1
		}
		return 0
	})
	out := make([]Hit, 0, len(hits))
	for _, kk := range keys {
		out = append(out, hits[kk.i])
	}
	return append(out, hits[k:]...)
}

// closestFeatures are the features of hit h at place i (from 0) among
// hits whose best score is top and best BM25 maxBM25: its score and BM25
// as shares of the best, its coverage and window coverage, the closeness
// and word pairs of its matches, whether it holds a candidate of the type
// asked, the log of its length in terms, the inverse of its place, the
// product of its coverages, and its evidence (see [Hit]): the shares of
// the question's names it and its neighbours say, of its numbers and of
// its content words, the largest missing share, whether it may hold the
// type asked, and a disagreement in negation.
func (ix *Index) closestFeatures(h Hit, i int, top, maxBM25 float64) [len(closestWeights)]float64 {
	return [...]float64{
		h.Score / max(top, 1e-9), h.BM25 / max(maxBM25, 1e-9), h.Coverage, h.WindowCoverage,
		h.Proximity, h.Phrase, b2f(h.HasType), math.Log(1 + float64(len(ix.sentTerms[h.Sentence]))),
		1 / float64(1+i), h.Coverage * h.WindowCoverage,
		h.Names, h.NamesNear, h.Numbers, h.Missing, h.Content, b2f(h.Holds), b2f(h.Negation),
	}
}

// b2f is 1 for true, 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
