package main

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"storybot/answer"
	"storybot/corpus"
	"storybot/internal/shareddir"
	"storybot/retrieval"
)

// TestTrainConfidence trains the decision to answer (answer/confidence.go)
// on the development sets: the story sets, the three books of
// ../shared/eval/books and SQuAD v1.1 and 2.0 dev-a. It runs only with
// STORYBOT_TRAIN=1; for each of the two models (books, articles) it prints,
// for two folds (each trained on one half of every kind of set and scored
// on the other), the held-out figures at each threshold (h: answered with
// the evidence first, r: answered right, a: abstain, p: precision), then
// trains on all and, with STORYBOT_TRAIN=write-book or write-article,
// rewrites that model's file in answer/.
func TestTrainConfidence(t *testing.T) {
	mode := os.Getenv("STORYBOT_TRAIN")
	if mode == "" {
		t.Skip("set STORYBOT_TRAIN=1 to train the decision to answer")
	}
	groups := trainingSets(t)
	names := answer.SignalNames()
	// Two folds: A holds the first half of each kind of set, B the rest.
	var foldA, foldB []example
	for _, g := range groups {
		for i, ex := range g.examples {
			if g.fold(i) == 0 {
				foldA = append(foldA, ex)
			} else {
				foldB = append(foldB, ex)
			}
		}
	}
	var all []example
	for _, g := range groups {
		all = append(all, g.examples...)
	}
	for _, kind := range []modelKind{bookKind, articleKind} {
		fmt.Printf("== the %s model (%s)\n", kind.name, kind.about)
		for k, fold := range [2][2][]example{{foldA, foldB}, {foldB, foldA}} {
			m := trainLogistic(kind.select_(fold[0]), len(names), 1)
			fmt.Printf("fold %d: trained on %d, scored on the other half, held out\n", k+1, len(kind.select_(fold[0])))
			printCurve(kind.scored(fold[1]), m, kind)
		}
		m := trainLogistic(kind.select_(all), len(names), 1)
		fmt.Println("all sets, trained on all (not held out):")
		printCurve(kind.scored(all), m, kind)
		for i, n := range names {
			fmt.Printf("  %-28s %+.3f\n", n, m.weights[i])
		}
		fmt.Printf("  %-28s %+.3f\n", "bias", m.bias)
		if mode == "write-"+kind.name {
			writeModel(t, m, names, kind)
		}
	}
}

// modelKind is one of the two confidence models: which examples it learns
// from, what it learns to tell, and how its threshold applies.
type modelKind struct {
	name, about, file, variable string
	// learns selects the examples a model of this kind learns from.
	learns func(example) bool
	// label is what it estimates.
	label func(example) bool
	// scaled: its threshold is scaled by the text's length in the curve.
	scaled     bool
	thresholds []float64
}

var (
	bookKind = modelKind{name: "book", about: "every set; the best passage holds the evidence", file: "confidence_model.go", variable: "confidenceModel",
		learns: func(example) bool { return true }, label: func(ex example) bool { return ex.hit }, scaled: true,
		thresholds: []float64{0, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5}}
	articleKind = modelKind{name: "article", about: "articles and stories; the answer's text holds the answer", file: "confidence_article_model.go", variable: "articleModel",
		learns: func(ex example) bool { return ex.long < 0.5 }, label: func(ex example) bool { return ex.right },
		thresholds: []float64{0, 0.2, 0.3, 0.35, 0.4, 0.42, 0.45, 0.5, 0.6}}
)

// select_ returns the examples the kind learns from, labelled as it learns.
func (k modelKind) select_(exs []example) []example {
	var out []example
	for _, ex := range exs {
		if k.learns(ex) {
			ex.y = k.label(ex)
			out = append(out, ex)
		}
	}
	return out
}

// scored returns the examples the kind's curve is scored on: for the
// article model the short texts only.
func (k modelKind) scored(exs []example) []example {
	if k.scaled {
		return exs
	}
	return k.select_(exs)
}

