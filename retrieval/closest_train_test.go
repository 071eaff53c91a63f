package retrieval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"storybot/corpus"
)

// TestTrainClosest learns [closestWeights] from book question sets and
// reports how the learnt order does on each book left out. It runs only
// when STORYBOT_TRAIN_CLOSEST names a file of lines "corpus-dir<TAB>
// questions.jsonl" (the question format of ../shared/eval, evidence
// included), as the sets it was trained on are not all in the
// repository:
//
//	STORYBOT_TRAIN_CLOSEST=sets.tsv go test ./retrieval -run TestTrainClosest -v
func TestTrainClosest(t *testing.T) {
	list := os.Getenv("STORYBOT_TRAIN_CLOSEST")
	if list == "" {
		t.Skip("set STORYBOT_TRAIN_CLOSEST to a list of book question sets to train the closest-passage order")
	}
	data, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	byBook := map[string][]closestExample{}
	var books []string
	indexes := map[string]*Index{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		dir, file, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		ix := indexes[dir]
		if ix == nil {
			c, err := corpus.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			ix = NewIndex(c)
			indexes[dir] = ix
			books = append(books, dir)
		}
		byBook[dir] = append(byBook[dir], closestExamples(t, ix, file)...)
	}
	var all []closestExample
	base, learnt, cur := [3]int{}, [3]int{}, [3]int{}
	for _, b := range books {
		var train []closestExample
		for _, o := range books {
			if o != b {
				train = append(train, byBook[o]...)
			}
		}
		w := trainClosest(train)
		bb, lb := closestHitsAt(byBook[b], nil), closestHitsAt(byBook[b], w)
		for i := range base {
			base[i] += bb[i]
			learnt[i] += lb[i]
		}
		cb := closestHitsAt(byBook[b], closestWeights[:])
		for i := range cur {
			cur[i] += cb[i]
		}
		t.Logf("%s left out: evidence first, in the first 3, in the first 10: %v → %v (current %v)", filepath.Base(b), bb, lb, cb)
		all = append(all, byBook[b]...)
	}
	t.Logf("all books, each left out: %v → %v of %d questions (current %v)", base, learnt, len(all), cur)
	w := trainClosest(all)
	parts := make([]string, len(w))
	for i, x := range w {
		parts[i] = fmt.Sprintf("%.3f", x)
	}
	t.Logf("closestWeights = [...]float64{%s}", strings.Join(parts, ", "))
}

// closestExample is one question's first hits: their features and whether
// each holds the evidence.
type closestExample struct {
	x  [][len(closestWeights)]float64
	ev []bool
}

// closestExamples searches a set's answerable questions and marks the hits
// that hold their evidence.
func closestExamples(t *testing.T, ix *Index, file string) []closestExample {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	norm := func(s string) string {
		r := strings.NewReplacer("\u201c", "\"", "\u201d", "\"", "\u2018", "'", "\u2019", "'")
		return strings.Join(strings.Fields(strings.ToLower(r.Replace(s))), " ")
	}
	var out []closestExample
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var q struct {
			Question   string
			History    []string
			Answerable bool
			Evidence   []string
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !q.Answerable {
			continue
		}
		hits := ix.Search(Query{Text: q.Question, History: q.History, Limit: closestHits}).Hits
		if len(hits) == 0 {
			continue
		}
		// The best score and BM25 of the hits: an age question's hits
		// come with the sentences that state an age first, whatever their
		// score ([Index.agesFirst]), where [Index.closest] weighs them
		// before that.
		maxBM25, top := 0.0, hits[0].Score
		for _, h := range hits {
			maxBM25 = max(maxBM25, h.BM25)
			top = max(top, h.Score)
		}
		var ex closestExample
		for i, h := range hits {
			text := norm(ix.corpus.Sentences[h.Sentence].Text)
			holds := false
			for _, e := range q.Evidence {
				e = norm(e)
				holds = holds || strings.Contains(text, e) || len(text) > 20 && strings.Contains(e, text)
			}
			ex.x = append(ex.x, ix.closestFeatures(h, i, top, maxBM25))
			ex.ev = append(ex.ev, holds)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// trainClosest fits a pairwise logistic ranker, each hit that holds the
// evidence against each that does not, by full gradient descent with an
// L2 penalty.
func trainClosest(exs []closestExample) []float64 {
	const (
		l2    = 0.003
		rate  = 2.0
		steps = 1500
	)
	var pairs [][len(closestWeights)]float64
	for _, ex := range exs {
		for i, pos := range ex.ev {
			if !pos {
				continue
			}
			for j, neg := range ex.ev {
				if neg {
					continue
				}
				var d [len(closestWeights)]float64
				for k := range d {
					d[k] = ex.x[i][k] - ex.x[j][k]
				}
				pairs = append(pairs, d)
			}
		}
	}
	w := make([]float64, len(closestWeights))
	if len(pairs) == 0 {
		return w
	}
	for range steps {
		g := make([]float64, len(w))
		for _, d := range pairs {
			s := 0.0
			for k, x := range d {
				s += w[k] * x
			}
			p := 1 / (1 + math.Exp(max(-30, min(30, s))))
			for k, x := range d {
				g[k] += p * x
			}
		}
		for k := range w {
			w[k] += rate * (g[k]/float64(len(pairs)) - l2*w[k])
		}
	}
	return w
}

// closestHitsAt counts the questions whose evidence is first, in the first
// 3 and in the first 10 when the hits are ordered by w (by their own order
// when w is nil).
func closestHitsAt(exs []closestExample, w []float64) [3]int {
	var n [3]int
	for _, ex := range exs {
		order := make([]int, len(ex.ev))
		for i := range order {
			order[i] = i
		}
		if w != nil {
			key := make([]float64, len(ex.ev))
			for i, x := range ex.x {
				for k, v := range x {
					key[i] += w[k] * v
				}
			}
			slices.SortStableFunc(order, func(a, b int) int {
				switch {
				case key[a] > key[b]:
					return -1
				case key[a] < key[b]:
					return 1
				}
				return 0
			})
		}
		for c, top := range [3]int{1, 3, 10} {
			for _, i := range order[:min(top, len(order))] {
				if ex.ev[i] {
					n[c]++
					break
				}
			}
		}
	}
	return n
}
