package retrieval

import (
	"hash/fnv"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Query is a question to search for.
type Query struct {
	// Text is the question.
	Text string
	// History holds earlier questions of the conversation, oldest first;
	// their terms count at lower weight so follow-ups find their subject.
	History []string
	// Limit is how many hits to return; 0 means 5.
	Limit int
	// Near holds sentences the conversation was about (the answers to the
	// earlier questions): a sentence beside one of them, in its paragraph,
	// ranks higher.
	Near []int
	// Before, when positive, hides the sentences from Before on: they are
	// neither found nor lend their words to the sentences beside them, as
	// if the corpus ended there (a reader's progress through a book).
	Before int
}

// QueryTerm is one analyzed term of a query.
type QueryTerm struct {
	Term string
	// Word is the normalized word of the question the term comes from.
	Word   string
	Weight float64
	IDF    float64
	// Known reports whether the corpus has the term.
	Known bool
	// History marks terms that come from earlier questions.
	History bool
	// Predicate marks the verb a "What did Macron call …?" question asks
	// about.
	Predicate bool
	// Name marks a word the question wrote capitalized after its first
	// word ("Putin" in "Who met Putin?"): a name, not a common word.
	Name bool
	// Number marks a number the question gives ("1820", "two").
	Number bool
	// ing marks a question word of the "-ing" form.
	ing bool
	// Frame marks a word that frames the question rather than names what
	// it asks about: "long" in "how long", and the function words that are
	// not stop words (not, all, between…; see [stopWords]). It ranks, but
	// a story that never uses it can still answer.
	Frame bool
	// Focus marks the noun a "what/which … " question asks for a kind of:
	// "tool" in "What tool did he grab?".
	Focus bool
	// Paraphrased marks an unknown term that the corpus may say in other
	// words: it uses one of the term's WordNet relatives (a synonym of its
	// most frequent sense, or a derived form).
	Paraphrased bool
}

// Hit is a ranked sentence.
type Hit struct {
	// Sentence indexes [Corpus.Sentences].
	Sentence int
	// Score ranks hits; higher is better.
	Score float64
	// BM25 is the sentence's own weighted BM25 score.
	BM25 float64
	// Coverage is the IDF-weighted share of the query's terms the sentence
	// holds, in [0, 1]; WindowCoverage counts its neighbours too.
	Coverage, WindowCoverage float64
	// Proximity is how tightly the matched terms stand together, in [0, 1].
	Proximity float64
	// Phrase is the IDF-weighted share of the question's adjacent word pairs
	// that stand together (at most one word apart) in the sentence.
	Phrase float64
	// HasType reports a candidate of the expected answer type that is not a
	// word of the question.
	HasType bool
	// Holds reports that the sentence may hold an answer of the expected
	// type, by the build-time holds (tags.go); always true for an untyped
	// question. Holds and the fields after it are filled in for the first
	// eight hits only.
	Holds bool
	// Names is the IDF-weighted share of the names the question gives
	// (words it writes capitalized) that the sentence says; NamesNear also
	// counts those its neighbours say and the persons it refers to by a
	// pronoun. A name the corpus never uses is missing from both.
	Names, NamesNear float64
	// Numbers is the share of the numbers the question gives ("in 1820",
	// "two") that the sentence or its neighbours hold; 1 when it gives none.
	Numbers float64
	// Missing is the largest share of the question's weight that one word
	// of its own carries which the corpus uses but neither the sentence
	// nor its neighbours do: a question about another name, date or thing
	// than the sentence is ("When did the Normans conquer Sicily?" against a
	// sentence about England).
	Missing float64
	// Negation reports that the question and the sentence disagree in
	// negation: one says "not", "never" or "no" and the other does not.
	Negation bool
	// Content is the share of the weight of the question's own words that
	// are not names, the words of what it asks about, that the sentence or
	// its neighbours hold; 1 when it has none.
	Content float64
}

// Result is the outcome of a search: the analyzed question and the best
// sentences.
type Result struct {
	Question
	// Hits are the best sentences, best first.
	Hits []Hit
	// Long is how much the corpus reads like a book rather than an
	// article, from 0 to 1, by its length: features for long texts weigh
	// in by it.
	Long float64
}

// evidenceHits is how many of the best hits get their evidence (see
// [Hit].Holds and after): those an answer may be chosen from.
const evidenceHits = 8

// nearWords is the distance, in indexed words, at which an answer
// candidate's nearness (see [Params].Near) falls to half.
const nearWords = 4

// maxQueryTerms bounds a query: matched terms are tracked in a 64-bit mask.
const maxQueryTerms = 64

// cell is what a search gathers of one sentence, the two side by side in
// memory as they are read.
type cell struct {
	acc  float64 // weighted BM25
	mask uint64  // query terms matched
}

// scratch is a search's working memory, reused through the index's pool.
type scratch struct {
	cells    []cell   // per sentence
	paraMask []uint64 // paragraph → query terms matched by its sentences
	touched  []int32
	bits     []uint64 // sortTouched's bitmap, all zero between uses
}

func (ix *Index) getScratch() *scratch {
	if s, ok := ix.scratch.Get().(*scratch); ok {
		return s
	}
	n := len(ix.sentTerms)
	return &scratch{cells: make([]cell, n), paraMask: make([]uint64, len(ix.corpus.Paragraphs))}
}

func (ix *Index) putScratch(s *scratch) {
	for _, t := range s.touched {
		s.cells[t] = cell{}
		s.paraMask[ix.sentPara[t]] = 0
	}
	s.touched = s.touched[:0]
	ix.scratch.Put(s)
}

// sortTouchedFrom is the corpus size, in sentences, from which the touched
// sentences are sorted: below it the scratch arrays stay in the caches
// and sorting costs more than it saves (7% on the nine books, 45,000
// sentences; even at 180,000; 2× faster at 720,000).
var sortTouchedFrom = 1 << 17 // a variable for the tests

// sortTouched puts the touched sentences in order in a big corpus:
// through a bitmap of the sentences when there are many, in time linear in
// their number and the corpus's size/64.
func (s *scratch) sortTouched() {
	if len(s.cells) < sortTouchedFrom {
		return
	}
	if len(s.touched) < 2048 {
		slices.Sort(s.touched)
		return
	}
	need := (len(s.cells) + 63) / 64
	if cap(s.bits) < need {
		s.bits = make([]uint64, need)
	}
	set := s.bits[:need]
	for _, t := range s.touched {
		set[t>>6] |= 1 << (t & 63)
	}
	out := s.touched[:0]
	for w, b := range set {
		for b != 0 {
			out = append(out, int32(w*64+bits.TrailingZeros64(b)))
			b &= b - 1
		}
		set[w] = 0
	}
	s.touched = out
}

// hide forgets what the sentences from before on matched.
func (s *scratch) hide(before int) {
	kept := s.touched[:0]
	for _, t := range s.touched {
		if int(t) >= before {
			s.cells[t] = cell{}
			continue
		}
		kept = append(kept, t)
	}
	s.touched = kept
}

// QueryTerms analyzes a query into weighted terms: the question's own terms
// at weight 1, then earlier questions' terms at lower weight.
func (ix *Index) QueryTerms(q Query) []QueryTerm {
	toks := analyze(q.Text, nil, ix.stem)
	terms, _ := ix.queryTerms(q, toks, predicateAt(q.Text, toks))
	return terms
}

// queryTerms is [Index.QueryTerms] with the question's tokens and the
// offset of its predicate (see [predicateAt]) found already; it also
// returns the part of the book the question points to (in a book only).
func (ix *Index) queryTerms(q Query, question []Token, verb int) ([]QueryTerm, Position) {
	focus := focusAt(question)
	var out []QueryTerm
	has := map[string]bool{}
	var position Position
	add := func(text string, w float64, hist bool) {
		prev := ""
		toks := question
		if hist {
			toks = analyze(text, nil, ix.stem)
		}
		// In a book, "at the end of the novel" says where to look, not
		// what.
		cue := len(text)
		if ix.long > 0 {
			var p Position
			p, cue = positionCue(text)
			if !hist {
				position = p
			}
		}
		for _, t := range toks {
			if t.Start >= cue {
				break
			}
			// "how long" asks for a duration: "long" frames the question;
			// it still ranks ("How long is the Rhine?" finds "1,230 km
			// long"). "How tall" or "how far" name what is measured.
			frame := prev == "how" && t.Word == "long" || functionWords[t.Word]
			// "how old", "what age", "how far" ask for an age or a
			// distance: the word names the type, not what the story says
			// near the answer, and counts little.
			typeWord := (prev == "how" || prev == "what" || prev == "which") && typeWords[t.Word]
			frame = frame || typeWord
			prev = t.Word
			if t.Stop || fillerWords[t.Word] || has[t.Term] || len(out) == maxQueryTerms {
				continue
			}
			has[t.Term] = true
			tw := w
			if typeWord {
				tw *= 1 + (ix.params.TypeWord-1)*ix.long
			}
			qt := QueryTerm{Term: t.Term, Word: t.Word, Weight: tw, Number: isNumeral(t.Word), History: hist, ing: isIngForm(t.Word), Frame: frame,
				Name: t.Start > 0 && capitalized(text[t.Start:])}
			if !hist && t.Start == focus {
				qt.Focus = true
			}
			if !hist && t.Start == verb {
				qt.Predicate = true
				qt.Weight *= ix.params.Predicate
			}
			if id, ok := ix.vocab[t.Term]; ok {
				qt.Known = true
				qt.IDF = ix.idf(int(ix.df[id]))
			} else if id, ok := ix.corrected(t.Term); ok && !has[ix.terms[id]] && !knownTerm(t.Term) {
				// A misspelling ("develped") stands for the word it misses.
				qt.Term = ix.terms[id]
				has[qt.Term] = true
				qt.Known = true
				qt.IDF = ix.params.Spelling * ix.idf(int(ix.df[id]))
			} else {
				// An unknown word may be a paraphrase: it counts against
				// coverage, at half the weight of the rarest known word.
				qt.Paraphrased = ix.usesRelative(t.Term)
				qt.IDF = 0.5 * ix.idf(1)
			}
			out = append(out, qt)
		}
	}
	add(q.Text, 1, false)
	w := ix.params.History
	// A follow-up with no word of its own that the story knows ("When did
	// that happen?") leans on the conversation.
	own := false
	for _, t := range out {
		own = own || t.Known
	}
	if !own {
		w = ix.params.HistoryAlone
	}
	for i := len(q.History) - 1; i >= 0 && w > 0.05; i-- {
		add(q.History[i], w, true)
		w /= 2
	}
	return out, position
}

// Search ranks the sentences for a query.
func (ix *Index) Search(q Query) Result {
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	res := Result{Question: ix.analyzeQuestion(q), Long: ix.long}
	if len(res.Terms) == 0 {
		return res
	}
	sc := ix.getScratch()
	defer ix.putScratch(sc)

	// Coverage counts the question's own terms; earlier questions' terms
	// count only when the question has no known term of its own. The window
	// coverage counts all.
	own := false
	for _, qt := range res.Terms {
		own = own || !qt.History && qt.Known
	}
	mass, ownMass := 0.0, 0.0
	termMass := make([]float64, len(res.Terms))
	var ownMask uint64
	for i, qt := range res.Terms {
		termMass[i] = qt.Weight * qt.IDF
		mass += termMass[i]
		if !own || !qt.History {
			ownMask |= 1 << i
			ownMass += termMass[i]
		}
	}
	// Exact terms first, so a prefix-related term only scores where the
	// exact one is absent.
	for i, qt := range res.Terms {
		if id, ok := ix.vocab[qt.Term]; ok {
			ix.accumulate(sc, id, i, qt.Weight*qt.IDF, false)
		}
	}
	if ix.params.Expansion > 0 {
		for i, qt := range res.Terms {
			for _, id := range ix.related(qt.Term) {
				ix.accumulate(sc, id, i, qt.Weight*ix.params.Expansion*ix.idf(int(ix.df[id])), true)
			}
		}
	}
	if ix.params.Synonym > 0 {
		for i, qt := range res.Terms {
			for _, syn := range ix.synonyms[qt.Term] {
				ix.accumulateRelated(sc, syn, i, qt, ix.params.Synonym)
			}
		}
	}
	if ix.params.WordNet > 0 || ix.params.Derived > 0 {
		wn := wordnet()
		for i, qt := range res.Terms {
			r := wn[qt.Term]
			if ix.params.WordNet > 0 {
				for _, t := range r.synonyms {
					ix.accumulateRelated(sc, t, i, qt, ix.params.WordNet)
				}
			}
			if ix.params.Derived > 0 {
				for _, t := range r.derived {
					ix.accumulateRelated(sc, t, i, qt, ix.params.Derived)
				}
			}
		}
	}
	if kindW := ix.params.Kind * ix.long; kindW > 0 {
		for i, qt := range res.Terms {
			if !qt.Focus || qt.Name || qt.Frame {
				continue
			}
			for _, id := range ix.ofKind(qt.Term) {
				ix.accumulateWhere(sc, id, i, qt.Weight*kindW*min(qt.IDF, ix.idf(int(ix.df[id]))), true, true)
			}
		}
	}
	if resW := ix.params.Resolved * ix.long; resW > 0 {
		for i, qt := range res.Terms {
			if id, ok := ix.vocab[qt.Term]; ok {
				ix.accumulateResolved(sc, id, i, qt.Weight*qt.IDF*resW)
			}
		}
	}
	sumMass := func(m uint64) float64 {
		v := 0.0
		for m != 0 {
			i := bits.TrailingZeros64(m)
			v += termMass[i]
			m &^= 1 << i
		}
		return v
	}
	if len(sc.touched) >= massTableFrom {
		sumMass = newMassTable(termMass).sum
	}
	cover := func(m uint64) float64 { return sumMass(m&ownMask) / ownMass }
	coverAll := func(m uint64) float64 { return sumMass(m) / mass }
	if q.Before > 0 {
		sc.hide(q.Before)
	}
	// The stages below read each touched sentence's neighbours, paragraph
	// and holds: in sentence order those reads go forward through memory
	// instead of jumping about it, which in a big corpus is most of their
	// cost. The order changes no result (the heap's order is total).
	sc.sortTouched()
	// The question's words spread over the paragraph: the union of what
	// its sentences match.
	if ix.params.Paragraph > 0 {
		for _, s := range sc.touched {
			sc.paraMask[ix.sentPara[s]] |= sc.cells[s].mask
		}
	}
	top := max(40, limit)
	keep := newTopK(top, ix.betterScored)
	holds := res.Type.row().holds
	holdWeight := ix.params.Hold * ix.long
	miss := 1 + (ix.params.Miss-1)*ix.long
	strict := res.Type.Strict()
	// The first stage scores every touched sentence with the features of
	// its own and its neighbours' matches, keeping the best in a heap of
	// scores alone; their hits are made after.
	pr := ix.params
	window, coverW, windowCov, paraW := pr.Window, pr.Coverage*mass, pr.WindowCoverage, pr.Paragraph*mass
	conversation := pr.Conversation * mass
	position := 0.0
	if res.Position != PositionNone {
		position = pr.Position * ix.long * mass
	}
	// first is the first-stage score of a sentence from its own and its
	// neighbours' matches, with its coverages.
	first := func(si int) (score, coverage, windowCoverage float64) {
		m := sc.cells[si].mask
		coverage = cover(m)
		wm := m
		neighbours := 0.0
		doc, para := ix.sentDoc[si], ix.sentPara[si]
		if si > 0 && ix.sentDoc[si-1] == doc {
			f := 1.0
			if ix.sentPara[si-1] != para {
				f = 0.5
			}
			neighbours += f * sc.cells[si-1].acc
			wm |= sc.cells[si-1].mask
		}
		if si+1 < len(ix.sentTerms) && ix.sentDoc[si+1] == doc {
			f := 1.0
			if ix.sentPara[si+1] != para {
				f = 0.5
			}
			neighbours += f * sc.cells[si+1].acc
			wm |= sc.cells[si+1].mask
		}
		windowCoverage = coverAll(wm)
		// A sentence that refers back ("He called this…") takes over part of
		// what the previous sentence matched and it lacks.
		inherited := 0.0
		if an := ix.anaphoric[si]; an != anaphorNone && si > 0 && ix.sentPara[si-1] == para {
			a := pr.Anaphora
			if an == anaphorStrong {
				a = pr.AnaphoraStrong
			}
			if lack := sc.cells[si-1].mask &^ m; a > 0 && lack != 0 {
				inherited = a * sc.cells[si-1].acc * sumMass(lack) / sumMass(sc.cells[si-1].mask)
				coverage += a * (cover(m|sc.cells[si-1].mask) - coverage)
			}
		}
		score = sc.cells[si].acc + inherited + window*neighbours + coverW*(coverage+windowCov*windowCoverage)
		if holds != 0 && ix.holds[si]&holds != 0 {
			score += holdWeight * mass
		} else if holds != 0 && strict {
			score *= miss
		}
		if conversation > 0 && len(q.Near) > 0 && ix.near(si, q.Near) {
			score += conversation
		}
		if position > 0 && ix.inPart(si, res.Position) {
			score += position
		}
		if paraW > 0 {
			score += paraW * coverAll(sc.paraMask[para])
		}
		return score, coverage, windowCoverage
	}
	for _, s := range sc.touched {
		score, _, _ := first(int(s))
		keep.push(scored{score, s})
	}
	hits := make([]Hit, len(keep.items))
	for i, c := range keep.items {
		si := int(c.sent)
		h := Hit{Sentence: si, BM25: sc.cells[si].acc}
		h.Score, h.Coverage, h.WindowCoverage = first(si)
		hits[i] = h
	}
	// Re-rank the best with the costlier features.
	qterms := res.own
	pairs, pairMass := ix.queryPairs(res.Terms)
	var ownIDs []int32
	if res.Type != TypeNone && ix.params.Near > 0 {
		for _, t := range res.Terms {
			if id, ok := ix.vocab[t.Term]; ok && !t.History {
				ownIDs = append(ownIDs, id)
			}
		}
	}
	for i := range hits {
		h := &hits[i]
		// Closeness counts in proportion to how much of the question is close:
		// two common words side by side say little.
		h.Proximity = ix.proximity(h.Sentence, sc.cells[h.Sentence].mask, res.Terms)
		h.Score += ix.params.Proximity * mass * h.Proximity * h.Coverage
		if ix.params.Exact > 0 {
			h.Score += ix.params.Exact * mass * ix.exact(h.Sentence, sc.cells[h.Sentence].mask, res.Terms, ownMask, termMass) / ownMass
		}
		if pairMass > 0 {
			h.Phrase = ix.phrase(h.Sentence, pairs) / pairMass
			h.Score += ix.params.Phrase * mass * h.Phrase
		}
		if res.Type != TypeNone {
			k := 0.0
			if ix.params.Near > 0 {
				k = nearWords
			}
			var near float64
			h.HasType, near = ix.answerFit(h.Sentence, res.Type, qterms, ownIDs, k)
			if h.HasType && res.Type.Distinctive() {
				h.Score += ix.params.Type * mass
			}
			// An answer standing close to the question's words ("…
			// moved to Karlovac in 1870") is likelier than one far off.
			h.Score += ix.params.Near * mass * near
		}
	}
	sort.Slice(hits, func(i, j int) bool { return ix.better(hits[i], hits[j]) })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	ev := ix.prepareEvidence(&res.Question)
	for i := range hits[:min(len(hits), evidenceHits)] {
		ix.evidence(&hits[i], &ev)
	}
	res.Hits = hits
	return res
}

// better orders hits by score, breaking ties by a hash of the sentence text:
// a neutral key, never the sentence's position.
func (ix *Index) better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return ix.tieBefore(a.Sentence, b.Sentence)
}

