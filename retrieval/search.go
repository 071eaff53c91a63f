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
	// role marks a focus that asks for an occupation ("job", "rank",
	// "living" in "do for a living"; see [roleAt]): its kind is
	// [roleKind].
	role bool
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
	// eight hits only, and in a text that reads as a book in part or whole
	// for the first [closestHits], which its closest-passage order weighs.
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
	// Book: the corpus reads as a book (see [Index.Book]).
	Book bool
	// Closest are the hits in the order a book shows its closest passages
	// (see [Index.closest]); in an article the same as Hits.
	Closest []Hit
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
	// cells are those of the block being searched, one more than its
	// sentences so that the last's next neighbour reads as nothing.
	cells   []cell
	touched []int32 // the cells touched, by their place in the block
	lists   []postingList
	kept    []scored // the first stage's heap
	// paraMask are the query terms matched by each paragraph of the block.
	paraMask []uint64
	bits     []uint64 // sortTouched's bitmap, all zero between uses
}

func (ix *Index) getScratch() *scratch {
	if s, ok := ix.scratch.Get().(*scratch); ok {
		return s
	}
	n, paras := 0, 0
	for b := 0; b+1 < len(ix.blocks); b++ {
		lo, hi := ix.blocks[b], ix.blocks[b+1]
		if hi > lo {
			n = max(n, int(hi-lo))
			paras = max(paras, int(ix.sentPara[hi-1]-ix.sentPara[lo]+1))
		}
	}
	return &scratch{cells: make([]cell, n+1), paraMask: make([]uint64, paras)}
}

func (ix *Index) putScratch(s *scratch) {
	s.clear()
	ix.scratch.Put(s)
}

// clear empties the touched cells.
func (s *scratch) clear() {
	for _, t := range s.touched {
		s.cells[t] = cell{}
	}
	s.touched = s.touched[:0]
}

// pruneFirstStage turns on the first stage's pruning by score bounds (a
// variable for the tests, which check that it changes no result).
var pruneFirstStage = true

// sortTouchedFrom is the corpus size, in sentences, from which the touched
// sentences are sorted: below it the corpus's arrays stay in the caches
// and sorting costs more than it saves (7% on the nine books, 45,000
// sentences; even at 180,000; 2× faster at 720,000).
var sortTouchedFrom = 1 << 17 // a variable for the tests

