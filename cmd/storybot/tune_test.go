package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"storybot/answer"
	"storybot/internal/shareddir"
	"storybot/retrieval"
)

// TestTune explores ranking parameters on the dev sets. It runs only with
// STORYBOT_TUNE=1 and prints a table; it asserts nothing.
func TestTune(t *testing.T) {
	if os.Getenv("STORYBOT_TUNE") == "" {
		t.Skip("set STORYBOT_TUNE=1 to explore ranking parameters")
	}
	squad, err1 := shareddir.Path("bench", "squad", "dev-v1.1.json")
	dev, err2 := shareddir.Path("eval", "story-dev.jsonl")
	if err := errors.Join(err1, err2); err != nil {
		t.Skip(err)
	}
	sq, err := readEvalSets(squad)
	if err != nil {
		t.Fatal(err)
	}
	story, err := readEvalSets(dev)
	if err != nil {
		t.Fatal(err)
	}
	extra, err := readEvalSets("testdata/story-extra.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := loadCorpus("", nil)
	story[0].corpus = c
	type built struct {
		eng *answer.Engine
		qs  []goldQuestion
	}
	var sqb, stb []built
	for _, s := range sq {
		sqb = append(sqb, built{answer.New(retrieval.NewIndex(s.corpus), answer.Options{}), s.questions})
	}
	stb = append(stb, built{answer.New(retrieval.NewIndex(story[0].corpus), answer.Options{}), story[0].questions})
	exb := []built{{answer.New(retrieval.NewIndex(c), answer.Options{}), extra[0].questions}}
	score := func(bs []built, p retrieval.Params, th answer.Thresholds) scores {
		var sc scores
		for _, b := range bs {
			b.eng.Index().SetParams(p)
			b.eng.SetThresholds(th)
			for _, g := range b.qs {
				a, _ := b.eng.Answer(context.Background(), answer.Question{Text: g.Question, History: g.History, Mode: answer.ModeKeyword})
				sc.add(g, a, nil)
			}
		}
		return sc
	}
	type knob struct {
		name string
		vals []float64
		set  func(p *retrieval.Params, th *answer.Thresholds, v float64)
	}
	knobs := []knob{
		{"K1", []float64{0.9, 1.5}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.K1 = v }},
		{"B", []float64{0.35, 0.65}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.B = v }},
		{"Window", []float64{0.1, 0.4}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Window = v }},
		{"Coverage", []float64{0.45, 0.8}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Coverage = v }},
		{"WindowCoverage", []float64{0.3, 0.7}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.WindowCoverage = v }},
		{"Proximity", []float64{0.2, 0.4}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Proximity = v }},
		{"Type", []float64{0.1}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Type = v }},
		{"Expansion", []float64{0.4, 0.8}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Expansion = v }},
		{"Phrase", []float64{0.1, 0.3}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Phrase = v }},
		{"Paragraph", []float64{0.05, 0.3}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Paragraph = v }},
		{"Synonym", []float64{0.4, 1}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Synonym = v }},
		{"WordNet", []float64{0.1, 0.35}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.WordNet = v }},
		{"Derived", []float64{0.25, 0.6}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Derived = v }},
		{"Predicate", []float64{1, 1.5}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Predicate = v }},
		{"Spelling", []float64{0, 0.7, 1}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Spelling = v }},
		{"Near", []float64{0, 0.3, 0.4, 0.6, 0.8}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Near = v }},
		{"Exact", []float64{0.4, 1}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Exact = v }},
		{"Anaphora", []float64{0.25, 0.55}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.Anaphora = v }},
		{"AnaphoraStrong", []float64{0.45, 0.75}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { p.AnaphoraStrong = v }},
		{"PredicateFallback", []float64{0, 0.95}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { th.PredicateFallback = v }},
		{"TypedFallback", []float64{0.5, 0.6, 0.65, 0.75, 0.8}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { th.TypedFallback = v }},
		{"NextLeads", []float64{0, 0.5, 0.7}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { th.NextLeads = v }},
		{"Unknown", []float64{0.3, 0.35, 0.4, 0.5}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { th.Unknown = v }},
		{"Attribution", []float64{0}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { th.Attribution = v > 0 }},
		{"UnknownCoverage", []float64{0.65, 0.7, 0.75}, func(p *retrieval.Params, th *answer.Thresholds, v float64) { th.UnknownCoverage = v }},
	}
	// STORYBOT_TUNE_KNOBS="K1,B" explores only the knobs it names.
	if only := os.Getenv("STORYBOT_TUNE_KNOBS"); only != "" {
		var kept []knob
		for _, k := range knobs {
			if slices.Contains(strings.Split(only, ","), k.name) {
				kept = append(kept, k)
			}
		}
		knobs = kept
	}
	p, th := retrieval.DefaultParams, answer.DefaultThresholds
	sc, st := score(sqb, p, th), score(stb, p, th)
	ex := score(exb, p, th)
	fmt.Printf("base %+v %+v\n squad %s\n story %s\n extra %s\n", p, th, sc.summary(10570), st.summary(24), ex.summary(len(extra[0].questions)))
	if os.Getenv("STORYBOT_TUNE") == "base" {
		for _, m := range st.misses {
			fmt.Println(m)
		}
		return
	}
	obj := func(sc, st scores) float64 {
		return float64(sc.hit1)/float64(sc.answerable) + 0.3*float64(st.hit1+st.answered)/float64(2*st.answerable) + 0.1*float64(st.abstain)/float64(st.unanswerable)
	}
	best := obj(sc, st)
	for round := 0; round < 2; round++ {
		improved := false
		for _, k := range knobs {
			for _, v := range k.vals {
				p2, th2 := p, th
				k.set(&p2, &th2, v)
				if p2 == p && th2 == th {
					continue
				}
				sc, st, ex := score(sqb, p2, th2), score(stb, p2, th2), score(exb, p2, th2)
				o := obj(sc, st)
				fmt.Printf("%-17s %5.2f squad h1=%.4f ans=%.4f | story h1=%.3f ans=%.3f abst=%.3f | extra h1=%.3f ans=%.3f abst=%.3f | obj=%.4f\n", k.name, v,
					float64(sc.hit1)/float64(sc.answerable), float64(sc.answered)/float64(sc.answerable),
					float64(st.hit1)/float64(st.answerable), float64(st.answered)/float64(st.answerable), float64(st.abstain)/float64(st.unanswerable),
					float64(ex.hit1)/float64(ex.answerable), float64(ex.answered)/float64(ex.answerable), float64(ex.abstain)/float64(ex.unanswerable), o)
				if o > best+0.0005 {
					best, p, th, improved = o, p2, th2, true
					fmt.Printf("  -> keep %+v %+v\n", p, th)
				}
			}
		}
		if !improved {
			break
		}
	}
	fmt.Printf("final %+v %+v obj=%.4f\n", p, th, best)
}