// tieBefore orders two sentences of equal score: by a hash of their text,
// then, for the same text, by their IDs as strings, compared without
// making the strings.
func (ix *Index) tieBefore(a, b int) bool {
	ha, hb := ix.tieKey[a], ix.tieKey[b]
	if ha != hb {
		return ha < hb
	}
	var x, y [128]byte
	return string(ix.appendID(x[:0], a)) < string(ix.appendID(y[:0], b))
}

// appendID appends a sentence's ID ([corpus.Corpus.SentenceID]) to dst.
func (ix *Index) appendID(dst []byte, sent int) []byte {
	c := ix.corpus
	s := c.Sentences[sent]
	p := c.Paragraphs[s.Para]
	dst = append(append(dst, c.Docs[p.Doc].ID...), '/')
	dst = append(strconv.AppendInt(dst, int64(p.N), 10), '/')
	return strconv.AppendInt(dst, int64(s.N), 10)
}

func textHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// scored is a sentence and its first-stage score.
type scored struct {
	score float64
	sent  int32
}

// betterScored orders first-stage scores as [Index.better] orders hits.
func (ix *Index) betterScored(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return ix.tieBefore(int(a.sent), int(b.sent))
}

// topK keeps the k best scores seen, in a heap whose root is the worst kept.
type topK struct {
	k      int
	better func(a, b scored) bool
	items  []scored
}

