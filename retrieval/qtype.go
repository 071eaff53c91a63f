package retrieval

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AnswerType is the kind of answer a question expects (Li & Roth's coarse
// classes, reduced to what can be recognised in text without a model).
type AnswerType int

// The answer types. [TypeNone] means any text may answer.
const (
	TypeNone AnswerType = iota
	TypePerson
	TypePlace
	TypeNumber
	TypeDuration
	TypeDate
	TypeTime
	// TypeMoney is an amount of money ("How much did it cost?"): a number
	// with a currency. Unlike TypeNumber it is not strict; a sentence may
	// give the cost in other words.
	TypeMoney
)

var typeNames = [...]string{"none", "person", "place", "number", "duration", "date", "time", "money"}

func (t AnswerType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Distinctive reports whether a candidate of this type says much about a
// sentence: numbers, durations and dates do; capitalized names, found in
// most sentences, do not.
func (t AnswerType) Distinctive() bool {
	return t == TypeMoney || t == TypeNumber || t == TypeDuration || t == TypeDate || t == TypeTime
}

// Strict reports whether a sentence without a candidate of this type cannot
// answer: a "how many" question needs a number, a "what date" one a date.
func (t AnswerType) Strict() bool { return t == TypeNumber || t == TypeDate }

// ClassifyQuestion returns the answer type a question expects, from its
// question words: "how many" wants a number, "when" a time, "who" a person.
func ClassifyQuestion(q string) AnswerType {
	w := questionWords(q)
	first := 0
	for first < len(w) && (w[first] == "and" || w[first] == "so" || w[first] == "but" || w[first] == "then") {
		first++
	}
	at := func(i int, set map[string]bool) bool { return i < len(w) && set[w[i]] }
	is := func(i int, word string) bool { return i < len(w) && w[i] == word }
	any := func(match func(i int) bool) bool {
		for i := range w {
			if match(i) {
				return true
			}
		}
		return false
	}
	// whAux: the question word stands first or before an auxiliary.
	whAux := func(set map[string]bool) bool {
		return at(first, set) || any(func(i int) bool { return at(i, set) && at(i+1, questionAux) })
	}
	switch {
	case any(func(i int) bool { return is(i, "how") && is(i+1, "much") }) && any(func(i int) bool { return at(i, moneyWords) }):
		return TypeMoney
	case any(func(i int) bool { return is(i, "how") && is(i+1, "long") && is(i+2, "ago") }):
		return TypeTime
	case any(func(i int) bool {
		return is(i, "how") && at(i+1, howNumber) || (is(i, "what") || is(i, "which")) && at(i+1, whatNumber)
	}):
		return TypeNumber
	case any(func(i int) bool { return is(i, "how") && is(i+1, "long") }):
		return TypeDuration
	case any(func(i int) bool { return (is(i, "what") || is(i, "which")) && at(i+1, whatDate) }):
		return TypeDate
	case whAux(map[string]bool{"when": true}):
		return TypeTime
	case whAux(map[string]bool{"who": true, "whom": true, "whose": true}):
		return TypePerson
	case whAux(map[string]bool{"where": true}) || any(func(i int) bool { return (is(i, "what") || is(i, "which")) && at(i+1, whatPlace) }):
		return TypePlace
	}
	return TypeNone
}

// questionWords returns the lower-case words of a question.
func questionWords(q string) []string {
	var w []string
	for i := 0; i < len(q); {
		start, end, ok := nextWord(q, i)
		if !ok {
			break
		}
		w = append(w, Normalize(q[start:end]))
		i = end
	}
	return w
}

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	questionAux = wordSet("did does do was were is are had has have will would")
	howNumber   = wordSet("many much old far big large tall high deep wide heavy")
	whatNumber  = wordSet("percentage percent number amount proportion fraction")
	whatDate    = wordSet("year years date dates day days month months century centuries decade decades")
	// moneyWords make a "how much" question ask for an amount of money.
	moneyWords = wordSet("cost costs money pay paid spend spent price worth raise raised earn earned fund charge charged dollars sell sold buy bought offer offered budget salary fee revenue profit donate donated invest invested")
	whatPlace  = wordSet("city country town place region state continent location building street")
)

// Span is a byte range of a text.
type Span struct{ Start, End int }

var (
	numberWords  = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|several|a few|a couple of`
	numeral      = `(?:[$£€]|\b)\d(?:[\d,.]*\d)?(?:%| ?percent\b| ?per cent\b)?|\b(?:` + numberWords + `)(?:[- ](?:` + numberWords + `))*\b`
	timeUnit     = `(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?|centuries|century|generations?)`
	monthName    = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`
	ordinalWords = `(?i:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)`
	dayName      = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`

	moneyRE    = regexp.MustCompile(`(?i)[$£€¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|thousand|m|bn)\b)?|\b\d[\d,.]*\s?(?:million |billion |thousand )?(?:dollars|pounds|euros|francs|marks|yen|rupees|guineas|shillings|florins|cents|pence)\b|\b(?:` + numberWords + `)(?:[- ](?:` + numberWords + `))*\s(?:dollars|pounds|euros|francs|marks|florins)\b`)
	numberRE   = regexp.MustCompile(`(?i)(?:` + numeral + `)`)
	durationRE = regexp.MustCompile(`(?i)\b(?:(?:` + numeral + `|an?|the|several|many|few)\s+(?:more\s+|full\s+|long\s+)?` + timeUnit + `|overnight|all (?:day|night|week|year))\b`)
	dateRE     = regexp.MustCompile(`\b(?:` + monthName + `(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{3,4})?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthName + `(?:,?\s+\d{3,4})?|` + dayName + `|(?:1[0-9]|20)\d{2}s?|(?:c\.?\s?|ca\.\s?)\d{3,4}|(?:\d{1,2}(?:st|nd|rd|th)|` + ordinalWords + `)[\s-]+[Cc]entur(?:y|ies)|\d{1,4}\s?(?:BC|AD|BCE|CE)|\d{1,2}/\d{1,2}/\d{2,4})\b`)
	relTimeRE  = regexp.MustCompile(`(?i)\b(?:(?:` + numeral + `|an?|the|several|many|few)\s+` + timeUnit + `\s+(?:before|after|ago|later|earlier|prior)|(?:yesterday|today|tonight|tomorrow|last (?:year|month|week|night)|next (?:year|month|week|day)|(?:in|at|by|during|since|until|before|after) (?:the )?(?:morning|afternoon|evening|night|noon|midnight|dawn|dusk|spring|summer|autumn|fall|winter)))\b`)
	clockRE    = regexp.MustCompile(`(?i)\b\d{1,2}(?::\d{2})?\s?(?:a\.m\.|p\.m\.|am|pm|o'clock)`)
)

