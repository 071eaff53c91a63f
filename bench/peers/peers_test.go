// Package peers measures storybot's index against a search library on the
// same sentences and queries. It is a module of its own so that the product
// does not depend on the library it is measured against.
package peers

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"storybot/corpus"
	"storybot/retrieval"
)

// books loads the nine shared Gutenberg books, copies times over as
// distinct documents.
func books(tb testing.TB, copies int) *corpus.Corpus {
	tb.Helper()
	dir := "../../../shared/corpora/gutenberg"
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Skip("no ../shared/corpora/gutenberg")
	}
	fsys := fstest.MapFS{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for k := range copies {
			fsys[fmt.Sprintf("copy%02d/%s", k, filepath.Base(f))] = &fstest.MapFile{Data: data}
		}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// queries are 320 questions: the 150 reader questions of the three book
// dev sets (../shared/eval/books), and, to make up the rest, the first eight
// words of every so-many-th sentence, as a reader would type a remembered
// line.
func queries(tb testing.TB, c *corpus.Corpus) []string {
	var out []string
	for _, f := range []string{"pride", "dracula", "metamorphosis"} {
		data, err := os.ReadFile("../../../shared/eval/books/" + f + "-dev.jsonl")
		if err != nil {
			tb.Skip(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var q struct{ Question string }
			if json.Unmarshal([]byte(line), &q) == nil {
				out = append(out, q.Question)
			}
		}
	}
	step := len(c.Sentences) / 200
	for i := 0; len(out) < 320 && i < len(c.Sentences); i += step {
		w := strings.Fields(c.Sentences[i].Text)
		if len(w) < 6 {
			continue
		}
		out = append(out, strings.Join(w[:min(8, len(w))], " "))
	}
	return out
}

func bleveIndex(tb testing.TB, c *corpus.Corpus) bleve.Index {
	tb.Helper()
	m := mapping.NewIndexMapping()
	m.DefaultAnalyzer = "en"
	m.IndexDynamic = false
	m.StoreDynamic = false
	dm := mapping.NewDocumentMapping()
	f := mapping.NewTextFieldMapping()
	f.Store = false
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	dm.AddFieldMappingsAt("t", f)
	m.DefaultMapping = dm
	m.ScoringModel = "bm25"
	ix, err := bleve.NewMemOnly(m)
	if err != nil {
		tb.Fatal(err)
	}
	b := ix.NewBatch()
	for i, s := range c.Sentences {
		if err := b.Index(fmt.Sprint(i), map[string]any{"t": s.Text}); err != nil {
			tb.Fatal(err)
		}
		if b.Size() >= 5000 {
			if err := ix.Batch(b); err != nil {
				tb.Fatal(err)
			}
			b = ix.NewBatch()
		}
	}
	if err := ix.Batch(b); err != nil {
		tb.Fatal(err)
	}
	return ix
}

func bleveSearch(ix bleve.Index, q string) int {
	mq := query.NewMatchQuery(q)
	mq.SetField("t")
	req := bleve.NewSearchRequestOptions(mq, 10, 0, false)
	res, err := ix.Search(req)
	if err != nil {
		panic(err)
	}
	return len(res.Hits)
}

// percentiles times each query rounds times, interleaved with the other
// engine, and returns the p50 and p99 of the per-query medians.
func percentiles(times [][]time.Duration) (p50, p99 time.Duration) {
	var meds []time.Duration
	for _, ts := range times {
		s := append([]time.Duration(nil), ts...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		meds = append(meds, s[len(s)/2])
	}
	sort.Slice(meds, func(i, j int) bool { return meds[i] < meds[j] })
	return meds[len(meds)/2], meds[len(meds)*99/100]
}

// TestPeers prints p50 and p99 query times of storybot and bleve (BM25)
// on the same sentences and queries, at 1× and 16× the books, rounds
// interleaved. Run with PEERS=1 (it takes a minute or two).
func TestPeers(t *testing.T) {
	if os.Getenv("PEERS") == "" {
		t.Skip("set PEERS=1 to compare with bleve")
	}
	for _, copies := range peerCopies() {
		c := books(t, copies)
		start := time.Now()
		six := retrieval.NewIndex(c)
		sbuild := time.Since(start)
		start = time.Now()
		bix := bleveIndex(t, c)
		bbuild := time.Since(start)
		qs := queries(t, c)
		const rounds = 5
		st, bt := make([][]time.Duration, len(qs)), make([][]time.Duration, len(qs))
		for _, q := range qs { // warm both
			six.Search(retrieval.Query{Text: q, Limit: 10})
			bleveSearch(bix, q)
		}
		for r := 0; r < rounds; r++ {
			for i, q := range qs {
				t0 := time.Now()
				six.Search(retrieval.Query{Text: q, Limit: 10})
				t1 := time.Now()
				bleveSearch(bix, q)
				t2 := time.Now()
				st[i] = append(st[i], t1.Sub(t0))
				bt[i] = append(bt[i], t2.Sub(t1))
			}
		}
		s50, s99 := percentiles(st)
		b50, b99 := percentiles(bt)
		fmt.Printf("%2d× books (%d sentences): build storybot %v bleve %v | query p50 storybot %v bleve %v (%.2f×) | p99 storybot %v bleve %v (%.2f×)\n",
			copies, len(c.Sentences), sbuild.Round(time.Millisecond), bbuild.Round(time.Millisecond),
			s50, b50, float64(b50)/float64(s50), s99, b99, float64(b99)/float64(s99))
		bix.Close()
	}
}

// peerCopies is how many copies of the books each round indexes: 1 and 16,
// or PEERS_COPIES ("1,4").
func peerCopies() []int {
	out := []int{1, 16}
	if v := os.Getenv("PEERS_COPIES"); v != "" {
		out = nil
		for _, f := range strings.Split(v, ",") {
			var n int
			fmt.Sscan(f, &n)
			if n > 0 {
				out = append(out, n)
			}
		}
	}
	return out
}

// TestGrowth prints how storybot's query time grows with the corpus: the
// indexes of 1×, 4× and 16× the books are built side by side and the same
// queries timed on each in turn, round after round, so that a busy machine
// slows all three alike. Run with PEERS=1.
func TestGrowth(t *testing.T) {
	if os.Getenv("PEERS") == "" {
		t.Skip("set PEERS=1 to measure growth")
	}
	sizes := []int{1, 4, 16}
	var ixs []*retrieval.Index
	for _, n := range sizes {
		ixs = append(ixs, retrieval.NewIndex(books(t, n)))
	}
	qs := queries(t, books(t, 1))
	const rounds = 7
	times := make([][][]time.Duration, len(sizes))
	for k := range sizes {
		times[k] = make([][]time.Duration, len(qs))
	}
	for _, ix := range ixs {
		for _, q := range qs {
			ix.Search(retrieval.Query{Text: q, Limit: 10})
		}
	}
	// Each round runs all the queries on one index, then on the next, so
	// that each index has the caches to itself as it would alone.
	for r := 0; r < rounds; r++ {
		for k, ix := range ixs {
			for i, q := range qs {
				t0 := time.Now()
				ix.Search(retrieval.Query{Text: q, Limit: 10})
				times[k][i] = append(times[k][i], time.Since(t0))
			}
		}
	}
	var p50s, p99s []time.Duration
	for k := range sizes {
		p50, p99 := percentiles(times[k])
		p50s, p99s = append(p50s, p50), append(p99s, p99)
	}
	for k, n := range sizes {
		line := fmt.Sprintf("%2d× books: query p50 %v p99 %v", n, p50s[k], p99s[k])
		if k > 0 {
			line += fmt.Sprintf(" | %d× the corpus of the line above: p50 %.2f×, p99 %.2f× the time", n/sizes[k-1],
				float64(p50s[k])/float64(p50s[k-1]), float64(p99s[k])/float64(p99s[k-1]))
		}
		fmt.Println(line)
	}
}