func newTopK(k int, better func(a, b scored) bool) *topK {
	return &topK{k: k, better: better, items: make([]scored, 0, k)}
}

func (t *topK) push(h scored) {
	if len(t.items) < t.k {
		t.items = append(t.items, h)
		for i := len(t.items) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.better(t.items[p], t.items[i]) {
				break
			}
			t.items[p], t.items[i] = t.items[i], t.items[p]
			i = p
		}
		return
	}
	if w := t.items[0]; h.score < w.score || !t.better(h, w) {
		return
	}
	t.items[0] = h
	for i := 0; ; {
		w := i
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(t.items) && t.better(t.items[w], t.items[c]) {
				w = c
			}
		}
		if w == i {
			return
		}
		t.items[i], t.items[w] = t.items[w], t.items[i]
		i = w
	}
}

// massTableFrom is how many touched sentences make a [massTable] pay.
const massTableFrom = 1024

// massTable sums the weights of a set of query terms given as a bit mask,
// eight bits a lookup.
type massTable struct {
	bytes [][256]float64
}

func newMassTable(w []float64) *massTable {
	t := &massTable{bytes: make([][256]float64, (len(w)+7)/8)}
	for b := range t.bytes {
		for v := 1; v < 256; v++ {
			// Add the highest bit last, so that sums run in the order of the
			// terms, as a loop over the bits would add them.
			high := 7 - bits.LeadingZeros8(uint8(v))
			t.bytes[b][v] = t.bytes[b][v&^(1<<high)]
			if i := b*8 + high; i < len(w) {
				t.bytes[b][v] += w[i]
			}
		}
	}
	return t
}

