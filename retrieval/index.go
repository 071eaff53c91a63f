package retrieval

import (
	"math"
	"regexp"
	"sort"
	"strings"
)

// Index is a BM25 inverted index over the sentences of a [Corpus], with the
// word sequence of every sentence kept for proximity and coverage. It is
// safe for concurrent searches once built.
type Index struct {
	corpus    *Corpus
	vocab     map[string]int32
	terms     []string // term ID → term
	sorted    []string // vocabulary in order, for prefix expansion
	df        []int32
	postings  [][]posting
	sentTerms [][]int32 // the non-stop terms of each sentence, in order
	sentLen   []float32
	avgLen    float64
	stem      *stemmer
	params    Params
	// aliases maps a name term to the phrases that stand for it in the
	// corpus ("french presid" for "macron"), learnt from appositions.
	aliases map[string][]string
	cands   candCache
	// synonyms maps a stem to the stems of its synonyms.
	synonyms map[string][]string
}

type posting struct {
	sent int32
	tf   uint16
}

// Params tunes ranking. The zero value is not useful; start from
// [DefaultParams].
type Params struct {
	K1, B float64
	// Window is the weight of the neighbouring sentences' BM25 score.
	Window float64
	// Coverage weighs the IDF-weighted share of query terms a sentence holds
	// (and, at half weight, its window).
	Coverage float64
	// Proximity weighs how close together the matched terms stand.
	Proximity float64
	// Type weighs a candidate of the expected answer type in the sentence.
	Type float64
	// Expansion is the weight of a prefix-related term (Syrian for Syria).
	Expansion float64
	// History is the weight of the latest earlier question's terms; older
	// ones get half as much each step back. HistoryAlone replaces it when the
	// question has no known word of its own.
	History, HistoryAlone float64
	// Verb multiplies the weight of the question's main verb.
	Verb float64
	// Phrase weighs question word pairs that stand together in a sentence.
	Phrase float64
	// Paragraph weighs the coverage of the question by the sentence's
	// whole paragraph.
	Paragraph float64
	// Synonym is the weight of a synonym of a query term ("describe" for
	// "call"); 0 turns synonyms off.
	Synonym float64
}

// DefaultParams are tuned on the story dev set and SQuAD v1.1 dev.
var DefaultParams = Params{K1: 1.2, B: 0.35, Window: 0.25, Coverage: 0.6, Proximity: 0.3, Type: 0, Expansion: 0.6, History: 0.4, HistoryAlone: 0.9, Verb: 1, Phrase: 0.2, Paragraph: 0, Synonym: 0}

// NewIndex indexes the sentences of c with [DefaultParams].
func NewIndex(c *Corpus) *Index { return NewIndexParams(c, DefaultParams) }