// Candidates returns the spans of text that could answer a question of type
// t, in text order. For person and place questions they are runs of
// capitalized words; for the others, numbers, durations, dates and times.
func Candidates(text string, t AnswerType) []Span {
	var res [][]int
	switch t {
	case TypeNumber:
		for _, r := range numberRE.FindAllStringIndex(text, -1) {
			// "one" alone is mostly a pronoun ("one that would merit…"),
			// a number before a noun ("one member") or after "to".
			if !strings.EqualFold(text[r[0]:r[1]], "one") || numeralOne(text, r[0], r[1]) {
				res = append(res, r)
			}
		}
	case TypeMoney:
		res = moneyRE.FindAllStringIndex(text, -1)
	case TypeDuration:
		res = durationRE.FindAllStringIndex(text, -1)
	case TypeDate:
		res = dateRE.FindAllStringIndex(text, -1)
	case TypeTime:
		res = append(res, dateRE.FindAllStringIndex(text, -1)...)
		res = append(res, relTimeRE.FindAllStringIndex(text, -1)...)
		res = append(res, clockRE.FindAllStringIndex(text, -1)...)
	case TypePerson, TypePlace:
		return properNames(text)
	default:
		return nil
	}
	out := make([]Span, 0, len(res))
	for _, r := range res {
		out = append(out, Span{r[0], r[1]})
	}
	return mergeSpans(out)
}