func (t *massTable) sum(m uint64) float64 {
	v := t.bytes[0][uint8(m)]
	for b := 1; b < len(t.bytes); b++ {
		v += t.bytes[b][uint8(m>>(8*b))]
	}
	return v
}

// accumulate adds one query term's postings to the scores. A related
// (expanded) term scores only where the query term has not matched.
func (ix *Index) accumulate(sc *scratch, id int32, bit int, w float64, related bool) {
	ix.accumulateWhere(sc, id, bit, w, related, false)
}

// accumulateWhere is accumulate, skipping with common the sentences that
// use the term only inside names.
func (ix *Index) accumulateWhere(sc *scratch, id int32, bit int, w float64, related, common bool) {
	for _, p := range ix.postings[id] {
		s := p.sent
		if related && sc.cells[s].mask&(1<<bit) != 0 || common && !p.common {
			continue
		}
		if sc.cells[s].mask == 0 {
			sc.touched = append(sc.touched, s)
		}
		sc.cells[s].acc += w * ix.termFreqScore(int(p.tf), int(s))
		sc.cells[s].mask |= 1 << bit
	}
}

// accumulateResolved scores the sentences that refer to a person a query
// term names without the name, where the term has not matched.
func (ix *Index) accumulateResolved(sc *scratch, id int32, bit int, w float64) {
	for _, s := range ix.resolved[id] {
		if sc.cells[s].mask&(1<<bit) != 0 {
			continue
		}
		if sc.cells[s].mask == 0 {
			sc.touched = append(sc.touched, s)
		}
		sc.cells[s].acc += w * ix.termFreqScore(1, int(s))
		sc.cells[s].mask |= 1 << bit
	}
}

