package retrieval

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"storybot/corpus"
)

// Index is a BM25 inverted index over the sentences of a [Corpus], with the
// word sequence of every sentence kept for proximity and coverage. It is
// safe for concurrent searches once built.
type Index struct {
	// corrections remembers [Index.corrected] for the unknown terms of
	// questions (-1: none).
	corrections memo[int32]
	corpus      *corpus.Corpus
	vocab       map[string]int32
	terms       []string // term ID → term
	sorted      []string // vocabulary in order, for prefix expansion
	df          []int32
	postings    [][]posting
	sentTerms   [][]int32 // the non-stop terms of each sentence, in order
	sentFlags   [][]uint8 // flagIng and flagName of each of those words
	inNames     []bool    // term ID → used inside a name somewhere
	anaphoric   []uint8   // how a sentence refers back: anaphorNone, Weak, Strong
	holds       []hold    // the kinds of answer a sentence may hold
	sentLen     []float32
	sentPara    []int32  // sentence → paragraph
	sentDoc     []int32  // sentence → document
	tieKey      []uint64 // sentence → hash of its text, to break ties neutrally
	avgLen      float64
	stem        *stemmer
	params      Params
	// aliases maps a name term to the phrases that stand for it in the
	// corpus ("french presid" for "macron"), learnt from appositions.
	aliases map[string][]string
	cands   candidateSet // found at build time
	// synonyms maps a stem to the stems of its synonyms.
	synonyms map[string][]string
	scratch  sync.Pool // *scratch
	// blocks are where the blocks of whole documents that a search goes
	// through one at a time begin, and the end (see [searchBlocks]).
	blocks []int32
	// persons holds the name terms (the last word of a name) that the
	// corpus uses of a person, with the gender learnt (see mentions.go).
	persons map[int32]uint8
	// places holds, in order, the name terms the corpus mostly writes
	// after "in", "at", "to"…: places' names (see mentions.go).
	places []int32
	// resolved maps a term to the sentences that refer to a person it names
	// without the name (see mentions.go), in order.
	resolved [][]int32
	// negIDs are the term IDs of [negations] the corpus uses.
	negIDs []int32
	// long is how much the corpus reads like a book rather than an
	// article, in [0, 1], from its length (see [Params].BookWords): the features
	// for long texts are weighted by it.
	long float64
	// book: the corpus reads as a book for the rules that hold in books
	// only (see [Index.Book]).
	book  bool
	words int // the corpus's words
	// kinds are the corpus terms of each kind of thing, built on first use.
	kinds kindTerms
	// stated are the sentences that state an age (see [statedAge]), in
	// order.
	stated []int32
}

type posting struct {
	sent int32
	tf   uint16
	// common: the sentence uses the term other than inside a name
	// ("stated", not the "State" of "Islamic State").
	common bool
}

// Params tunes ranking. The zero value is not useful; start from
// [DefaultParams].
type Params struct {
	K1, B float64
	// Window is the weight of the neighbouring sentences' BM25 score.
	Window float64
	// Coverage weighs the IDF-weighted share of query terms a sentence holds;
	// WindowCoverage is the weight of its window's share relative to it.
	Coverage, WindowCoverage float64
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
	// Conversation weighs being beside a sentence the conversation was about
	// ([Query].Near).
	Conversation float64
	// Position weighs, in a long text, a sentence in the part of its book
	// a question points to: the start or the end ([Question].Position).
	Position float64
	// Phrase weighs question word pairs that stand together in a sentence.
	Phrase float64
	// Paragraph weighs the coverage of the question by the sentence's
	// whole paragraph.
	Paragraph float64
	// Exact weighs the share of the question's terms matched by the same
	// word form: "met" for "meet" counts, "meeting" does not.
	Exact float64
	// Anaphora is how much of the previous sentence's match a sentence that
	// refers back with a pronoun ("He", "its") takes over; AnaphoraStrong,
	// for one that refers back with a demonstrative ("called this a…").
	Anaphora, AnaphoraStrong float64
	// Predicate multiplies the weight of the verb a "What did Macron call
	// …?" question asks about; 1 leaves it as it is.
	Predicate float64
	// Synonym is the weight of a synonym of a query term from the built-in
	// list ("describe" for "call"); 0 turns them off.
	Synonym float64
	// WordNet and Derived weigh WordNet's synonyms of a query term's most
	// frequent sense, and its derivationally related forms ("response" for
	// "respond"); 0 turns them off.
	WordNet, Derived float64
	// Spelling is the share of its IDF a misspelt question word ("develped",
	// one letter from a corpus word and unknown itself) keeps when it stands
	// for that word; 0 leaves misspellings unknown.
	Spelling float64
	// BookWords is the length, in words, from which a corpus counts fully as
	// a book: the question's words then recur in hundreds of sentences, and
	// the expected answer type and the decision to answer (Hold, Miss,
	// TypeWord, Resolved, Kind, and answer's Confidence) weigh in; half as
	// long counts not at all, and between the two the weight rises with the
	// logarithm. The articles of SQuAD have at most 13,700 words,
	// Metamorphosis 22,000, Pride and Prejudice 122,000. 0 treats every
	// corpus as an article.
	BookWords float64
	// TypeWord is the weight of a word that names the type a question
	// asks for ("old" in "how old", "far" in "how far").
	TypeWord float64
	// Hold weighs a sentence that may hold an answer of the expected type
	// (see tags.go), before the finer candidates are looked for.
	Hold float64
	// Miss multiplies the score of a sentence that cannot hold an answer
	// of a strict type ("how many" and no number); 1 leaves it.
	Miss float64
	// Kind weighs a term that names a kind of what a query term names
	// ("shovel" for "tool", "violin" for "instrument"), from WordNet's
	// hypernyms; 0 turns it off.
	Kind float64
	// Hyponym weighs, in any text, a term that names a kind of what a
	// question word the text never uses names ("election" for "vote"),
	// from the same hypernyms; 0 turns it off.
	Hyponym float64
	// Resolved is the weight of a person's name terms in a sentence that
	// refers to them without the name ("he", "I" in a diary); 0 turns it off.
	Resolved float64
	// Near weighs how close the nearest candidate of the expected answer
	// type stands to the question's words in a sentence.
	Near float64
}