// NewIndexParams indexes the sentences of c with the given ranking parameters.
func NewIndexParams(c *Corpus, p Params) *Index {
	ix := &Index{
		corpus:    c,
		vocab:     make(map[string]int32, 1<<12),
		sentTerms: make([][]int32, len(c.Sentences)),
		sentLen:   make([]float32, len(c.Sentences)),
		stem:      newStemmer(),
		params:    p,
		cands:     make(candCache, len(c.Sentences)),
	}
	var toks []Token
	var total int
	flat := make([]int32, 0, 1<<12)
	for si, s := range c.Sentences {
		toks = analyze(s.Text, toks[:0], ix.stem)
		start := len(flat)
		for _, t := range toks {
			if t.Stop {
				continue
			}
			id, ok := ix.vocab[t.Term]
			if !ok {
				id = int32(len(ix.terms))
				ix.vocab[t.Term] = id
				ix.terms = append(ix.terms, t.Term)
				ix.postings = append(ix.postings, nil)
			}
			flat = append(flat, id)
		}
		ix.sentTerms[si] = flat[start:len(flat):len(flat)]
		ix.sentLen[si] = float32(len(flat) - start)
		total += len(flat) - start
		if cap(flat)-len(flat) < 256 {
			flat = make([]int32, 0, 1<<14)
		}
		for j, id := range ix.sentTerms[si] {
			if seen(ix.sentTerms[si][:j], id) {
				continue
			}
			ps := ix.postings[id]
			ix.postings[id] = append(ps, posting{sent: int32(si), tf: 1})
		}
		for j, id := range ix.sentTerms[si] {
			if seen(ix.sentTerms[si][:j], id) {
				ps := ix.postings[id]
				if ps[len(ps)-1].tf < math.MaxUint16 {
					ps[len(ps)-1].tf++
				}
			}
		}
	}
	if len(c.Sentences) > 0 {
		ix.avgLen = float64(total) / float64(len(c.Sentences))
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	ix.learnAliases()
	ix.df = make([]int32, len(ix.terms))
	for id, ps := range ix.postings {
		ix.df[id] = int32(len(ps))
	}
	ix.synonyms = synonymTable(ix.stem)
	ix.sorted = append([]string(nil), ix.terms...)
	sort.Strings(ix.sorted)
	ix.stem.frozen = true
	return ix
}

func seen(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Corpus returns the indexed corpus.
func (ix *Index) Corpus() *Corpus { return ix.corpus }

// Aliases returns the alias phrases learnt for a name, e.g. "the French
// President" for "Macron", as stemmed terms joined by spaces.
func (ix *Index) Aliases(name string) []string {
	toks := analyze(name, nil, nil)
	if len(toks) == 0 {
		return nil
	}
	return ix.aliases[toks[len(toks)-1].Term]
}

// appositionRE finds a title before a name: "French President Emmanuel
// Macron", "Prime Minister Theresa May".
var appositionRE = regexp.MustCompile(`\b((?:[A-Z][a-z]+ )?(?:President|Prime Minister|Chancellor|King|Queen|Prince|Princess|Minister|Foreign Minister|Secretary|Senator|Governor|General|Pope|Emperor|Empress|Captain|Professor|Doctor|Director|Chairman|Mayor|Judge|Leader|Premier|Ambassador|Commander|Colonel|Lord|Lady|Duke|Duchess|Count|Countess|Sir)) ((?:[A-Z][\p{L}'-]+)(?: [A-Z][\p{L}'-]+){0,2})`)

// learnAliases finds "Title Name" appositions and, for each multi-word
// title that names exactly one person ("French President" → Macron), adds
// the name to every sentence that uses the title instead of the name.
func (ix *Index) learnAliases() {
	names := map[string]map[string]bool{} // title phrase → name terms
	for _, s := range ix.corpus.Sentences {
		if !strings.Contains(s.Text, " ") {
			continue
		}
		for _, m := range appositionRE.FindAllStringSubmatch(s.Text, -1) {
			title := termsOf(m[1], ix.stem)
			name := termsOf(m[2], ix.stem)
			if len(title) < 2 || len(name) == 0 {
				continue
			}
			key := strings.Join(title, " ")
			if names[key] == nil {
				names[key] = map[string]bool{}
			}
			names[key][name[len(name)-1]] = true
		}
	}
	ix.aliases = map[string][]string{}
	for title, ns := range names {
		if len(ns) != 1 {
			continue
		}
		var name string
		for n := range ns {
			name = n
		}
		nameID, ok := ix.vocab[name]
		if !ok {
			continue
		}
		phrase := strings.Fields(title)
		ids := make([]int32, len(phrase))
		for i, t := range phrase {
			ids[i] = ix.vocab[t]
		}
		ix.aliases[name] = append(ix.aliases[name], title)
		// Sentences with the phrase but not the name now also match the name.
		for _, p := range ix.postings[ids[0]] {
			st := ix.sentTerms[p.sent]
			if seen(st, nameID) || !hasPhrase(st, ids) {
				continue
			}
			ix.postings[nameID] = insertPosting(ix.postings[nameID], posting{sent: p.sent, tf: 1})
		}
	}
	for _, a := range ix.aliases {
		sort.Strings(a)
	}
}

func insertPosting(ps []posting, p posting) []posting {
	i := sort.Search(len(ps), func(i int) bool { return ps[i].sent >= p.sent })
	ps = append(ps, posting{})
	copy(ps[i+1:], ps[i:])
	ps[i] = p
	return ps
}

func hasPhrase(seq, phrase []int32) bool {
	for i := 0; i+len(phrase) <= len(seq); i++ {
		match := true
		for j, id := range phrase {
			if seq[i+j] != id {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func termsOf(text string, st *stemmer) []string {
	var out []string
	for _, t := range analyze(text, nil, st) {
		if !t.Stop {
			out = append(out, t.Term)
		}
	}
	return out
}

// idf is BM25's inverse document frequency (Lucene's, never negative).
func (ix *Index) idf(df int) float64 {
	n := float64(len(ix.sentTerms))
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// termFreqScore is BM25's saturated term frequency for one sentence.
func (ix *Index) termFreqScore(tf int, sent int) float64 {
	k1, b := ix.params.K1, ix.params.B
	f := float64(tf)
	return f * (k1 + 1) / (f + k1*(1-b+b*float64(ix.sentLen[sent])/ix.avgLen))
}

// BM25 scores one sentence for a query with plain BM25, for tests and
// comparisons: the sum over distinct query terms of idf × saturated tf.
func (ix *Index) BM25(query string, sent int) float64 {
	var score float64
	seenTerms := map[string]bool{}
	for _, t := range analyze(query, nil, ix.stem) {
		if t.Stop || seenTerms[t.Term] {
			continue
		}
		seenTerms[t.Term] = true
		id, ok := ix.vocab[t.Term]
		if !ok {
			continue
		}
		tf := 0
		for _, x := range ix.sentTerms[sent] {
			if x == id {
				tf++
			}
		}
		if tf > 0 {
			score += ix.idf(int(ix.df[id])) * ix.termFreqScore(tf, sent)
		}
	}
	return score
}

// SetParams changes the ranking parameters. It must not run concurrently
// with searches.
func (ix *Index) SetParams(p Params) { ix.params = p }

// Params returns the ranking parameters.
func (ix *Index) Params() Params { return ix.params }

// Analyze analyzes text as the index does, reusing its stems.
func (ix *Index) Analyze(text string) []Token { return analyze(text, nil, ix.stem) }

// SentenceTerms returns the distinct terms of a sentence.
func (ix *Index) SentenceTerms(sent int) map[string]bool {
	m := make(map[string]bool, len(ix.sentTerms[sent]))
	for _, id := range ix.sentTerms[sent] {
		m[ix.terms[id]] = true
	}
	return m
}

// Similarity is the Jaccard similarity of two sentences' term sets.
func (ix *Index) Similarity(a, b int) float64 {
	ta, tb := ix.sentTerms[a], ix.sentTerms[b]
	if len(ta) == 0 && len(tb) == 0 {
		return 1
	}
	inter, union := 0, 0
	for i, id := range ta {
		if seen(ta[:i], id) {
			continue
		}
		union++
		if seen(tb, id) {
			inter++
		}
	}
	for i, id := range tb {
		if !seen(tb[:i], id) && !seen(ta, id) {
			union++
		}
	}
	return float64(inter) / float64(union)
}