// accumulateRelated scores a term related to query term i (a synonym or a
// derived form) where the query term itself is absent, at weight w and at
// most the query term's IDF.
func (ix *Index) accumulateRelated(sc *scratch, term string, i int, qt QueryTerm, w float64) {
	if id, ok := ix.vocab[term]; ok && term != qt.Term {
		ix.accumulateWhere(sc, id, i, qt.Weight*w*min(qt.IDF, ix.idf(int(ix.df[id]))), true, true)
	}
}

// related returns the terms that differ from term only by a short ending:
// "syrian" for "syria", "russia" for "russian".
func (ix *Index) related(term string) []int32 {
	if len(term) < 4 {
		return nil
	}
	var out []int32
	i := sort.SearchStrings(ix.sorted, term)
	for ; i < len(ix.sorted) && strings.HasPrefix(ix.sorted[i], term); i++ {
		if t := ix.sorted[i]; t != term && len(t)-len(term) <= 2 {
			out = append(out, ix.vocab[t])
		}
	}
	for cut := 1; cut <= 2 && len(term)-cut >= 4; cut++ {
		if id, ok := ix.vocab[term[:len(term)-cut]]; ok {
			out = append(out, id)
		}
	}
	return out
}

// proximity is (m-1)/(L-1) for the m distinct query terms a sentence holds
// and the shortest run of L words that holds them all; 0 when m < 2.
func (ix *Index) proximity(sent int, mask uint64, terms []QueryTerm) float64 {
	m := bits.OnesCount64(mask)
	if m < 2 {
		return 0
	}
	seq := ix.sentTerms[sent]
	// Map each position to the query term it matches.
	want := make(map[int32]int, m)
	for i, t := range terms {
		if mask&(1<<i) == 0 {
			continue
		}
		if id, ok := ix.vocab[t.Term]; ok {
			want[id] = i
		}
	}
	if len(want) < 2 {
		return 0
	}
	need := len(want)
	count := make(map[int]int, need)
	have, best := 0, len(seq)+1
	lo := 0
	for hi, id := range seq {
		qi, ok := want[id]
		if !ok {
			continue
		}
		if count[qi] == 0 {
			have++
		}
		count[qi]++
		for have == need {
			if l := hi - lo + 1; l < best {
				best = l
			}
			if q, ok := want[seq[lo]]; ok {
				count[q]--
				if count[q] == 0 {
					have--
				}
			}
			lo++
		}
	}
	if best > len(seq) {
		return 0
	}
	return float64(need-1) / float64(best-1)
}