// DefaultParams are tuned on the story dev set and SQuAD v1.1 dev.
var DefaultParams = Params{K1: 1.2, B: 0.5, Window: 0.25, Coverage: 0.6, WindowCoverage: 0.5, Proximity: 0.3, Type: 0, Expansion: 0.6, History: 0.4, HistoryAlone: 0.9, Phrase: 0.2, Paragraph: 0.15, Synonym: 0.7, Exact: 0.7, Anaphora: 0.4, AnaphoraStrong: 0.6, WordNet: 0.2, Derived: 0.4, Predicate: 1.2, Conversation: 0.3, Spelling: 0.9, Near: 0.5, TypeWord: 0.3, Miss: 0.6, Hold: 0.6, BookWords: 30000, Resolved: 0.5, Kind: 0.3, Hyponym: 1, Position: 0.5}

// Book reports whether the corpus reads as a book for the rules that hold
// in books only (what a short answer must be, when an answer is stated):
// it is longer than half [Params].BookWords, 15,000 words by default, or,
// with [bookMinWords] words or more, most of its sentences stand in
// documents divided into chapters (at least [bookChapters] chapters,
// parts, letters, staves…; not sections or headings that only name) or
// it reads as a story told (see [narrative]). The longest SQuAD article
// has 13,671 words and no chapters; the Book of Judges 19,015 words, the
// Book of Esther 5,660 words in ten chapters. (Until 2026-12-02 the rules
// began at half a book, 21,213 words, and such books were answered as
// articles are; README: Measured quality, the thirteenth to fifteenth
// sets.)
func (ix *Index) Book() bool { return ix.book }

// bookChapters is how many chapters make a document a book's.
const bookChapters = 3

// readsAsBook is [Index.Book] for a corpus of longness long.
func readsAsBook(c *corpus.Corpus, long float64, words int) bool {
	if long > 0 {
		return true
	}
	if c == nil || len(c.Sentences) == 0 || words < bookMinWords {
		return false
	}
	chaptered := 0
	for _, d := range c.Docs {
		n := 0
		for _, ch := range d.Chapters {
			if bookDivisions[ch.Kind] {
				n++
			}
		}
		if n < bookChapters {
			continue
		}
		for p := d.FirstParagraph; p < d.FirstParagraph+d.ParagraphCount; p++ {
			chaptered += c.Paragraphs[p].SentenceCount
		}
	}
	if 2*chaptered > len(c.Sentences) {
		return true
	}
	return narrative(c)
}

// narrative reports a text that reads as a story told, not an article:
// few numbers written in digits (fewer than 3 in 1,000 words) and the
// first and second person of dialogue or a narrator (8 or more in 1,000
// words: "I", "we", "you", "thee"). The
// SQuAD articles write 4.9 to 90 digit numbers in 1,000 words and the
// first and second person at most 7.5 times; the stories and books we
// ask about 0 to 1.8 digit numbers and the persons 9 to 72 times.
func narrative(c *corpus.Corpus) bool {
	words, digits, persons := 0, 0, 0
	for _, s := range c.Sentences {
		for _, f := range strings.FieldsFunc(s.Text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' }) {
			words++
			switch {
			case f[0] >= '0' && f[0] <= '9':
				digits++
			case dialoguePersons[strings.ToLower(f)]:
				persons++
			}
		}
	}
	return 1000*digits < 3*words && 1000*persons >= 8*words
}