// sortTouched puts in order the touched cells of a block, in a corpus of n
// sentences if it is big: through a bitmap of the block when there are
// many, in time linear in their number and the block's size/64.
func (s *scratch) sortTouched(n int) {
	if n < sortTouchedFrom {
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
}

// QueryTerms analyzes a query into weighted terms: the question's own terms
// at weight 1, then earlier questions' terms at lower weight.
func (ix *Index) QueryTerms(q Query) []QueryTerm {
	toks := analyze(q.Text, nil, ix.stem)
	terms, _ := ix.queryTerms(q, toks, predicateAt(q.Text, toks), asksName(q.Text, toks))
	return terms
}

// eventFrames marks the words that only say an event took place or went
// on: "take place", and "last" in "how long did it last?" ("happen" and
// "occur" are dropped as [fillerWords]). A story says where or when the
// event was ("the lunch … in the palace of Versailles"), not that it took
// place; the words still rank.
func eventFrames(toks []Token) map[int]bool {
	m := map[int]bool{}
	howLong := false
	for k, t := range toks {
		switch t.Word {
		case "take", "took", "taken", "takes", "taking":
			if k+1 < len(toks) && toks[k+1].Word == "place" {
				m[k], m[k+1] = true, true
			}
		case "long":
			howLong = howLong || k > 0 && toks[k-1].Word == "how"
		case "last", "lasted", "lasts":
			if howLong {
				m[k] = true
			}
		}
	}
	return m
}

// abstractFocus are nouns after "what" or "which" that ask for no kind
// of thing: "What reason does he give…?" is a why-question, and a
// "plank" (of a party's platform, a policy, an argument) is no answer.
var abstractFocus = wordSet("reason reasons way manner purpose cause means method sense idea thing things part matter point fact")

// nameWordWeight is the weight of "name" in a question that asks for a
// name ("What's its name?", "What is the name of the inn?"): the sentence
// that answers states the name, and seldom says "name". At 0.5 (0.25
// measured the same) SQuAD v1.1 gains 15 answers and 0.1 point of hit@1,
// and the story's fresh questions one ("naming ISIS" is not the party's
// name); one Peter Pan question loses its first passage.
const nameWordWeight = 0.5

// queryTerms is [Index.QueryTerms] with the question's tokens, the offset
// of its predicate (see [predicateAt]) and whether it asks for a name
// ([asksName]) found already; it also returns the part of the book the
// question points to (in a book only).
func (ix *Index) queryTerms(q Query, question []Token, verb int, nameAsked bool) ([]QueryTerm, Position) {
	focus, role := focusAt(question), false
	if r := roleAt(question, focus); r >= 0 {
		focus, role = r, true
	}
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
		events := eventFrames(toks)
		for k, t := range toks {
			if t.Start >= cue {
				break
			}
			// "how long" asks for a duration: "long" frames the question;
			// it still ranks ("How long is the Rhine?" finds "1,230 km
			// long"). "How tall" or "how far" name what is measured.
			frame := prev == "how" && t.Word == "long" || functionWords[t.Word] || events[k]
			// "how old", "what age", "how far" ask for an age or a
			// distance: the word names the type, not what the story says
			// near the answer, and counts little.
			typeWord := (prev == "how" || prev == "what" || prev == "which") && typeWords[t.Word] || role && t.Start == focus
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
			if nameAsked && !hist && t.Word == "name" {
				tw *= nameWordWeight
			}
			qt := QueryTerm{Term: t.Term, Word: t.Word, Weight: tw, Number: isNumeral(t.Word), History: hist, ing: isIngForm(t.Word), Frame: frame,
				Name: t.Start > 0 && capitalized(text[t.Start:])}
			if !hist && t.Start == focus && !abstractFocus[t.Word] {
				qt.Focus, qt.role = true, role
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
		own = own || t.Known && !(nameAsked && t.Word == "name")
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
	res := Result{Question: ix.analyzeQuestion(q), Long: ix.long, Book: ix.book}
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
	// The postings the first stage adds, in the order it adds them: exact
	// terms first, so a prefix-related term only scores where the exact one
	// is absent. Each sentence's sum runs in this order whatever the blocks
	// below.
	lists := sc.lists[:0]
	defer func() { sc.lists = lists[:0] }()
	for i, qt := range res.Terms {
		if id, ok := ix.vocab[qt.Term]; ok {
			lists = append(lists, postingList{postings: ix.postings[id], bit: i, w: qt.Weight * qt.IDF})
		}
	}
	if ix.params.Expansion > 0 {
		for i, qt := range res.Terms {
			for _, id := range ix.related(qt.Term) {
				lists = append(lists, postingList{postings: ix.postings[id], bit: i, w: qt.Weight * ix.params.Expansion * ix.idf(int(ix.df[id])), related: true})
			}
		}
	}
	if ix.params.Synonym > 0 {
		for i, qt := range res.Terms {
			for _, syn := range ix.synonyms[qt.Term] {
				lists = ix.appendRelated(lists, syn, i, qt, ix.params.Synonym)
			}
		}
	}
	if ix.params.WordNet > 0 || ix.params.Derived > 0 {
		wn := wordnet()
		for i, qt := range res.Terms {
			r := wn[qt.Term]
			if ix.params.WordNet > 0 {
				for _, t := range r.synonyms {
					lists = ix.appendRelated(lists, t, i, qt, ix.params.WordNet)
				}
			}
			if ix.params.Derived > 0 {
				for _, t := range r.derived {
					lists = ix.appendRelated(lists, t, i, qt, ix.params.Derived)
				}
			}
		}
	}
	// A word the text never uses may be said by a kind of it: "vote" by
	// "election", "danger" by "threat".
	if hw := ix.params.Hyponym; hw > 0 {
		for i, qt := range res.Terms {
			if qt.Known || qt.Name || qt.Frame || qt.History || qt.Number || qt.Focus {
				continue
			}
			lists = ix.appendKinds(lists, qt.Term, i, qt.Weight*hw, qt.IDF)
		}
	}
	if kindW := ix.params.Kind * ix.long; kindW > 0 {
		for i, qt := range res.Terms {
			if !qt.Focus || qt.Name || qt.Frame && !qt.role {
				continue
			}
			// A role word frames the question ("job" counts little); a
			// role the text names ("attorney") counts as a question word.
			w := qt.Weight
			if qt.role {
				w = 1
			}
			lists = ix.appendKinds(lists, qt.kind(), i, w*kindW, qt.IDF)
		}
	}
	if resW := ix.params.Resolved * ix.long; resW > 0 {
		for i, qt := range res.Terms {
			if id, ok := ix.vocab[qt.Term]; ok && len(ix.resolved[id]) > 0 {
				lists = append(lists, postingList{resolved: ix.resolved[id], bit: i, w: qt.Weight * qt.IDF * resW})
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
	postings := 0
	for _, l := range lists {
		postings += len(l.postings) + len(l.resolved)
	}
	if postings >= massTableFrom {
		sumMass = newMassTable(termMass).sum
	}
	cover := func(m uint64) float64 { return sumMass(m&ownMask) / ownMass }
	coverAll := func(m uint64) float64 { return sumMass(m) / mass }
	top := max(40, limit)
	keep := &topK{k: top, better: ix.betterScored, items: sc.kept[:0]}
	defer func() { sc.kept = keep.items[:0] }()
	holds := res.Type.row().holds
	holdWeight := ix.params.Hold * ix.long
	miss := 1 + (ix.params.Miss-1)*ix.long
	strict := res.Type.Strict()
	// The first stage scores the touched sentences that can still be kept
	// with the features of their own and their neighbours' matches, keeping
	// the best in a heap with what their hits are made of after.
	pr := ix.params
	window, coverW, windowCov, paraW := pr.Window, pr.Coverage*mass, pr.WindowCoverage, pr.Paragraph*mass
	conversation := pr.Conversation * mass
	position := 0.0
	if res.Position != PositionNone {
		position = pr.Position * ix.long * mass
	}
	// first is the first-stage score of a sentence from its own and its
	// neighbours' matches, with its coverages.
	// The sentences go by blocks of whole documents, each added up, scored
	// and cleared before the next, in cells of the block alone: they stay
	// in the caches while every list adds to them, where cells for the
	// whole corpus would go out to memory and back for each list. Sentences
	// from q.Before on are left out. lo is the block's first sentence: the
	// cell of sentence si is cells[si-lo].
	var lo int32
	cells := sc.cells
	// paraBase is the block's first paragraph: the union of what the
	// sentences of paragraph p match is sc.paraMask[p-paraBase].
	var paraBase int32
	first := func(si int) (score, coverage, windowCoverage float64) {
		c := si - int(lo)
		m := cells[c].mask
		coverage = cover(m)
		wm := m
		neighbours := 0.0
		doc, para := ix.sentDoc[si], ix.sentPara[si]
		if si > 0 && ix.sentDoc[si-1] == doc {
			f := 1.0
			if ix.sentPara[si-1] != para {
				f = 0.5
			}
			neighbours += f * cells[c-1].acc
			wm |= cells[c-1].mask
		}
		if si+1 < len(ix.sentTerms) && ix.sentDoc[si+1] == doc {
			f := 1.0
			if ix.sentPara[si+1] != para {
				f = 0.5
			}
			neighbours += f * cells[c+1].acc
			wm |= cells[c+1].mask
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
			if lack := cells[c-1].mask &^ m; a > 0 && lack != 0 {
				inherited = a * cells[c-1].acc * sumMass(lack) / sumMass(cells[c-1].mask)
				coverage += a * (cover(m|cells[c-1].mask) - coverage)
			}
		}
		score = cells[c].acc + inherited + window*neighbours + coverW*(coverage+windowCov*windowCoverage)
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
			score += paraW * coverAll(sc.paraMask[para-paraBase])
		}
		return score, coverage, windowCoverage
	}
	// bound is at least first(si), from the cells of the sentence and its
	// neighbours alone, taking each feature it cannot reckon without
	// reading more at its most: a sentence whose bound is below the worst
	// kept score cannot be kept, and is not scored. The slack covers
	// rounding. Pruning needs the weights not negative, as they are.
	prune := pruneFirstStage && window >= 0 && coverW >= 0 && windowCov >= 0 && paraW >= 0 && position >= 0 && holdWeight >= 0 && conversation >= 0
	aMax := max(pr.Anaphora, pr.AnaphoraStrong, 0)
	extra := paraW + position
	if holds != 0 {
		extra += holdWeight * mass
	}
	if conversation > 0 && len(q.Near) > 0 {
		extra += conversation
	}
	bound := func(c int32) float64 {
		m, acc := cells[c].mask, cells[c].acc
		neighbours, prev, prevMask := 0.0, 0.0, uint64(0)
		wm := m
		if c > 0 {
			prev, prevMask = cells[c-1].acc, cells[c-1].mask
			neighbours += prev
			wm |= prevMask
		}
		neighbours += cells[c+1].acc
		wm |= cells[c+1].mask
		b := acc + aMax*prev + window*neighbours + coverW*(cover(m|prevMask)+windowCov*coverAll(wm)) + extra
		if miss > 1 {
			b *= miss
		}
		return b*(1+1e-9) + 1e-12
	}
	end := int32(len(ix.sentTerms))
	if q.Before > 0 && q.Before < len(ix.sentTerms) {
		end = int32(q.Before)
	}
	for b := 0; b+1 < len(ix.blocks) && ix.blocks[b] < end; b++ {
		var hi int32
		lo, hi = ix.blocks[b], min(ix.blocks[b+1], end)
		for j := range lists {
			ix.addPostings(sc, &lists[j], lo, hi)
		}
		// The stages below read each touched sentence's neighbours, paragraph
		// and holds: in sentence order those reads go forward through memory
		// instead of jumping about it, which in a big corpus is most of their
		// cost. The order changes no result (the heap's order is total).
		sc.sortTouched(len(ix.sentTerms))
		// The question's words spread over the paragraph: the union of what
		// its sentences match.
		if paraW > 0 {
			paraBase = ix.sentPara[lo]
			for _, c := range sc.touched {
				sc.paraMask[ix.sentPara[lo+c]-paraBase] |= cells[c].mask
			}
		}
		for _, c := range sc.touched {
			if prune && len(keep.items) == top && bound(c) < keep.items[0].score {
				continue
			}
			si := int(lo + c)
			h := scored{sent: lo + c, acc: cells[c].acc, mask: cells[c].mask}
			h.score, h.coverage, h.windowCoverage = first(si)
			keep.push(h)
		}
		if paraW > 0 {
			for _, c := range sc.touched {
				sc.paraMask[ix.sentPara[lo+c]-paraBase] = 0
			}
		}
		sc.clear()
	}
	hits := make([]Hit, len(keep.items))
	for i, c := range keep.items {
		hits[i] = Hit{Sentence: int(c.sent), BM25: c.acc, Score: c.score, Coverage: c.coverage, WindowCoverage: c.windowCoverage}
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
		// hits are in the order of keep.items until they are sorted below.
		h, mask := &hits[i], keep.items[i].mask
		// Closeness counts in proportion to how much of the question is close:
		// two common words side by side say little.
		h.Proximity = ix.proximity(h.Sentence, mask, res.Terms)
		h.Score += ix.params.Proximity * mass * h.Proximity * h.Coverage
		if ix.params.Exact > 0 {
			h.Score += ix.params.Exact * mass * ix.exact(h.Sentence, mask, res.Terms, ownMask, termMass) / ownMass
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
	// The closest-passage order of a book weighs the evidence of its
	// first closestHits hits.
	ev, n := ix.prepareEvidence(&res.Question), evidenceHits
	if ix.long > 0 {
		n = max(n, closestHits)
	}
	for i := range hits[:min(len(hits), n)] {
		ix.evidence(&hits[i], &ev)
	}
	closest := ix.closest(hits)
	if res.Type == TypeAge && ix.book {
		hits, closest = ix.agesFirst(hits, closest, &res, &ev, limit, q.Before)
	}
	if len(hits) > limit {
		hits, closest = hits[:limit], closest[:limit]
	}
	res.Hits, res.Closest = hits, closest
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
	// what the first stage found of the sentence, for its hit
	acc, coverage, windowCoverage float64
	mask                          uint64
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

// massTableFrom is how many postings to add make a [massTable] pay. A
// table sums more than eight terms in another order than a loop, so the
// two may differ in the last bit; either is used for a whole search.
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

// postingList is one list of sentences the first stage of a search adds
// to their scores: a term's postings, or the sentences that refer to a
// person a term names (resolved), for query term bit at weight w.
type postingList struct {
	postings []posting
	resolved []int32
	bit      int
	w        float64
	// related: the list stands for a term related to the query term, and
	// adds only where the query term has not matched; common: it skips the
	// sentences that use the term only inside names.
	related, common bool
	at              int // the next posting to add
}

// addPostings adds what list l holds of the sentences of the block from lo
// to hi to their cells, from where it was left.
func (ix *Index) addPostings(sc *scratch, l *postingList, lo, hi int32) {
	bit := uint64(1) << l.bit
	cells := sc.cells
	if l.resolved != nil {
		at := l.at
		for ; at < len(l.resolved) && l.resolved[at] < hi; at++ {
			s := l.resolved[at]
			c := &cells[s-lo]
			if c.mask&bit != 0 {
				continue
			}
			if c.mask == 0 {
				sc.touched = append(sc.touched, s-lo)
			}
			c.acc += l.w * ix.termFreqScore(1, int(s))
			c.mask |= bit
		}
		l.at = at
		return
	}
	at := l.at
	for ; at < len(l.postings) && l.postings[at].sent < hi; at++ {
		p := l.postings[at]
		c := &cells[p.sent-lo]
		if l.related && c.mask&bit != 0 || l.common && !p.common {
			continue
		}
		if c.mask == 0 {
			sc.touched = append(sc.touched, p.sent-lo)
		}
		c.acc += l.w * ix.termFreqScore(int(p.tf), int(p.sent))
		c.mask |= bit
	}
	l.at = at
}

// appendRelated appends the postings of a term related to query term i (a
// synonym or a derived form), to add where the query term itself is
// absent, at weight w and at most the query term's IDF.
// appendKinds adds the postings of the corpus terms of a kind (see
// [Index.ofKind]) as related to query term i, at weight w times the lesser
// of the query term's IDF (idf) and each term's own.
func (ix *Index) appendKinds(lists []postingList, kind string, i int, w, idf float64) []postingList {
	for _, id := range ix.ofKind(kind) {
		lists = append(lists, postingList{postings: ix.postings[id], bit: i, w: w * min(idf, ix.idf(int(ix.df[id]))), related: true, common: true})
	}
	return lists
}

func (ix *Index) appendRelated(lists []postingList, term string, i int, qt QueryTerm, w float64) []postingList {
	if id, ok := ix.vocab[term]; ok && term != qt.Term {
		lists = append(lists, postingList{postings: ix.postings[id], bit: i, w: qt.Weight * w * min(qt.IDF, ix.idf(int(ix.df[id]))), related: true, common: true})
	}
	return lists
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