type termPair struct {
	a, b int32
	w    float64
}

// queryPairs lists the adjacent pairs of the question's own known terms.
func (ix *Index) queryPairs(terms []QueryTerm) ([]termPair, float64) {
	var pairs []termPair
	var total float64
	for i := 0; i+1 < len(terms); i++ {
		x, y := terms[i], terms[i+1]
		if x.History || y.History || !x.Known || !y.Known {
			continue
		}
		p := termPair{a: ix.vocab[x.Term], b: ix.vocab[y.Term], w: min(x.IDF, y.IDF)}
		pairs = append(pairs, p)
		total += p.w
	}
	return pairs, total
}

// phrase sums the weights of the pairs that stand together in a sentence.
func (ix *Index) phrase(sent int, pairs []termPair) float64 {
	seq := ix.sentTerms[sent]
	var v float64
	for _, p := range pairs {
		for i, id := range seq {
			if id != p.a {
				continue
			}
			if i+1 < len(seq) && seq[i+1] == p.b || i+2 < len(seq) && seq[i+2] == p.b {
				v += p.w
				break
			}
		}
	}
	return v
}

// exact sums the mass of the question's own terms that a sentence holds in
// the same word form: not only the same stem, and not a "-ing" form
// ("meeting") for a word that is not one ("meet").
func (ix *Index) exact(sent int, mask uint64, terms []QueryTerm, own uint64, termMass []float64) float64 {
	seq, flags := ix.sentTerms[sent], ix.sentFlags[sent]
	v := 0.0
	for i, t := range terms {
		if mask&own&(1<<i) == 0 {
			continue
		}
		id, ok := ix.vocab[t.Term]
		if !ok {
			continue
		}
		for j, x := range seq {
			if x == id && (flags[j]&flagIng == 0 || t.ing) {
				v += termMass[i]
				break
			}
		}
	}
	return v
}

