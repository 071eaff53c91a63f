package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing/fstest"
	"time"
	"unicode"

	"golang.org/x/term"
	"golang.org/x/text/unicode/norm"

	"storybot/answer"
	"storybot/corpus"
	"storybot/retrieval"
)

// goldQuestion is one question of a question set (../shared/eval format).
type goldQuestion struct {
	ID         string   `json:"id"`
	Question   string   `json:"question"`
	Answerable bool     `json:"answerable"`
	Evidence   []string `json:"evidence"`
	AnswerAny  []string `json:"answer_any"`
	History    []string `json:"history"`
}

// evalSet is questions over one corpus.
type evalSet struct {
	name      string
	corpus    *corpus.Corpus // nil: the configured corpus
	questions []goldQuestion
}

// scores are the question-set measures, as ../shared/tools/storyqa-score
// computes them.
type scores struct {
	answerable, unanswerable         int
	hit1, recall3, answered, abstain int
	// found counts found answers, right those whose text holds a gold answer.
	found, right int
	// spans counts found answers with a short answer in bold, spansRight
	// those whose short answer holds a gold answer or is held by one.
	spans, spansRight int
	// viewed counts answerable questions whose evidence is inside the
	// model's view (see [modelViewWords]).
	viewed int
	misses []string
}

// modelViewWords is how many words of the search passages count as what a
// model sees, for the model-view recall.
const modelViewWords = 2000

// viewPassages is how many passages are asked for to fill the model view.
const viewPassages = 64

// inView reports whether one of the evidence strings stands inside the
// first modelViewWords words of the passages.
func inView(evidence []string, passages []answer.Passage) bool {
	left := modelViewWords
	for _, p := range passages {
		if left <= 0 {
			break
		}
		words := strings.Fields(p.Text)
		if len(words) > left {
			words = words[:left]
		}
		left -= len(words)
		t := scoreNorm(strings.Join(words, " "))
		for _, e := range evidence {
			if strings.Contains(t, scoreNorm(e)) {
				return true
			}
		}
	}
	return false
}

// answerHolds reports whether an answer's text holds one of the gold answers.
func answerHolds(g goldQuestion, a answer.Answer) bool {
	at := scoreNorm(a.Text)
	for _, x := range g.AnswerAny {
		if strings.Contains(at, scoreNorm(x)) {
			return true
		}
	}
	return false
}

// spanHolds reports whether an answer's short answer holds one of the gold
// answers or stands inside one ("Darcy" for "Mr. Darcy").
func spanHolds(g goldQuestion, a answer.Answer) bool {
	sp := scoreNorm(a.Span)
	if sp == "" {
		return false
	}
	for _, x := range g.AnswerAny {
		if x := scoreNorm(x); x != "" && (strings.Contains(sp, x) || strings.Contains(x, sp)) {
			return true
		}
	}
	return false
}

func (s *scores) add(g goldQuestion, a answer.Answer, passages []answer.Passage) {
	if a.Found {
		s.found++
		if a.Span != "" {
			s.spans++
			if g.Answerable && spanHolds(g, a) {
				s.spansRight++
			}
		}
	}
	shown := a.Shown()
	texts := make([]string, len(shown))
	for i, c := range shown {
		texts[i] = scoreNorm(c.Text)
	}
	if !g.Answerable {
		s.unanswerable++
		if !a.Found {
			s.abstain++
		} else {
			s.misses = append(s.misses, fmt.Sprintf("%s: answered an unanswerable question q=%q a=%q", g.ID, g.Question, clip(a.Text, 120)))
		}
		return
	}
	s.answerable++
	holds := func(t string) bool {
		for _, e := range g.Evidence {
			if strings.Contains(t, scoreNorm(e)) {
				return true
			}
		}
		return false
	}
	h1 := len(texts) > 0 && holds(texts[0])
	r3 := false
	for _, t := range texts[:min(3, len(texts))] {
		r3 = r3 || holds(t)
	}
	ok := a.Found && answerHolds(g, a)
	view := inView(g.Evidence, passages)
	s.viewed += b2i(view)
	s.right += b2i(ok)
	s.hit1 += b2i(h1)
	s.recall3 += b2i(r3)
	s.answered += b2i(ok)
	if !h1 || !ok {
		s.misses = append(s.misses, fmt.Sprintf("%s: hit1=%d r3=%d answer=%d view=%d q=%q a=%q", g.ID, b2i(h1), b2i(r3), b2i(ok), b2i(view), g.Question, clip(a.Text, 120)))
	}
}

