package retrieval

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of a text as the index sees it.
type Token struct {
	// Term is the normalized, stemmed form the index matches on.
	Term string
	// Word is the normalized surface form (lower case, NFKC, straight
	// apostrophes, possessive removed).
	Word string
	// Start and End are byte offsets of the word in the analyzed text.
	Start, End int
	// Stop reports a stop word; the index skips those.
	Stop bool
}

// Normalize folds text the way the index compares it: NFKC, straight quotes
// and apostrophes, lower case, accents dropped. Normalizing twice changes
// nothing.
func Normalize(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	s = strings.ToValidUTF8(s, "\ufffd")
	s = quoteFolder.Replace(norm.NFKC.String(s))
	// Lower case can undo NFKC ("İ" becomes "i" and a combining dot).
	return foldMarks(norm.NFKC.String(strings.ToLower(s)))
}

// foldMarks drops accents and other combining marks, so that "Beauséjour"
// and "Beausejour" are one word.
func foldMarks(s string) string {
	d := norm.NFD.String(s)
	if !strings.ContainsFunc(d, isMark) {
		return s
	}
	return norm.NFC.String(strings.Map(func(r rune) rune {
		if isMark(r) {
			return -1
		}
		return r
	}, d))
}

func isMark(r rune) bool { return unicode.Is(unicode.Mn, r) }

var quoteFolder = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201b", "'", "\u02bc", "'", "\u2032", "'",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u00ab", `"`, "\u00bb", `"`,
)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// stemmer stems words, remembering results. It is not safe for concurrent use
// while it learns; after freeze it only reads its cache, and remembers the
// stems of words the corpus does not have (a question's) in a [memo].
type stemmer struct {
	cache  map[string]string
	frozen bool
	// unknown holds stems of words missing from cache, learnt after
	// freeze.
	unknown memo[string]
}

func newStemmer() *stemmer { return &stemmer{cache: make(map[string]string, 1<<14)} }

func (s *stemmer) stem(w string) string {
	if t, ok := s.cache[w]; ok {
		return t
	}
	if !s.frozen {
		t := stemWord(w)
		s.cache[w] = t
		return t
	}
	if t, ok := s.unknown.load(w); ok {
		return t
	}
	t := stemWord(w)
	s.unknown.store(w, t)
	return t
}

// memo remembers values by word, safe for concurrent use, and bounded:
// after maxMemo words it stops learning (about 64k words, a few MiB).
type memo[V any] struct {
	m sync.Map
	n atomic.Int64
}

const maxMemo = 1 << 16

func (c *memo[V]) load(k string) (V, bool) {
	v, ok := c.m.Load(k)
	if !ok {
		var zero V
		return zero, false
	}
	return v.(V), true
}

func (c *memo[V]) store(k string, v V) {
	if c.n.Load() >= maxMemo {
		return
	}
	// A word may be a substring of a long text: keep only its bytes.
	if _, loaded := c.m.LoadOrStore(strings.Clone(k), v); !loaded {
		c.n.Add(1)
	}
}

func stemWord(w string) string {
	if base, ok := irregular[w]; ok {
		w = base
	}
	if len(w) <= 2 || !isASCII(w) || w[0] >= '0' && w[0] <= '9' {
		return w
	}
	return english.Stem(w, true)
}

// Analyze splits text into tokens: words of letters and digits (with inner
// apostrophes, and inner dots or commas between digits), normalized and
// stemmed with Snowball English. Stop words are returned marked.
func Analyze(text string) []Token { return analyze(text, nil, nil) }

// analyze appends the tokens of text to dst. A nil stemmer stems afresh.
func analyze(text string, dst []Token, st *stemmer) []Token {
	i := 0
	for i < len(text) {
		start, end, ok := nextWord(text, i)
		if !ok {
			break
		}
		i = end
		word := stripPossessive(Normalize(text[start:end]))
		if word == "" {
			continue
		}
		tok := Token{Word: word, Start: start, End: end}
		if stopWords[word] {
			tok.Stop = true
			tok.Term = word
		} else if st != nil {
			tok.Term = st.stem(word)
		} else {
			tok.Term = stemWord(word)
		}
		dst = append(dst, tok)
	}
	return dst
}

