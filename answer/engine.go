package answer

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"storybot/corpus"
	"storybot/dense"
	"storybot/retrieval"
	"storybot/seeds"
)

// Options configure an [Engine]. The zero value answers with keywords only.
type Options struct {
	// Generator writes model answers; nil means keyword answers only.
	Generator Generator
	// Rewriter, when set, puts a question in the text's likely words for
	// the search of the passages a model is given, and of
	// [Engine.Passages]; nil searches with the question alone.
	Rewriter Rewriter
	// Meaning, when set with Embedder, is the vectors of the corpus's
	// sentences (made by the same embedding model): the passages a model
	// is given, and [Engine.Passages], mix the sentences nearest the
	// question's meaning with those its words find, when the question is
	// not rewritten (no Rewriter, or its rewrite failed). Keyword answers
	// do not use it.
	Meaning *dense.Table
	// Embedder gives a question its vector for Meaning.
	Embedder dense.Embedder
	// MaxQuestion caps a question's length in characters; 0 means
	// [DefaultMaxQuestion].
	MaxQuestion int
	// Passages is the most passages a model is given; 0 means 64, so that
	// PassageWords, not the count, is what bounds them.
	Passages int
	// PassageWords is how many words of passages a model is given; the
	// last passage may cross it. 0 means 2000; a negative value sets no
	// limit but Passages.
	PassageWords int
	// Logger receives model failures; nil discards them.
	Logger *slog.Logger
	// Thresholds tune when and with what the engine answers; nil means
	// [DefaultThresholds].
	Thresholds *Thresholds
	// Observe, when set, is called with every answer [Engine.Answer]
	// gives (not with errors), by this engine, its views through
	// [Engine.UpTo] and the engines made with its [Engine.Options]: how
	// metrics count answers. It must be safe for concurrent use.
	Observe func(Answer)
}

// Engine answers questions about one corpus. It is safe for concurrent use.
type Engine struct {
	ix     *retrieval.Index
	corpus *corpus.Corpus
	opts   Options
	th     Thresholds
	log    *slog.Logger
	stats  Stats
	// words counts the corpus's words, and byRef maps "title, ¶n" (lower
	// case) to its paragraph: both on first use, as they read the whole
	// corpus and a saved index is ready in less time.
	words func() int
	byRef func() map[string]int
	byID  map[string]int // document ID → document
	marks []Mark         // the chapters a reader's progress can name
	// rewrites keeps the [Options].Rewriter's latest texts, and
	// vectors the question vectors of [Options].Embedder.
	rewrites *rewriteCache
	vectors  *vectorCache
	meaning  *meaningRef

	// A view through [Engine.UpTo] sees the paragraphs before paraEnd and
	// the sentences before sentEnd; full is the whole engine, nil in it.
	full             *Engine
	mark             Mark
	reader           string
	paraEnd, sentEnd int
}

// New returns an engine over an index.
func New(ix *retrieval.Index, opts Options) *Engine {
	if opts.MaxQuestion <= 0 {
		opts.MaxQuestion = DefaultMaxQuestion
	}
	if opts.Passages <= 0 {
		opts.Passages = 64
	}
	if opts.PassageWords == 0 {
		opts.PassageWords = 2000
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := ix.Corpus()
	e := &Engine{ix: ix, corpus: c, opts: opts, th: DefaultThresholds, log: log, byID: map[string]int{}, rewrites: &rewriteCache{}, vectors: &vectorCache{}, meaning: &meaningRef{}}
	e.SetMeaning(opts.Embedder, opts.Meaning)
	if opts.Thresholds != nil {
		e.th = *opts.Thresholds
	}
	e.stats = Stats{Documents: len(c.Docs), Paragraphs: len(c.Paragraphs), Sentences: len(c.Sentences), Bytes: c.Bytes}
	for i, d := range c.Docs {
		e.stats.Titles = append(e.stats.Titles, d.Title)
		e.byID[d.ID] = i
	}
	e.words = sync.OnceValue(c.Words)
	e.byRef = sync.OnceValue(func() map[string]int {
		m := make(map[string]int, len(c.Paragraphs))
		for i := range c.Paragraphs {
			m[strings.ToLower(c.Ref(i))] = i
		}
		return m
	})
	e.marks = e.chapterMarks()
	return e
}

// Story returns a keyword-only engine over the embedded story.
func Story() (*Engine, error) {
	c, err := corpus.Load(seeds.FS)
	if err != nil {
		return nil, fmt.Errorf("load embedded story: %w", err)
	}
	return New(retrieval.NewIndex(c), Options{}), nil
}

// HasModel reports whether the engine can answer with a model.
func (e *Engine) HasModel() bool { return e.opts.Generator != nil }

// Stats describes the corpus.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Words = e.words()
	return s
}