// summary is the figures in one line. A share of nothing ("abstain" with
// no unanswerable question, "precision" with no found answer) is n/a.
func (s *scores) summary(n int) string {
	r := func(x, n int) string {
		if n == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.3f", float64(x)/float64(n))
	}
	return fmt.Sprintf("questions=%d answerable=%d hit@1=%s recall@3=%s answer=%s abstain=%s precision=%s model-view=%s short=%s",
		n, s.answerable, r(s.hit1, s.answerable), r(s.recall3, s.answerable), r(s.answered, s.answerable), r(s.abstain, s.unanswerable),
		r(s.right, s.found), r(s.viewed, s.answerable), r(s.spansRight, s.spans))
}

// evalCounts is eval --json: the counts behind the figures, so that sets
// can be pooled.
type evalCounts struct {
	Questions    int `json:"questions"`
	Answerable   int `json:"answerable"`
	Unanswerable int `json:"unanswerable"`
	Hit1         int `json:"hit1"`
	Recall3      int `json:"recall3"`
	Answered     int `json:"answered"`
	Abstained    int `json:"abstained"`
	Found        int `json:"found"`
	FoundRight   int `json:"found_right"`
	InView       int `json:"in_view"`
	Spans        int `json:"short_answers"`
	SpansRight   int `json:"short_answers_right"`
}