// nextWord finds the first word of text at or after byte i.
func nextWord(text string, i int) (start, end int, ok bool) {
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf {
			if asciiWord[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			break
		}
		i += size
	}
	if i >= len(text) {
		return 0, 0, false
	}
	start, end = i, i
	for end < len(text) {
		var r rune
		size := 1
		if c := text[end]; c < utf8.RuneSelf {
			if asciiWord[c] {
				end++
				continue
			}
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[end:])
			if isWordRune(r) {
				end += size
				continue
			}
		}
		// Inner apostrophes (don't, O'Brien) and number punctuation (3.5, 1,000).
		if end+size < len(text) && end > start {
			next, nsize := utf8.DecodeRuneInString(text[end+size:])
			if isApostrophe(r) && unicode.IsLetter(next) {
				end += size + nsize
				continue
			}
			prev, _ := utf8.DecodeLastRuneInString(text[start:end])
			if (r == '.' || r == ',') && unicode.IsDigit(prev) && unicode.IsDigit(next) {
				end += size + nsize
				continue
			}
		}
		break
	}
	return start, end, true
}

var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u02bc' }

func stripPossessive(w string) string {
	w = strings.TrimSuffix(w, "'s")
	return strings.TrimRight(w, "'")
}

// stopWords are English function words that carry no topic. Question words
// are among them; the question classifier reads them before they are dropped.
// Words that change what a question asks are not: see [functionWords].
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about again am an and are aren't as at be been being but by can can't cannot could couldn't did
didn't do does doesn't doing don't down for from further had hadn't has hasn't have haven't having
he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in
into is isn't it it's its itself let's me mustn't my myself of off on once or other ought our ours
ourselves out own same shan't she she'd she'll she's should shouldn't so such than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too up very was wasn't we we'd we'll we're we've were weren't what what's when when's
where where's which who who's whom whose why why's with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves also s t just will shall may might must upon`) {
		m[w] = true
	}
	return m
}()

// functionWords are the function words left out of [stopWords] because they
// change what a question asks: negations, quantifiers, and words of
// relation, time and cause. Keeping them raised SQuAD hit@1 by 0.5 points.
var functionWords = wordSet("not no nor all any both each some few more most only against between before after during over under above below because while until")

// irregular maps irregular past forms of common verbs to their base form,
// so "met" matches "meet" and "spoke" matches "speak".
var irregular = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(`arise arose arisen|awake awoke awoken|bear bore born borne|beat beaten|become became|begin began begun|bend bent|bet|bind bound|bite bit bitten|bleed bled|blow blew blown|break broke broken|breed bred|bring brought|build built|burn burnt|burst|buy bought|catch caught|choose chose chosen|cling clung|come came|cost|creep crept|cut|deal dealt|dig dug|draw drew drawn|dream dreamt|drink drank drunk|drive drove driven|eat ate eaten|fall fell fallen|feed fed|feel felt|fight fought|find found|flee fled|fly flew flown|forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got gotten|give gave given|go went gone|grind ground|grow grew grown|hang hung|hear heard|hide hid hidden|hit|hold held|hurt|keep kept|kneel knelt|know knew known|lay laid|lead led|leap leapt|leave left|lend lent|lie lay lain|light lit|lose lost|make made|mean meant|meet met|pay paid|prove proven|quit|read|ride rode ridden|ring rang rung|rise rose risen|run ran|say said|see saw seen|seek sought|sell sold|send sent|set|shake shook shaken|shine shone|shoot shot|show shown|shrink shrank shrunk|shut|sing sang sung|sink sank sunk|sit sat|sleep slept|slide slid|speak spoke spoken|spend spent|spin spun|spread|spring sprang sprung|stand stood|steal stole stolen|stick stuck|sting stung|stink stank stunk|strike struck stricken|strive strove striven|swear swore sworn|sweep swept|swim swam swum|swing swung|take took taken|teach taught|tear tore torn|tell told|think thought|throw threw thrown|understand understood|wake woke woken|wear wore worn|weave wove woven|weep wept|win won|wind wound|write wrote written|slay slew slain|smite smote smitten|tread trod trodden|bid bade`, "|") {
		f := strings.Fields(line)
		for _, form := range f[1:] {
			m[form] = f[0]
		}
	}
	return m
}()