// bookMinWords is the fewest words a text must have to read as a book
// by its chapters or its genre: in a shorter one too little is known of
// its names, and its genre is not read.
const bookMinWords = 2000

// dialoguePersons are the first- and second-person words [narrative]
// counts.
var dialoguePersons = wordSet("i me my mine myself we us our ours ourselves you your yours yourself yourselves thou thee thy thine ye")

// bookDivisions are the kinds of [corpus.Chapter] a book is divided into.
var bookDivisions = wordSet("chapter part book volume stave letter canto adventure act")

// longness maps a corpus length in words to [0, 1]: 0 up to half of
// bookWords, rising with the logarithm to 1 at bookWords.
func longness(words int, bookWords float64) float64 {
	if bookWords <= 0 || float64(words) <= bookWords/2 {
		return 0
	}
	return min(1, math.Log2(float64(words)/(bookWords/2)))
}

// A corpus of shardMin sentences or more is analyzed in up to maxShards
// parallel shards.
var shardMin, maxShards = 4000, 4

// NewIndex indexes the sentences of c with [DefaultParams].
func NewIndex(c *corpus.Corpus) *Index { return NewIndexParams(c, DefaultParams) }

// NewIndexParams indexes the sentences of c with the given ranking parameters.
func NewIndexParams(c *corpus.Corpus, p Params) *Index {
	ix := &Index{
		corpus:    c,
		vocab:     make(map[string]int32, 1<<12),
		sentTerms: make([][]int32, len(c.Sentences)),
		sentFlags: make([][]uint8, len(c.Sentences)),
		anaphoric: make([]uint8, len(c.Sentences)),
		holds:     make([]hold, len(c.Sentences)),
		sentLen:   make([]float32, len(c.Sentences)),
		sentPara:  make([]int32, len(c.Sentences)),
		sentDoc:   make([]int32, len(c.Sentences)),
		tieKey:    make([]uint64, len(c.Sentences)),
		stem:      newStemmer(),
		params:    p,
	}
	// Analyze the sentences in parallel shards, each with its own vocabulary,
	// then map the shards' term IDs to the index's and post them in order.
	n := len(c.Sentences)
	shards := 1
	if n >= shardMin {
		shards = min(runtime.GOMAXPROCS(0), maxShards)
	}
	builders := make([]*builder, shards)
	var wg sync.WaitGroup
	for k := range builders {
		builders[k] = newBuilder()
		builders[k].mentions = make([][]rawMention, (k+1)*n/shards-k*n/shards)
		wg.Add(1)
		go func(b *builder, lo, hi int) {
			defer wg.Done()
			b.buildRange(ix, lo, hi)
		}(builders[k], k*n/shards, (k+1)*n/shards)
	}
	wg.Wait()
	titles := map[[2]int32]map[int32]bool{}
	mentions := make([][]rawMention, 0, n)
	var total int
	lastSent := []int32{} // term ID → last sentence it was posted for, plus one
	for k, b := range builders {
		remap := make([]int32, len(b.terms))
		for lid, term := range b.terms {
			id, ok := ix.vocab[term]
			if !ok {
				id = int32(len(ix.terms))
				ix.vocab[term] = id
				ix.terms = append(ix.terms, term)
				ix.postings = append(ix.postings, nil)
				ix.inNames = append(ix.inNames, false)
				lastSent = append(lastSent, 0)
			}
			remap[lid] = id
		}
		for w, t := range b.stem.cache {
			ix.stem.cache[w] = t
		}
		for key, names := range b.titles {
			gk := [2]int32{remap[key[0]], remap[key[1]]}
			if titles[gk] == nil {
				titles[gk] = map[int32]bool{}
			}
			for name := range names {
				titles[gk][remap[name]] = true
			}
		}
		for _, ms := range b.mentions {
			for i := range ms {
				for j, lid := range ms[i].terms {
					ms[i].terms[j] = remap[lid]
				}
			}
			mentions = append(mentions, ms)
		}
		for si := k * n / shards; si < (k+1)*n/shards; si++ {
			terms := ix.sentTerms[si]
			total += len(terms)
			flags := ix.sentFlags[si]
			for j, lid := range terms {
				id := remap[lid]
				terms[j] = id
				if flags[j]&flagName != 0 {
					ix.inNames[id] = true
				}
				ps := ix.postings[id]
				common := flags[j]&flagName == 0
				if lastSent[id] == int32(si)+1 {
					last := &ps[len(ps)-1]
					if last.tf < math.MaxUint16 {
						last.tf++
					}
					last.common = last.common || common
					continue
				}
				lastSent[id] = int32(si) + 1
				ix.postings[id] = append(ps, posting{sent: int32(si), tf: 1, common: common})
			}
		}
	}
	if len(c.Sentences) > 0 {
		ix.avgLen = float64(total) / float64(len(c.Sentences))
	}
	words := 0
	for _, b := range builders {
		words += b.wordCount
	}
	ix.words = words
	ix.long = longness(words, p.BookWords)
	ix.book = readsAsBook(c, ix.long, words)
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	ix.learnAliases(titles)
	titleIDs := map[int32]uint8{}
	for w, g := range personTitles {
		if id, ok := ix.vocab[ix.stem.stem(w)]; ok {
			titleIDs[id] = g
		}
	}
	ix.resolveMentions(mentions, titleIDs)
	ix.df = make([]int32, len(ix.terms))
	for id, ps := range ix.postings {
		ix.df[id] = int32(len(ps))
	}
	ix.blocks = searchBlocks(ix.sentDoc, searchBlock)
	for w := range negations {
		if id, ok := ix.vocab[ix.stem.stem(w)]; ok {
			ix.negIDs = append(ix.negIDs, id)
		}
	}
	slices.Sort(ix.negIDs)
	ix.synonyms = synonymTable(ix.stem)
	ix.sorted = append([]string(nil), ix.terms...)
	sort.Strings(ix.sorted)
	ix.stem.frozen = true
	ix.buildCandidates()
	return ix
}

