package retrieval

import (
	"testing"
)

// TestClosestOrder checks the learnt order of a book's closest passages on
// hand-made hits: a hit that holds a candidate of the type asked and whose
// window covers the question leads over a slightly better-scored one that
// does neither; in an article the hits keep their order.
func TestClosestOrder(t *testing.T) {
	ix := mentionIndex(t)
	hits := []Hit{
		{Sentence: 0, Score: 10, BM25: 8, Coverage: 0.5, WindowCoverage: 0.5, Proximity: 0.8},
		{Sentence: 1, Score: 9.5, BM25: 7, Coverage: 0.5, WindowCoverage: 0.9, Proximity: 0.4, HasType: true},
		{Sentence: 2, Score: 5, BM25: 4, Coverage: 0.3, WindowCoverage: 0.3},
	}
	for _, tt := range []struct {
		long float64
		want []int
	}{
		{0, []int{0, 1, 2}},
		{1, []int{1, 0, 2}},
	} {
		ix.long = tt.long
		got := ix.closest(hits)
		var order []int
		for _, h := range got {
			order = append(order, h.Sentence)
		}
		if len(order) != len(tt.want) {
			t.Fatalf("long %v: %d hits, want %d", tt.long, len(order), len(tt.want))
		}
		for i := range order {
			if order[i] != tt.want[i] {
				t.Errorf("long %v: order %v, want %v", tt.long, order, tt.want)
				break
			}
		}
		if hits[0].Sentence != 0 {
			t.Fatalf("closest reordered the hits themselves")
		}
	}
	// Beyond the first closestHits the order is the hits' own.
	ix.long = 1
	many := make([]Hit, closestHits+5)
	for i := range many {
		many[i] = Hit{Sentence: i % len(ix.sentTerms), Score: float64(100 - i), BM25: 1, Coverage: 0.5, WindowCoverage: 0.5}
	}
	got := ix.closest(many)
	for i := closestHits; i < len(many); i++ {
		if got[i].Score != many[i].Score {
			t.Errorf("hit %d moved: score %v, want %v", i, got[i].Score, many[i].Score)
		}
	}
}

// TestClosestArticle checks that an article's closest passages are its
// hits, in their order.
func TestClosestArticle(t *testing.T) {
	ix := NewIndex(loadStory(t))
	res := ix.Search(Query{Text: "Where did Macron meet Putin?", Limit: 8})
	if len(res.Closest) != len(res.Hits) {
		t.Fatalf("%d closest, %d hits", len(res.Closest), len(res.Hits))
	}
	for i := range res.Hits {
		if res.Closest[i].Sentence != res.Hits[i].Sentence {
			t.Errorf("closest %d is sentence %d, hit %d", i, res.Closest[i].Sentence, res.Hits[i].Sentence)
		}
	}
}