func (s *scores) counts(n int) evalCounts {
	return evalCounts{Questions: n, Answerable: s.answerable, Unanswerable: s.unanswerable, Hit1: s.hit1, Recall3: s.recall3,
		Answered: s.answered, Abstained: s.abstain, Found: s.found, FoundRight: s.right, InView: s.viewed,
		Spans: s.spans, SpansRight: s.spansRight}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

var spaceRE = regexp.MustCompile(`\s+`)

// scoreNorm is the scorer's comparison form: NFKC, straight quotes, folded
// white space, lower case.
func scoreNorm(s string) string {
	s = norm.NFKC.String(s)
	s = strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u2018", "'", "\u2019", "'").Replace(s)
	return strings.ToLower(strings.TrimSpace(spaceRE.ReplaceAllString(s, " ")))
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

func runEval(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := corpusFlag(fs, cfg)
	llm := addLLMFlags(fs)
	verbose := fs.Bool("v", false, "list every question answered wrongly")
	asJSON := fs.Bool("json", false, "print the counts and figures as one JSON object")
	curve := fs.Bool("curve", false, "also print how many questions are answered or refused, and how well, at each confidence threshold (keyword answers)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("eval needs one question file: a story JSONL set or SQuAD v1.1 or 2.0 JSON")
	}
	useModel, err := llm.use(cfg)
	if err != nil {
		return err
	}
	sets, err := readEvalSets(pos[0])
	if err != nil {
		return err
	}
	total := 0
	for _, s := range sets {
		total += len(s.questions)
	}
	progress := newProgress(stderr, total)
	var sc scores
	var cv curvePoints
	start := time.Now()
	mode := modeFor(useModel)
	for _, set := range sets {
		var eng *answer.Engine
		if set.corpus == nil {
			eng, err = loadEngine(ctx, cfg, *corpus, useModel, logger)
		} else {
			eng, err = engineFor(ctx, cfg, set.corpus, useModel, logger)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", set.name, err)
		}
		for _, g := range set.questions {
			q := answer.Question{Text: g.Question, History: g.History, Mode: mode}
			a, err := eng.Answer(ctx, q)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				logger.Warn("question not answered", "id", g.ID, "err", err)
			}
			var passages []answer.Passage
			if g.Answerable {
				passages, _ = eng.Passages(ctx, q, viewPassages)
			}
			sc.add(g, a, passages)
			if *curve {
				if as, err := eng.Assess(ctx, q); err == nil {
					cv.add(g, as)
				}
			}
			progress.step()
		}
	}
	progress.done()
	if *verbose {
		for _, m := range sc.misses {
			fmt.Fprintln(stdout, m)
		}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(sc.counts(total))
	}
	if *curve {
		cv.print(stdout)
	}
	fmt.Fprintln(stdout, sc.summary(total))
	logger.Debug("eval finished", "questions", total, "took", time.Since(start))
	return nil
}

func engineFor(ctx context.Context, cfg Config, c *corpus.Corpus, useModel bool, logger *slog.Logger) (*answer.Engine, error) {
	opts := answer.Options{MaxQuestion: cfg.MaxQuestion, Passages: cfg.LLMPassages, PassageWords: cfg.LLMPassageWords, Logger: logger}
	if useModel {
		gen, err := newGenerator(ctx, cfg, logger)
		if err != nil {
			return nil, err
		}
		opts.Generator = gen
	}
	return answer.New(retrieval.NewIndex(c), opts), nil
}

// readEvalSets reads a story JSONL question set (one set over the
// configured corpus) or SQuAD v1.1 or 2.0 JSON (one set per article, each
// article its own corpus, laid out as ../shared/tools/squad-split does;
// SQuAD 2.0's is_impossible questions are unanswerable). Anything else is
// refused.
func readEvalSets(path string) ([]evalSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read question set: %w", err)
	}
	if isSQuAD(data) {
		var sq squadFile
		if err := json.Unmarshal(data, &sq); err != nil {
			return nil, fmt.Errorf("%s: not SQuAD JSON: %w", path, err)
		}
		if len(sq.Data) == 0 {
			return nil, fmt.Errorf("%s: SQuAD JSON without articles", path)
		}
		return squadSets(sq)
	}
	var qs []goldQuestion
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var g goldQuestion
		if err := json.Unmarshal(line, &g); err != nil {
			return nil, fmt.Errorf("%s line %d: not a question set (story JSONL or SQuAD JSON): %w", path, n, err)
		}
		switch {
		case g.ID == "" || strings.TrimSpace(g.Question) == "":
			return nil, fmt.Errorf("%s line %d: a question needs an id and a question", path, n)
		case g.Answerable && len(g.Evidence) == 0:
			return nil, fmt.Errorf("%s line %d (%s): an answerable question needs evidence", path, n, g.ID)
		}
		qs = append(qs, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return []evalSet{{name: path, questions: qs}}, nil
}

// isSQuAD reports a file that is one JSON object with a "data" member, as
// SQuAD files are; a JSONL file is one object a line.
func isSQuAD(data []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe["data"]
	return ok
}

type squadFile struct {
	Data []struct {
		Title      string `json:"title"`
		Paragraphs []struct {
			Context string `json:"context"`
			QAs     []struct {
				ID         string `json:"id"`
				Question   string `json:"question"`
				Impossible bool   `json:"is_impossible"`
				Answers    []struct {
					Text string `json:"text"`
				} `json:"answers"`
			} `json:"qas"`
		} `json:"paragraphs"`
	} `json:"data"`
}

var squadTitleRE = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

func squadSets(sq squadFile) ([]evalSet, error) {
	var sets []evalSet
	for _, art := range sq.Data {
		var ctxs []string
		set := evalSet{name: art.Title}
		for _, p := range art.Paragraphs {
			ctxs = append(ctxs, strings.TrimFunc(p.Context, unicode.IsSpace))
			for _, qa := range p.QAs {
				seen := map[string]bool{}
				var answers []string
				for _, a := range qa.Answers {
					if !seen[a.Text] {
						seen[a.Text] = true
						answers = append(answers, a.Text)
					}
				}
				sort.Strings(answers)
				if qa.Impossible {
					set.questions = append(set.questions, goldQuestion{ID: qa.ID, Question: qa.Question})
					continue
				}
				if len(answers) == 0 {
					return nil, fmt.Errorf("article %s question %s: no answers and not is_impossible", art.Title, qa.ID)
				}
				set.questions = append(set.questions, goldQuestion{ID: qa.ID, Question: qa.Question, Answerable: true, Evidence: answers, AnswerAny: answers})
			}
		}
		name := squadTitleRE.ReplaceAllString(art.Title, "_") + ".txt"
		c, err := corpus.Load(fstest.MapFS{name: {Data: []byte(strings.Join(ctxs, "\n\n") + "\n")}})
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", art.Title, err)
		}
		set.corpus = c
		sets = append(sets, set)
	}
	return sets, nil
}

