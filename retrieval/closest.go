package retrieval

import (
	"math"
	"slices"
)

// closestHits is how many of a book's best hits the closest-passage order
// re-weighs.
const closestHits = 20

// closestWeights weigh a hit's features (see [closestFeatures]) for the
// order in which a book's closest passages are shown. They were learnt by
// TestTrainClosest as a pairwise logistic ranker on the first 20 hits of
// the 932 answerable questions of our 28 book sets (a hit holding the
// evidence against each that does not), and tested leaving one book out
// at a time (README: Measured quality).
var closestWeights = [...]float64{1.934, -0.042, -0.268, 1.486, -0.963, 0.289, 1.908, 0.039, 1.255, 0.290}

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
// asked, the log of its length in terms, the inverse of its place, and
// the product of its coverages.
func (ix *Index) closestFeatures(h Hit, i int, top, maxBM25 float64) [len(closestWeights)]float64 {
	typed := 0.0
	if h.HasType {
		typed = 1
	}
	return [...]float64{
		h.Score / max(top, 1e-9), h.BM25 / max(maxBM25, 1e-9), h.Coverage, h.WindowCoverage,
		h.Proximity, h.Phrase, typed, math.Log(1 + float64(len(ix.sentTerms[h.Sentence]))),
		1 / float64(1+i), h.Coverage * h.WindowCoverage,
	}
}