// partShare is the share of a book, by sentences, that its start or its
// end is: where "at the end of the novel" looks.
const partShare = 0.05

// inPart reports whether sentence si stands in the part p of its document.
func (ix *Index) inPart(si int, p Position) bool {
	c := ix.corpus
	d := c.Docs[ix.sentDoc[si]]
	first := c.Paragraphs[d.FirstParagraph].FirstSentence
	lp := c.Paragraphs[d.FirstParagraph+d.ParagraphCount-1]
	n := float64(lp.FirstSentence + lp.SentenceCount - first)
	at := float64(si - first)
	switch p {
	case PositionStart:
		return at < partShare*n
	case PositionEnd:
		return at >= (1-partShare)*n
	}
	return false
}

// near reports whether a sentence is one of near or beside one in its
// paragraph.
func (ix *Index) near(sent int, near []int) bool {
	for _, n := range near {
		if n < 0 || n >= len(ix.sentPara) {
			continue
		}
		if ix.sentPara[n] == ix.sentPara[sent] && n-1 <= sent && sent <= n+1 {
			return true
		}
	}
	return false
}

// usesRelative reports whether the corpus uses a WordNet relative of a term.
func (ix *Index) usesRelative(term string) bool {
	r := wordnet()[term]
	for _, list := range [2][]string{r.synonyms, r.derived} {
		for _, x := range list {
			if _, ok := ix.vocab[x]; ok {
				return true
			}
		}
	}
	return false
}