// searchBlock is the least size, in sentences, of the blocks a search
// goes through one at a time (see [searchBlocks]): their cells, 16 bytes a
// sentence, fit a core's L2 cache (1 MB here).
const searchBlock = 1 << 16

// searchBlocks splits the sentences into blocks of whole documents of at
// least size sentences each (the last may be smaller), and returns where
// each begins and, last, the end. A block never splits a document, as a
// sentence's score reads its neighbours and its paragraph.
func searchBlocks(sentDoc []int32, size int) []int32 {
	blocks := []int32{0}
	for s := 1; s < len(sentDoc); s++ {
		if sentDoc[s] != sentDoc[s-1] && s-int(blocks[len(blocks)-1]) >= size {
			blocks = append(blocks, int32(s))
		}
	}
	return append(blocks, int32(len(sentDoc)))
}

// Corpus returns the indexed corpus.
func (ix *Index) Corpus() *corpus.Corpus { return ix.corpus }

// Aliases returns the alias phrases learnt for a name, e.g. "the French
// President" for "Macron", as stemmed terms joined by spaces.
func (ix *Index) Aliases(name string) []string {
	toks := analyze(name, nil, nil)
	if len(toks) == 0 {
		return nil
	}
	return ix.aliases[toks[len(toks)-1].Term]
}

// learnAliases finds "Title Name" appositions and, for each multi-word
// title that names exactly one person ("French President" → Macron), adds
// the name to every sentence that uses the title instead of the name.
func (ix *Index) learnAliases(titles map[[2]int32]map[int32]bool) {
	ix.aliases = map[string][]string{}
	for title, ns := range titles {
		if len(ns) != 1 {
			continue
		}
		var nameID int32
		for n := range ns {
			nameID = n
		}
		ids := title[:]
		name := ix.terms[nameID]
		phrase := ix.terms[title[0]] + " " + ix.terms[title[1]]
		ix.aliases[name] = append(ix.aliases[name], phrase)
		// Sentences with the phrase but not the name now also match the name.
		for _, p := range ix.postings[ids[0]] {
			st := ix.sentTerms[p.sent]
			if slices.Contains(st, nameID) || !hasPhrase(st, ids) {
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
func (ix *Index) SetParams(p Params) {
	ix.params = p
	ix.long = longness(ix.words, p.BookWords)
	ix.book = readsAsBook(ix.corpus, ix.long, ix.words)
}

// Analyze analyzes text as the index does, reusing its stems.
func (ix *Index) Analyze(text string) []Token { return analyze(text, nil, ix.stem) }

// Holds reports whether a sentence has an index term.
func (ix *Index) Holds(sent int, term string) bool {
	id, ok := ix.vocab[term]
	return ok && slices.Contains(ix.sentTerms[sent], id)
}

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
		if slices.Contains(ta[:i], id) {
			continue
		}
		union++
		if slices.Contains(tb, id) {
			inter++
		}
	}
	for i, id := range tb {
		if !slices.Contains(tb[:i], id) && !slices.Contains(ta, id) {
			union++
		}
	}
	return float64(inter) / float64(union)
}