// example is one question's signals and whether the best passage answers
// it, in the set it belongs to.
type example struct {
	set        string
	x          []float64
	ruled      bool    // a hand rule refuses it
	long       float64 // how long the corpus is
	y          bool    // the best passage answers (its first citation holds the evidence)
	hit        bool    // the same, kept when y is set to another label
	right      bool    // the answer's text holds a gold answer
	answerable bool
	weight     float64
}

type trainingGroup struct {
	examples []example
	fold     func(i int) int
}

// trainingSets assesses every development question.
func trainingSets(t *testing.T) []trainingGroup {
	t.Helper()
	type spec struct {
		name, file, corpusFile string
		weight                 float64
	}
	shared := func(elem ...string) string {
		p, err := shareddir.Path(elem...)
		if err != nil {
			t.Skip(err)
		}
		return p
	}
	books := shared("corpora", "gutenberg")
	// Each kind of set weighs about as much as the others together: the
	// books and the story are few questions, SQuAD many.
	specs := []spec{
		{"story-dev", shared("eval", "story-dev.jsonl"), "", 20},
		{"story-extra", "testdata/story-extra.jsonl", "", 20},
		{"pride", shared("eval", "books", "pride-dev.jsonl"), filepath.Join(books, "pg1342.txt"), 100},
		{"dracula", shared("eval", "books", "dracula-dev.jsonl"), filepath.Join(books, "pg345.txt"), 100},
		{"metamorphosis", shared("eval", "books", "metamorphosis-dev.jsonl"), filepath.Join(books, "pg5200.txt"), 100},
		{"squad1", shared("bench", "squad", "dev-v1.1.json"), "", 0.5},
		{"squad2", shared("bench", "squad2", "dev-v2.0-a.json"), "", 2},
	}
	var groups []trainingGroup
	story := map[string]int{"story-dev": 0, "story-extra": 1, "pride": 0, "dracula": 1, "metamorphosis": 1}
	for _, sp := range specs {
		sets, err := readEvalSets(sp.file)
		if err != nil {
			t.Fatal(err)
		}
		var g trainingGroup
		var articles []int // example index → article
		for ai, set := range sets {
			c := set.corpus
			if c == nil {
				if sp.corpusFile == "" {
					c, err = loadCorpus("", nil)
				} else {
					c, err = corpus.LoadDir(tempCopy(t, sp.corpusFile))
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			eng := answer.New(retrieval.NewIndex(c), answer.Options{})
			for _, q := range set.questions {
				as, err := eng.Assess(context.Background(), answer.Question{Text: q.Question, History: q.History, Mode: answer.ModeKeyword})
				if err != nil || !as.OK {
					continue // never answered: nothing to decide
				}
				var sc scores
				sc.add(q, as.Answer, nil)
				g.examples = append(g.examples, example{set: sp.name, x: as.Signals.Vector(), y: sc.hit1 == 1, hit: sc.hit1 == 1, right: sc.right == 1,
					ruled: as.Signals.RuledOut(), long: as.Signals.Long,
					answerable: q.Answerable, weight: sp.weight})
				articles = append(articles, ai)
			}
		}
		if f, ok := story[sp.name]; ok {
			g.fold = func(int) int { return f }
		} else {
			arts := articles
			g.fold = func(i int) int { return arts[i] % 2 } // alternate articles
		}
		groups = append(groups, g)
	}
	return groups
}

// tempCopy copies one book into a folder of its own, as its corpus.
func tempCopy(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(file)), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

type logistic struct {
	bias    float64
	weights []float64
}

func (m logistic) prob(x []float64) float64 {
	z := m.bias
	for i, w := range m.weights {
		z += w * x[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// trainLogistic fits a weighted logistic regression with an L2 penalty of
// lambda by Newton's method.
func trainLogistic(exs []example, dims int, lambda float64) logistic {
	n := dims + 1
	w := make([]float64, n) // w[dims] is the bias
	x := func(ex example, j int) float64 {
		if j == dims {
			return 1
		}
		return ex.x[j]
	}
	for iter := 0; iter < 30; iter++ {
		grad := make([]float64, n)
		hess := make([][]float64, n)
		for i := range hess {
			hess[i] = make([]float64, n)
		}
		for _, ex := range exs {
			z := 0.0
			for j := range n {
				z += w[j] * x(ex, j)
			}
			p := 1 / (1 + math.Exp(-z))
			y := 0.0
			if ex.y {
				y = 1
			}
			for j := range n {
				grad[j] += ex.weight * (p - y) * x(ex, j)
				for k := range n {
					hess[j][k] += ex.weight * p * (1 - p) * x(ex, j) * x(ex, k)
				}
			}
		}
		for j := range dims {
			grad[j] += lambda * w[j]
			hess[j][j] += lambda
		}
		hess[dims][dims] += 1e-6
		step := solve(hess, grad)
		change := 0.0
		for j := range n {
			w[j] -= step[j]
			change = max(change, math.Abs(step[j]))
		}
		if change < 1e-7 {
			break
		}
	}
	return logistic{bias: w[dims], weights: w[:dims]}
}

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if math.Abs(m[c][c]) < 1e-12 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		if math.Abs(m[r][r]) < 1e-12 {
			continue
		}
		v := m[r][n]
		for k := r + 1; k < n; k++ {
			v -= m[r][k] * x[k]
		}
		x[r] = v / m[r][r]
	}
	return x
}

// printCurve prints, per set and threshold, what answering above the
// threshold gives: hit@1 (of the answerable questions), abstention (of the
// unanswerable ones) and precision (of the answers given).
func printCurve(exs []example, m logistic, kind modelKind) {
	thresholds := kind.thresholds
	bySet := map[string][]example{}
	for _, ex := range exs {
		bySet[ex.set] = append(bySet[ex.set], ex)
	}
	sets := make([]string, 0, len(bySet))
	for s := range bySet {
		sets = append(sets, s)
	}
	sort.Strings(sets)
	pool := map[string]string{"pride": "books", "dracula": "books", "metamorphosis": "books"}
	for s, ex := range bySet {
		if p, ok := pool[s]; ok {
			bySet[p] = append(bySet[p], ex...)
		}
	}
	if len(bySet["books"]) > 0 {
		sets = append(sets, "books")
	}
	for _, s := range sets {
		var b strings.Builder
		fmt.Fprintf(&b, "  %-14s", s)
		for _, th := range thresholds {
			var ans, hit, unans, abst, found, right int
			for _, ex := range bySet[s] {
				th := th
				if kind.scaled {
					th *= ex.long
				}
				yes := !ex.ruled && m.prob(ex.x) >= th
				if ex.answerable {
					ans++
				} else {
					unans++
				}
				if yes {
					found++
					if ex.hit {
						hit++
					}
					if ex.right {
						right++
					}
				} else if !ex.answerable {
					abst++
				}
			}
			fmt.Fprintf(&b, " | %.2f h%s r%s a%s p%s", th, share(hit, ans), share(right, ans), share(abst, unans), share(right, found))
		}
		fmt.Println(b.String())
	}
}

func share(x, n int) string {
	if n == 0 {
		return "  -  "
	}
	return fmt.Sprintf("%.3f", float64(x)/float64(n))
}

// writeModel rewrites answer/confidence_model.go with the trained weights.
func writeModel(t *testing.T, m logistic, names []string, kind modelKind) {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintln(&b, "// Code generated by cmd/storybot TestTrainConfidence; DO NOT EDIT.")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "package answer")
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "// %s is the trained decision to answer: the %s model (%s; see confidence.go).\n", kind.variable, kind.name, kind.about)
	fmt.Fprintf(&b, "var %s = model{bias: %.4f, weights: []float64{\n", kind.variable, m.bias)
	for i, n := range names {
		fmt.Fprintf(&b, "\t%.4f, // %s\n", m.weights[i], n)
	}
	fmt.Fprintln(&b, "}}")
	src, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "answer", kind.file), src, 0o644); err != nil {
		t.Fatal(err)
	}
}