// knownTerm reports the term of an English word WordNet knows: a word
// spelt right, which is not taken for a misspelling of another ("lodgers"
// is not "longer").
func knownTerm(t string) bool {
	if _, ok := wordnet()[t]; ok {
		return true
	}
	_, ok := nounKinds()[t]
	return ok
}

// minCorrected is the length a term needs before an unknown one is taken
// for a misspelling: shorter words are one letter away from too many others
// ("lunch" and "launch").
const minCorrected = 6

// corrected returns the corpus term one edit (a letter deleted, inserted,
// replaced, or two swapped) away from an unknown term, the most frequent
// when there are several; none when [Params].Spelling is 0.
func (ix *Index) corrected(t string) (int32, bool) {
	if len(t) < minCorrected || ix.params.Spelling == 0 {
		return 0, false
	}
	if id, ok := ix.corrections.load(t); ok {
		return id, id >= 0
	}
	id, ok := ix.correct(t)
	if !ok {
		id = -1
	}
	ix.corrections.store(t, id)
	return id, ok
}

// correct is [Index.corrected] worked out afresh.
func (ix *Index) correct(t string) (int32, bool) {
	best, bestDF := int32(-1), int32(0)
	buf := make([]byte, 0, len(t)+1)
	try := func(b []byte) {
		if id, ok := ix.vocab[string(b)]; ok && ix.df[id] > bestDF {
			best, bestDF = id, ix.df[id]
		}
	}
	for i := 0; i < len(t); i++ {
		try(append(append(buf[:0], t[:i]...), t[i+1:]...))
		if i+1 < len(t) {
			try(append(append(append(buf[:0], t[:i]...), t[i+1], t[i]), t[i+2:]...))
		}
		for c := byte('a'); c <= 'z'; c++ {
			if c != t[i] {
				try(append(append(append(buf[:0], t[:i]...), c), t[i+1:]...))
			}
		}
	}
	for i := 0; i <= len(t); i++ {
		for c := byte('a'); c <= 'z'; c++ {
			try(append(append(append(buf[:0], t[:i]...), c), t[i:]...))
		}
	}
	return best, best >= 0
}
