package retrieval

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
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
			n := 4 + rng.IntN(6)
			for i := range n {
				w := words[rng.IntN(len(words))]
				if i == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				fmt.Fprintf(&b, "%s ", w)
			}
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
	for _, n := range []int{0, 1, 100, 2047, 2048, 5000, 9999} {
		sc := &scratch{cells: make([]cell, 10000)}
		perm := rng.Perm(10000)[:n]
		for _, p := range perm {
			sc.touched = append(sc.touched, int32(p))
		}
		want := slices.Clone(sc.touched)
		slices.Sort(want)
		sc.sortTouched()
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