// progress draws a progress bar on a terminal and nothing elsewhere.
type progress struct {
	w           io.Writer
	on          bool
	n, total    int
	last        time.Time
	start       time.Time
	lastPercent int
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, start: time.Now(), lastPercent: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && total > 50 {
		p.on = true
	}
	return p
}

func (p *progress) step() {
	p.n++
	if !p.on {
		return
	}
	pct := p.n * 100 / p.total
	if pct == p.lastPercent && time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.lastPercent, p.last = pct, time.Now()
	const width = 30
	fill := p.n * width / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d questions", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), pct, p.n, p.total)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 70))
	}
}

// curveThresholds are the confidence thresholds eval --curve reports.
var curveThresholds = []float64{0, 0.02, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7}

// curvePoints gathers, per question, what the engine would answer at each
// threshold: the decision weighs [answer.Signals] as the engine does, with
// the threshold in place of both [answer.Thresholds].Confidence (books) and
// ArticleConfidence (articles and stories).
type curvePoints struct {
	answerable, unanswerable      int
	answered, hit, refused, right []int // per threshold
}

func (c *curvePoints) add(g goldQuestion, as answer.Assessment) {
	if c.answered == nil {
		n := len(curveThresholds)
		c.answered, c.hit, c.refused, c.right = make([]int, n), make([]int, n), make([]int, n), make([]int, n)
	}
	if g.Answerable {
		c.answerable++
	} else {
		c.unanswerable++
	}
	// A refusal shows the closest passages: its hit@1 is theirs.
	var sc, refusal scores
	sc.add(g, as.Answer, nil)
	refusal.add(g, answer.Answer{Related: as.Closest}, nil)
	for i, th := range curveThresholds {
		yes := as.OK && !as.Signals.RuledOut() && as.Stated && as.Answer.Confidence >= th
		switch {
		case yes:
			c.answered[i]++
			c.hit[i] += sc.hit1
			if g.Answerable && answerHolds(g, as.Answer) {
				c.right[i]++
			}
		default:
			c.hit[i] += refusal.hit1
			if !g.Answerable {
				c.refused[i]++
			}
		}
	}
}

func (c *curvePoints) print(w io.Writer) {
	share := func(x, n int) string {
		if n == 0 {
			return "  n/a"
		}
		return fmt.Sprintf("%.3f", float64(x)/float64(n))
	}
	fmt.Fprintln(w, "threshold  answered  refused  hit@1  abstain  precision   (the threshold stands for the book and the article one alike)")
	for i, th := range curveThresholds {
		n := c.answerable + c.unanswerable
		fmt.Fprintf(w, "%9.2f  %8s  %7s  %5s  %7s  %9s\n", th, share(c.answered[i], n), share(n-c.answered[i], n),
			share(c.hit[i], c.answerable), share(c.refused[i], c.unanswerable), share(c.right[i], c.answered[i]))
	}
}
