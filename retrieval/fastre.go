package retrieval

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// A startRE finds the matches of a regular expression as FindAll does, but
// tries it only where a match can start: at the words its first word can
// be and at the characters it can begin with. Go's regular expressions
// have no fast scan for patterns that begin with an alternation of words,
// so an unanchored search walks its automaton over every byte; tried at a
// handful of places, the same pattern costs a fraction of that. The
// matches are the same as long as starts lists every place a match can
// begin (TestStartREs checks this against the plain search on the shared
// corpora).
type startRE struct {
	re *regexp.Regexp
	// atStart matches at the start of the text; afterRune, one rune on,
	// so that a \b at the pattern's start sees the character before.
	atStart, afterRune *regexp.Regexp
	// first reports a lower-case word a match can begin with; chars lists
	// the characters that can begin one besides.
	first func(word string) bool
	chars string
	// follow, when set, says whether the words after a first word (token
	// ti) can go on to a match; where it is false the expression is not
	// tried there.
	follow func(s *sentenceText, ti int) bool
	// bit is the expression's bit in [sentenceText].firsts.
	bit uint16
}

// startREList lists the expressions, each with its bit.
var startREList []*startRE

func newStartRE(re *regexp.Regexp, first func(word string) bool, chars string) *startRE {
	p := re.String()
	flags := ""
	// Keep a leading flag group such as (?i) in force for the whole.
	if len(p) > 4 && p[0] == '(' && p[1] == '?' && p[3] == ')' {
		flags, p = p[:4], p[4:]
	}
	r := &startRE{
		re:        re,
		atStart:   regexp.MustCompile(flags + `^(` + p + `)`),
		afterRune: regexp.MustCompile(flags + `^(?s:.)(` + p + `)`),
		first:     first,
		chars:     chars,
	}
	r.bit = 1 << len(startREList)
	startREList = append(startREList, r)
	return r
}

// firstsOf returns the bits of the expressions a word can begin.
func firstsOf(word string) uint16 {
	var m uint16
	for _, r := range startREList {
		if r.first(word) {
			m |= r.bit
		}
	}
	return m
}

// findAll returns the matches of the expression in the sentence, and the
// spans of its first group (or -1, -1), as FindAllStringSubmatchIndex
// would: leftmost first, none overlapping.
func (r *startRE) findAll(s *sentenceText) (whole, group []Span) {
	text := s.text
	last := 0
	try := func(p int) {
		if p < last {
			return
		}
		var m []int
		off := p
		if p == 0 {
			m = r.atStart.FindStringSubmatchIndex(text)
		} else {
			_, size := utf8.DecodeLastRuneInString(text[:p])
			off = p - size
			m = r.afterRune.FindStringSubmatchIndex(text[off:])
		}
		if m == nil || m[3] == m[2] {
			return
		}
		whole = append(whole, Span{off + m[2], off + m[3]})
		g := Span{-1, -1}
		if len(m) > 5 && m[4] >= 0 {
			g = Span{off + m[4], off + m[5]}
		}
		group = append(group, g)
		last = off + m[3]
	}
	// The candidate starts, in text order: words and characters merged.
	ti := 0
	for i := 0; i < len(text); {
		for ti < len(s.toks) && s.toks[ti].Start < i {
			ti++
		}
		if ti < len(s.toks) && s.toks[ti].Start == i {
			tok := s.toks[ti]
			if s.firsts(ti)&r.bit != 0 && (r.follow == nil || r.follow(s, ti)) {
				try(i)
			}
			// Where a word boundary of the expression's stands inside the
			// word ("1,000", "3.5", "é1999"), a match can begin there too.
			for j := i + 1; j < tok.End; j++ {
				if asciiWordByte(text[j]) && !asciiWordByte(text[j-1]) && r.first(Normalize(text[j:tok.End])) {
					try(j)
				}
			}
			i = tok.End
			continue
		}
		c, size := utf8.DecodeRuneInString(text[i:])
		if containsRune(r.chars, c) {
			try(i)
		}
		i += size
	}
	return whole, group
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// The words that can begin a match of each finder's expression, lower case.
var (
	numberFirstWords = func() map[string]bool {
		m := wordSet("a half several")
		for _, w := range numberStems {
			m[w] = true
			m[w+"s"] = true
		}
		return m
	}()
	hourFirstWords     = wordSet(strings.ReplaceAll(hourWords, "|", " "))
	durationFirstWords = wordSet("a an the several many few more overnight all")
	dateFirstWords     = wordSet("early mid late january february march april may june july august september october november december jan feb aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday c ca first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty")
	relTimeFirstWords  = wordSet("a an the several many few yesterday today tonight tomorrow last next in at by during since until before after")
	placeFirstWords    = wordSet("in at on among inside within near along throughout across into beneath under between")
)

func digitFirst(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

func numberFirst(w string) bool { return digitFirst(w) || numberFirstWords[w] }

var (
	numberFind   = newStartRE(numberRE, numberFirst, "$£€")
	moneyFind    = newStartRE(moneyRE, numberFirst, "$£€¥")
	durationFind = newStartRE(durationRE, func(w string) bool { return numberFirst(w) || durationFirstWords[w] }, "").
			then(func(s *sentenceText, ti int) bool {
			w := s.toks[ti].Word
			return w == "overnight" || w == "all" || unitWithin(s, ti, 4)
		})
	dateFind = newStartRE(dateRE, func(w string) bool {
		return digitFirst(w) || dateFirstWords[w] || len(w) > 1 && w[0] == 'c' && digitFirst(w[1:])
	}, "")
	relTimeFind = newStartRE(relTimeRE, func(w string) bool { return numberFirst(w) || relTimeFirstWords[w] }, "").
			then(func(s *sentenceText, ti int) bool {
			switch w := s.toks[ti].Word; w {
			case "yesterday", "today", "tonight", "tomorrow", "last", "next":
				return true
			case "in", "at", "by", "during", "since", "until", "before", "after":
				return wordAt(s, ti+1, dayParts) || wordAt(s, ti+1, theWord) && wordAt(s, ti+2, dayParts) || unitWithin(s, ti, 4)
			}
			return unitWithin(s, ti, 4)
		})
	clockFind    = newStartRE(clockRE, func(w string) bool { return digitFirst(w) || hourFirstWords[w] }, "")
	ageFind      = newStartRE(ageRE, numberFirst, "")
	distanceFind = newStartRE(distanceRE, numberFirst, "$£€")
	placeFind    = newStartRE(placePhraseRE, func(w string) bool { return placeFirstWords[w] }, "")
)

// asciiWordByte reports a byte that \w matches.
func asciiWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// spans returns the whole matches of findAll.
func (r *startRE) spans(s *sentenceText) []Span {
	whole, _ := r.findAll(s)
	return whole
}

// then sets the expression's follow test.
func (r *startRE) then(follow func(s *sentenceText, ti int) bool) *startRE {
	r.follow = follow
	return r
}

var (
	dayParts = wordSet("morning afternoon evening night noon midnight dawn dusk spring summer autumn fall winter")
	theWord  = wordSet("the")
)

// unitWithin reports a unit of time among the n words after token ti.
func unitWithin(s *sentenceText, ti, n int) bool {
	for j := ti + 1; j < len(s.toks) && j <= ti+n; j++ {
		if timeUnitSet[s.toks[j].Word] {
			return true
		}
	}
	return false
}

// wordAt reports whether token i is one of set.
func wordAt(s *sentenceText, i int, set map[string]bool) bool {
	return i < len(s.toks) && set[s.toks[i].Word]
}
