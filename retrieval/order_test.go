package retrieval

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"storybot/corpus"
)

// TestTouchedOrder checks that the touched sentences, sorted in a big
// corpus for the sake of the caches, are ranked exactly as unsorted: the
// same hits with the same scores, for queries that touch few sentences
// (sorted in place) and many (sorted through the bitmap).
func TestTouchedOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("miller river stone wheel captain letter horse village ledger hammer gate winter " +
		"morning coach inn daughter father brother gold bread candle road bridge church storm")
	var b strings.Builder
	for p := range 600 {
		for s := range 8 {
			writeWords(&b, rng, words, 4+rng.IntN(6))
			fmt.Fprintf(&b, "%d. ", p*8+s)
		}
		b.WriteString("\n\n")
	}
	c, err := corpus.Load(fstest.MapFS{"book.txt": {Data: []byte(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	queries := []string{"Who brought the gold to the inn?", "miller river stone wheel", "captain 17", "Where is the bridge by the church in winter?", "hammer"}
	defer func(v int) { sortTouchedFrom = v }(sortTouchedFrom)
	for _, q := range queries {
		sortTouchedFrom = 1 << 62
		want := ix.Search(Query{Text: q, Limit: 20})
		sortTouchedFrom = 0
		got := ix.Search(Query{Text: q, Limit: 20})
		if len(want.Hits) == 0 {
			t.Fatalf("%q: no hits", q)
		}
		if !reflect.DeepEqual(got.Hits, want.Hits) {
			t.Errorf("%q: sorted touched sentences rank differently:\n got %+v\nwant %+v", q, got.Hits[:3], want.Hits[:3])
		}
	}
}

func TestSortTouched(t *testing.T) {
	defer func(v int) { sortTouchedFrom = v }(sortTouchedFrom)
	sortTouchedFrom = 0
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 100, 2047, 2048, 5000, 9999, 10000} {
		sc := &scratch{cells: make([]cell, 10001)}
		for _, p := range rng.Perm(10000)[:n] {
			sc.touched = append(sc.touched, int32(p))
		}
		want := slices.Clone(sc.touched)
		slices.Sort(want)
		sc.sortTouched(1 << 20)
		if !slices.Equal(sc.touched, want) {
			t.Fatalf("%d sentences: not sorted", n)
		}
		for i, w := range sc.bits {
			if w != 0 {
				t.Fatalf("%d sentences: bitmap word %d left set", n, i)
			}
		}
		if n >= 2048 && len(sc.bits) == 0 {
			t.Fatalf("%d sentences: the bitmap was not used", n)
		}
	}
}

// TestBlocksAndPruning checks that going through the sentences by blocks
// of documents, and skipping the sentences whose score bound is below the
// worst kept, rank exactly as one pass over every touched sentence: the
// same hits with the same scores, in a corpus of several documents read
// as a book, with questions that hide later sentences, point to the end
// or come from a conversation.
func TestBlocksAndPruning(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	words := strings.Fields("miller river stone wheel captain letter horse village ledger hammer gate winter " +
		"morning coach inn daughter father brother gold bread candle road bridge church storm he she it")
	fsys := fstest.MapFS{}
	for d := range 5 {
		var b strings.Builder
		for p := range 40 + 30*d {
			for s := range 1 + rng.IntN(6) {
				writeWords(&b, rng, words, 3+rng.IntN(8))
				fmt.Fprintf(&b, "in %d. ", 1800+p*8+s)
			}
			b.WriteString("\n\n")
		}
		fsys[fmt.Sprintf("book%d.txt", d)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	ix.long = 1 // read it as a book
	n := len(c.Sentences)
	queries := []Query{
		{Text: "Who brought the gold to the inn?"},
		{Text: "miller river stone wheel"},
		{Text: "When did the captain cross the bridge?"},
		{Text: "Where is the church in winter?", Before: n / 2},
		{Text: "What happened to the hammer at the end of the book?"},
		{Text: "the horse", Near: []int{n / 3, n/3 + 1}},
		{Text: "gold", Before: n - 1},
	}
	defer func(p bool, b []int32) { pruneFirstStage, ix.blocks = p, b }(pruneFirstStage, ix.blocks)
	for _, q := range queries {
		q.Limit = 40
		pruneFirstStage, ix.blocks = false, []int32{0, int32(n)}
		ix.scratch = sync.Pool{}
		want := ix.Search(q)
		if len(want.Hits) < 10 {
			t.Fatalf("%q: %d hits", q.Text, len(want.Hits))
		}
		for _, size := range []int{1, 50, 1 << 20} {
			for _, prune := range []bool{false, true} {
				pruneFirstStage, ix.blocks = prune, searchBlocks(ix.sentDoc, size)
				ix.scratch = sync.Pool{}
				got := ix.Search(q)
				if !reflect.DeepEqual(got.Hits, want.Hits) {
					t.Errorf("%q, blocks of %d, pruned %v: ranked differently:\n got %+v\nwant %+v", q.Text, size, prune, got.Hits[:3], want.Hits[:3])
				}
			}
		}
	}
}

func TestSearchBlocks(t *testing.T) {
	for _, tc := range []struct {
		docs []int32
		size int
		want []int32
	}{
		{nil, 4, []int32{0, 0}},
		{[]int32{0, 0, 0}, 4, []int32{0, 3}},
		{[]int32{0, 0, 1, 1, 1, 2, 3, 3}, 1, []int32{0, 2, 5, 6, 8}},
		{[]int32{0, 0, 1, 1, 1, 2, 3, 3}, 3, []int32{0, 5, 8}},
		{[]int32{0, 0, 1, 1, 1, 2, 3, 3}, 100, []int32{0, 8}},
	} {
		if got := searchBlocks(tc.docs, tc.size); !slices.Equal(got, tc.want) {
			t.Errorf("searchBlocks(%v, %d) = %v, want %v", tc.docs, tc.size, got, tc.want)
		}
	}
}

// writeWords writes n of words drawn by rng, the first capitalized, each
// followed by a space: a made sentence without its end.
func writeWords(b *strings.Builder, rng *rand.Rand, words []string, n int) {
	for i := range n {
		w := words[rng.IntN(len(words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		fmt.Fprintf(b, "%s ", w)
	}
}