// SetThresholds changes the thresholds; it must not run concurrently with
// answers.
func (e *Engine) SetThresholds(th Thresholds) { e.th = th }

// Index returns the engine's index.
func (e *Engine) Index() *retrieval.Index { return e.ix }

// Answer answers a question. Errors are for questions that cannot be taken
// as given ([ErrEmptyQuestion], [ErrInvalidQuestion]); a question the story
// does not answer is an [Answer] with Found false.
func (e *Engine) Answer(ctx context.Context, q Question) (Answer, error) {
	var a Answer
	var err error
	if e.full != nil {
		a, err = e.progressAnswer(ctx, q)
	} else {
		a, err = e.answer(ctx, q)
	}
	if err == nil && e.opts.Observe != nil {
		e.opts.Observe(a)
	}
	return a, err
}

// answer answers from what the engine sees.
func (e *Engine) answer(ctx context.Context, q Question) (Answer, error) {
	text, notice, err := cleanQuestion(q.Text, e.opts.MaxQuestion)
	if err != nil {
		return Answer{}, err
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	if isInstruction(text) {
		return Answer{Question: text, Mode: ModeKeyword, Notice: notice,
			Text: "I can only answer questions about the story, and I don't take instructions from questions."}, nil
	}
	if a, ok := e.bookAnswer(text); ok {
		a.Notice = notice
		return a, nil
	}
	history, near, res := e.retrieve(text, q.History)
	useModel := e.opts.Generator != nil && q.Mode != ModeKeyword
	if useModel {
		a, err := e.modelAnswer(ctx, text, history, e.passages(ctx, text, history, near, e.opts.Passages, e.opts.PassageWords), res, q.Stream)
		if err == nil {
			a.Question, a.Notice = text, joinNotice(notice, a.Notice)
			return a, nil
		}
		if ctx.Err() != nil {
			return Answer{}, ctx.Err()
		}
		e.log.Warn("model answer failed; answering with keywords", "err", err)
		a = e.extractive(text, history, res)
		a.Mode = ModeFallback
		a.Notice = joinNotice(notice, "The language model could not answer just now, so this is a keyword answer.")
		return a, nil
	}
	a := e.extractive(text, history, res)
	a.Notice = notice
	return a, nil
}

// Assessment is what the engine makes of a question before it decides
// whether to answer: the answer its best passage gives (Found even when
// the engine would not answer), the signals the decision weighs, and the
// confidence. OK is false when nothing in the corpus matches at all.
type Assessment struct {
	Answer  Answer
	Signals Signals
	OK      bool
	// Closest are the passages a refusal would show instead.
	Closest []Citation
	// Stated: the answer is of a kind the engine states in a text of this
	// kind (see [Thresholds.States]), whatever the threshold for answering.
	Stated bool
}

// Assess answers a question with keywords as if the engine answered every
// question it can, for tuning and explaining the decision to answer.
func (e *Engine) Assess(ctx context.Context, q Question) (Assessment, error) {
	text, _, err := cleanQuestion(q.Text, e.opts.MaxQuestion)
	if err != nil {
		return Assessment{}, err
	}
	if err := ctx.Err(); err != nil {
		return Assessment{}, err
	}
	// An instruction is refused before any search, as [Engine.Answer]
	// refuses it: nothing to decide.
	if isInstruction(text) {
		return Assessment{Answer: Answer{Question: text, Mode: ModeKeyword}}, nil
	}
	history, _, res := e.retrieve(text, q.History)
	a, sig, ok := e.candidate(text, history, res)
	return Assessment{Answer: a, Signals: sig, OK: ok, Closest: e.refusal(a, sig, ok, res).Related, Stated: e.th.States(sig, a.Confidence)}, nil
}

// retrieve searches for a cleaned question with its earlier questions,
// near the answer to the latest of them.
func (e *Engine) retrieve(text string, earlier []string) (history []string, near []int, res retrieval.Result) {
	history = cleanHistory(earlier, e.opts.MaxQuestion)
	near = e.conversation(history)
	return history, near, e.ix.Search(retrieval.Query{Text: text, History: history, Limit: 8, Near: near, Before: e.before()})
}

// conversation returns the sentence that answered the latest earlier
// question, for a follow-up to look near; none without history.
func (e *Engine) conversation(history []string) []int {
	if len(history) == 0 {
		return nil
	}
	last := len(history) - 1
	prev := e.ix.Search(retrieval.Query{Text: history[last], History: history[:last], Limit: 8, Before: e.before()})
	if h, v, ok := e.pick(prev); ok && e.answers(e.signals(history[:last], prev, h, v)) {
		return []int{h.Sentence}
	}
	return nil
}

func joinNotice(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// Passages returns the passages for a question, best first. With n 0 they
// are exactly those the model is given ([Options].Passages and
// PassageWords, and the [Options].Rewriter's words); with n positive, the
// first n, fewer when the corpus has fewer that match.
func (e *Engine) Passages(ctx context.Context, q Question, n int) ([]Passage, error) {
	text, _, err := cleanQuestion(q.Text, e.opts.MaxQuestion)
	if err != nil {
		return nil, err
	}
	history := cleanHistory(q.History, e.opts.MaxQuestion)
	if n <= 0 {
		return e.passages(ctx, text, history, e.conversation(history), e.opts.Passages, e.opts.PassageWords), nil
	}
	return e.passages(ctx, text, history, e.conversation(history), n, -1), nil
}

// Search returns the best matching sentences for a query, best first.
func (e *Engine) Search(query string, k int) ([]Citation, error) {
	text, _, err := cleanQuestion(query, e.opts.MaxQuestion)
	if err != nil {
		return nil, err
	}
	if k <= 0 {
		k = 5
	}
	res := e.ix.Search(retrieval.Query{Text: text, Limit: k, Before: e.before()})
	var out []Citation
	for _, h := range res.Hits {
		out = append(out, e.cite(len(out)+1, h.Sentence))
	}
	return out, nil
}

// cite makes the citation of a sentence.
func (e *Engine) cite(n, sent int) Citation {
	s := e.corpus.Sentences[sent]
	return e.located(Citation{N: n, ID: e.corpus.SentenceID(sent), Text: s.Text}, s.Para)
}

// located fills in a citation's reference and location from its paragraph.
func (e *Engine) located(c Citation, para int) Citation {
	l := e.corpus.Locate(para)
	c.Ref, c.Title, c.Author, c.Chapter, c.Paragraph = e.corpus.Ref(para), l.Title, l.Author, l.Chapter, l.Paragraph
	return c
}

// Source returns the passage a reference names: a sentence ID
// ("doc/3/2"), a paragraph ID ("doc/3") or a reader's reference
// ("Title, ¶3").
func (e *Engine) Source(ref string) (Source, error) {
	s, para, err := e.lookup(ref)
	if err == nil && e.hiddenPara(para) {
		return Source{}, fmt.Errorf("%w (%s)", ErrBeyond, e.mark.Label)
	}
	return s, err
}

// lookup is [Engine.Source] over the whole corpus, with the paragraph.
func (e *Engine) lookup(ref string) (Source, int, error) {
	ref = strings.TrimSpace(ref)
	if para, ok := e.byRef()[strings.ToLower(ref)]; ok {
		return e.source(para, -1), para, nil
	}
	parts := strings.Split(ref, "/")
	if len(parts) >= 2 {
		nums := []int{}
		for len(parts) > 1 {
			n, err := strconv.Atoi(parts[len(parts)-1])
			if err != nil || n < 1 {
				break
			}
			nums = append([]int{n}, nums...)
			parts = parts[:len(parts)-1]
			if len(nums) == 2 {
				break
			}
		}
		if d, ok := e.byID[strings.Join(parts, "/")]; ok && len(nums) > 0 {
			doc := e.corpus.Docs[d]
			if nums[0] <= doc.ParagraphCount {
				para := doc.FirstParagraph + nums[0] - 1
				if len(nums) == 1 {
					return e.source(para, -1), para, nil
				}
				p := e.corpus.Paragraphs[para]
				if nums[1] <= p.SentenceCount {
					return e.source(para, p.FirstSentence+nums[1]-1), para, nil
				}
			}
		}
	}
	return Source{}, 0, fmt.Errorf("%w: %q", ErrUnknownRef, ref)
}

func (e *Engine) source(para, sent int) Source {
	c := e.corpus
	p := c.Paragraphs[para]
	doc := c.Docs[p.Doc]
	s := Source{ID: fmt.Sprintf("%s/%d", doc.ID, p.N), Ref: c.Ref(para), Paragraph: p.Text}
	if sent >= 0 {
		s.ID = c.SentenceID(sent)
		s.Sentence = c.Sentences[sent].Text
	}
	if p.N > 1 {
		s.Before = c.Paragraphs[para-1].Text
	}
	if p.N < doc.ParagraphCount && !e.hiddenPara(para+1) {
		s.After = c.Paragraphs[para+1].Text
	}
	return s
}

// Suggest proposes references for what a user has typed so far: matching
// passages when it holds words, else the first paragraphs. Each suggestion's
// Ref is a readable label of at most 100 characters and its ID the value
// [Engine.Source] takes.
func (e *Engine) Suggest(prefix string, k int) []Citation {
	if k <= 0 {
		k = 25
	}
	var out []Citation
	prefix = strings.TrimSpace(prefix)
	if prefix != "" {
		lp := strings.ToLower(prefix)
		for i := range e.corpus.Paragraphs {
			if len(out) == k {
				return out
			}
			if e.hiddenPara(i) {
				break
			}
			if ref := e.corpus.Ref(i); strings.HasPrefix(strings.ToLower(ref), lp) {
				out = append(out, e.paraSuggestion(i))
			}
		}
		if len(out) > 0 {
			return out
		}
		if q, _, err := cleanQuestion(prefix, e.opts.MaxQuestion); err == nil {
			for _, h := range e.ix.Search(retrieval.Query{Text: q, Limit: k, Before: e.before()}).Hits {
				c := e.cite(0, h.Sentence)
				c.Ref = label(c.Ref, c.Text)
				out = append(out, c)
			}
		}
		return out
	}
	for i := 0; i < len(e.corpus.Paragraphs) && len(out) < k && !e.hiddenPara(i); i++ {
		out = append(out, e.paraSuggestion(i))
	}
	return out
}

func (e *Engine) paraSuggestion(para int) Citation {
	c := e.corpus
	p := c.Paragraphs[para]
	ref := c.Ref(para)
	cit := e.located(Citation{ID: fmt.Sprintf("%s/%d", c.Docs[p.Doc].ID, p.N), Text: p.Text}, para)
	cit.Ref = label(ref, c.Sentences[p.FirstSentence].Text)
	return cit
}

// label is "ref: text…" cut to 100 characters.
func label(ref, text string) string {
	s := ref + ": " + text
	if utf8.RuneCountInString(s) <= 100 {
		return s
	}
	return string([]rune(s)[:99]) + "…"
}