// numeralOne reports whether the "one" at text[start:end] counts something:
// it stands before a word that is not a stop word ("one member"), or after
// "to", "than" or "only" ("reduced to one").
func numeralOne(text string, start, end int) bool {
	if s, e, ok := nextWord(text, end); ok && strings.TrimSpace(text[end:s]) == "" {
		if w := Normalize(text[s:e]); !stopWords[w] {
			return true
		}
	}
	before := strings.Fields(text[:start])
	if len(before) > 0 {
		switch strings.ToLower(before[len(before)-1]) {
		case "to", "than", "only":
			return true
		}
	}
	return false
}

// mergeSpans sorts spans and joins overlapping ones.
func mergeSpans(s []Span) []Span {
	if len(s) < 2 {
		return s
	}
	for i := 1; i < len(s); i++ { // insertion sort: lists are short
		for j := i; j > 0 && (s[j].Start < s[j-1].Start); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.Start <= last.End {
			if x.End > last.End {
				last.End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// properNames finds runs of capitalized words ("Marine Le Pen", "Khan
// Sheikhun"), allowing "of", "de", "the" and similar inside a run. A lone
// capitalized stop word ("The", "He") is not a name.
func properNames(text string) []Span {
	var out []Span
	toks := Analyze(text)
	i := 0
	for i < len(toks) {
		if !capitalized(text[toks[i].Start:]) || toks[i].Stop && !nameConnector(toks[i].Word) && i+1 < len(toks) && !capitalized(text[toks[i+1].Start:]) {
			i++
			continue
		}
		j := i
		for j+1 < len(toks) {
			gap := text[toks[j].End:toks[j+1].Start]
			// Initials and dotted abbreviations: "U.S.", "J. R. R. Tolkien".
			initial := toks[j].End-toks[j].Start == 1 && strings.TrimSpace(gap) == "."
			if strings.TrimSpace(gap) != "" && gap != "-" && !initial {
				break
			}
			if capitalized(text[toks[j+1].Start:]) {
				j++
				continue
			}
			// "palace of Versailles": a connector followed by a capital.
			if nameConnector(toks[j+1].Word) && j+2 < len(toks) && capitalized(text[toks[j+2].Start:]) &&
				strings.TrimSpace(text[toks[j+1].End:toks[j+2].Start]) == "" {
				j += 2
				continue
			}
			break
		}
		// Trim leading capitalized stop words ("The Kremlin" -> keep "Kremlin").
		k := i
		for k <= j && toks[k].Stop {
			k++
		}
		// A lone nationality adjective before a noun ("French election") is
		// not a name.
		adjective := k == j && j+1 < len(toks) && !capitalized(text[toks[j+1].Start:]) && demonymLike(toks[j].Word)
		if k <= j && !adjective {
			end := toks[j].End
			if toks[j].End-toks[j].Start == 1 && end < len(text) && text[end] == '.' {
				end++ // the full stop of a final initial: "U.S."
			}
			out = append(out, Span{toks[k].Start, end})
		}
		i = j + 1
	}
	return out
}

func nameConnector(w string) bool {
	switch w {
	case "of", "de", "la", "le", "du", "van", "von", "der", "al", "bin", "di", "da":
		return true
	}
	return false
}

func capitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

// fillerWords are words a question uses that say nothing about the story:
// "What kind of response", "When did that happen?". Queries drop them; the
// index keeps them.
var fillerWords = map[string]bool{"happen": true, "happened": true, "happens": true, "occur": true, "occurred": true,
	"kind": true, "sort": true, "type": true, "thing": true, "things": true, "something": true, "get": true, "got": true,
	"mention": true, "mentioned": true, "many": true, "much": true}

// Levels of reference back to the previous sentence.
const (
	anaphorNone = iota
	// anaphorWeak: a third-person pronoun ("He said…", "its descent"),
	// which mostly names the topic the previous sentence also names.
	anaphorWeak
	// anaphorStrong: a demonstrative standing for something the previous
	// sentence said ("Macron called this a red line", "This was the first…").
	anaphorStrong
)

// Word roles that show reference back to an earlier sentence.
const (
	roleThird    = 1 << iota // he, it, their…
	roleDemo                 // this, that, these, those, such
	roleThat                 // that (also a conjunction)
	roleFollower             // a word after a demonstrative pronoun: "this is", "this a"
)

// wordRole returns the roles of a word, in any case.
func wordRole(w string) uint8 {
	if len(w) > 6 {
		return 0
	}
	var buf [6]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	lw := string(buf[:len(w)])
	var r uint8
	if thirdPerson[lw] {
		r |= roleThird
	}
	switch lw {
	case "this", "these", "those", "such":
		r |= roleDemo
	case "that":
		r |= roleDemo | roleThat
	}
	if pronounFollower[lw] {
		r |= roleFollower
	}
	return r
}

// anaphoraLevel tells from the roles of a sentence's words how it refers
// back to an earlier one.
func anaphoraLevel(roles []uint8) int {
	level := anaphorNone
	for n, r := range roles {
		if n > 0 {
			prev := roles[n-1]
			switch {
			case prev&roleDemo != 0 && r&roleFollower != 0 && (n > 1 || prev&roleThat == 0):
				return anaphorStrong
			case n == 1 && prev&roleDemo != 0 && prev&roleThat == 0:
				level = anaphorWeak
			}
		}
		if r&roleThird != 0 {
			level = anaphorWeak
		}
	}
	return level
}

// anaphoric tells how a sentence refers back to an earlier one.
func anaphoric(s string) int {
	var roles []uint8
	for i := 0; ; {
		start, end, ok := nextWord(s, i)
		if !ok {
			break
		}
		roles = append(roles, wordRole(s[start:end]))
		i = end
	}
	return anaphoraLevel(roles)
}

var (
	// pronounFollower words after a demonstrative show it stands alone as a
	// pronoun: "this is", "called this a".
	pronounFollower = wordSet("a an as is was are were has had would will could can may might led meant made")
	thirdPerson     = wordSet("he she it they him her them his its their there")
)

// demonymLike reports a word shaped like a nationality adjective
// ("French", "Russian", "Chinese").
func demonymLike(w string) bool {
	for _, suf := range []string{"an", "ese", "ish", "ch", "i", "ic"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
			return true
		}
	}
	return false
}

// predicateAt finds the verb a "What did Macron call …?" question asks
// about: a question word, "did", "does" or "do", a capitalized subject, then
// a lower-case word. It returns the verb's byte offset, or -1.
func predicateAt(q string) int {
	type word struct {
		w     string
		start int
	}
	var toks []word
	for i := 0; ; {
		start, end, ok := nextWord(q, i)
		if !ok {
			break
		}
		toks = append(toks, word{stripPossessive(Normalize(q[start:end])), start})
		i = end
	}
	for i := 0; i+3 < len(toks); i++ {
		if !whWord[toks[i].w] {
			continue
		}
		j := i + 1
		if (toks[i].w == "what" || toks[i].w == "which") && !doAux[toks[j].w] {
			j++ // "what gas did …"
		}
		if j >= len(toks) || !doAux[toks[j].w] {
			return -1
		}
		k := j + 1
		for k < len(toks) && capitalized(q[toks[k].start:]) {
			k++
		}
		if k == j+1 || k >= len(toks) || stopWords[toks[k].w] {
			return -1
		}
		return toks[k].start
	}
	return -1
}

var (
	whWord = wordSet("what which who whom how where when why")
	doAux  = wordSet("did does do")
)

// SpeechSubject returns the named subject of a question that asks what
// someone said or thought ("What did Putin say in reply?" gives "Putin"),
// or "" for any other question.
func SpeechSubject(q string) string {
	at := predicateAt(q)
	if at < 0 {
		return ""
	}
	toks := analyze(q[at:], nil, nil)
	if len(toks) == 0 || !askedSpeech[toks[0].Term] {
		return ""
	}
	// The subject is the capitalized run just before the verb.
	words := analyze(q[:at], nil, nil)
	if len(words) == 0 {
		return ""
	}
	last := words[len(words)-1]
	if !capitalized(q[last.Start:]) {
		return ""
	}
	return q[last.Start:last.End]
}

// attributionWords is how many words after a mention of the subject a verb
// of saying may stand: room for an apposition ("Chris Keates, the general
// secretary of …, said").
const attributionWords = 20

// Attributed reports whether a sentence has the subject (or a title learnt
// for it) say or think something: a verb of saying or thinking shortly after
// a mention of the subject, or after "he", "his", "she", "her", "they" or
// "their" once the subject was mentioned earlier in the paragraph or in the
// sentence before; or "according to" the subject.
func (ix *Index) Attributed(sent int, subject string) bool {
	toks := analyze(subject, nil, nil)
	if len(toks) == 0 {
		return false
	}
	name := toks[len(toks)-1].Term
	var titles [][2]string
	for _, a := range ix.Aliases(subject) {
		if f := strings.Fields(a); len(f) == 2 {
			titles = append(titles, [2]string{f[0], f[1]})
		}
	}
	mentions := func(ts []Token, i int) bool {
		if ts[i].Term == name {
			return true
		}
		for _, t := range titles {
			if i > 0 && ts[i-1].Term == t[0] && ts[i].Term == t[1] {
				return true
			}
		}
		return false
	}
	para := ix.sentPara[sent]
	earlier := false
	for p := sent - 1; p >= 0 && (ix.sentPara[p] == para || p == sent-1 && ix.sentDoc[p] == ix.sentDoc[sent]) && !earlier; p-- {
		ts := analyze(ix.corpus.Sentences[p].Text, nil, ix.stem)
		for i := range ts {
			earlier = earlier || mentions(ts, i)
		}
	}
	ts := analyze(ix.corpus.Sentences[sent].Text, nil, ix.stem)
	from := -1 // the latest subject mention
	for i, t := range ts {
		switch {
		case mentions(ts, i):
			if i >= 2 && ts[i-1].Word == "to" && ts[i-2].Word == "according" {
				return true
			}
			from, earlier = i, true
		case earlier && (t.Word == "he" || t.Word == "she" || t.Word == "they" || t.Word == "his" || t.Word == "her" || t.Word == "their"):
			from = i
		case from >= 0 && i-from <= attributionWords && speechVerbs[t.Term]:
			return true
		}
	}
	return false
}

var (
	// askedSpeech are the index terms of question verbs that ask what
	// someone said or thought.
	askedSpeech = termSet("say tell reply answer think believe feel claim comment respond")
	// speechVerbs are the index terms of verbs that report speech or thought.
	speechVerbs = termSet("say said stated told warned expressed claimed spoke replied announced declared argued insisted explained believed thought wrote commented accused blamed mentioned described called answered theorized suspected assured maintained pointed taught indicated asserted proposed concluded contended acknowledged admitted predicted noted remarked reported recalled added hoped feared doubted felt considered viewed saw urged criticized praised denied suggested confirmed assumed stressed estimated revealed teaching stating")
)

// namingVerbs are the index terms of verbs that ask how something was called
// or put: "What did Macron call the attack?".
var namingVerbs = termSet("call name describe term label dub refer know consider regard view see say tell think")

// NamingVerb reports whether an index term is a verb that asks how something
// was called or put ("call", "describe", "say").
func NamingVerb(term string) bool { return namingVerbs[term] }

// termSet is the set of index terms of the words.
func termSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, t := range analyze(words, nil, nil) {
		m[t.Term] = true
	}
	return m
}
