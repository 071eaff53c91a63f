package retrieval

import (
	"regexp"
	"strings"
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
	// TypeAge is a person's age ("How old is Grete?"): a number of years.
	TypeAge
	// TypeDistance is how far ("How far is Netherfield?"): a number and a
	// unit of length.
	TypeDistance
	numTypes
)

// typeRow is one answer type: how a question asks for it and how a
// sentence holds it. Adding a type is one row here and, when no finder
// of [kindTable] finds its answers yet, one finder there.
type typeRow struct {
	name string
	// asks reports whether a question asks for this type; the rows are
	// tried in [classifyOrder].
	asks func(w qwords) bool
	// kinds are the candidate kinds whose spans answer it. A kind marked
	// fallback in [kindTable] is offered only where no earlier kind
	// answers.
	kinds []kind
	// signals, when set, are the kinds that tell a sentence can answer
	// (some too loose to show as the answer); else kinds.
	signals []kind
	// holds are the build-time holds that show a sentence may answer it
	// (see tags.go); 0 for none.
	holds hold
	// strict: a sentence without a candidate cannot answer ("how many"
	// needs a number).
	strict bool
	// distinctive: a candidate says much about a sentence (numbers and
	// dates do; capitalized names, found in most sentences, do not).
	distinctive bool
	// bias moves a candidate nearer to (negative) or further from the
	// question's words when the short answer is chosen, in bytes.
	bias func(c spanContext) int
}

// spanContext is what a type's bias reads of a candidate short answer.
type spanContext struct {
	// before is the sentence's text before the candidate.
	before string
	// person: the candidate holds a name the corpus uses of a person.
	person bool
}

// answerTypes is the table of answer types, indexed by [AnswerType].
var answerTypes = [numTypes]typeRow{
	TypeNone: {name: "none"},
	TypeMoney: {name: "money", kinds: []kind{kindMoney}, holds: holdMoney, distinctive: true,
		asks: func(w qwords) bool {
			return w.pair("how", "much") && w.anyOf(moneyWords) || w.whatOf(whatMoney) || w.howBigA(whatMoney)
		}},
	TypeAge: {name: "age", kinds: []kind{kindAge}, holds: holdAge, strict: true, distinctive: true,
		asks: func(w qwords) bool {
			return w.pair("how", "old") || w.whatOf(ageWords) || w.first < len(w.w) && w.is(w.first, "ages")
		}},
	TypeDistance: {name: "distance", kinds: []kind{kindDistance}, holds: holdDistance, distinctive: true,
		asks: func(w qwords) bool { return w.pair("how", "far") }},
	TypeNumber: {name: "number", kinds: []kind{kindNumber}, holds: holdNumber, strict: true, distinctive: true,
		asks: func(w qwords) bool {
			return (w.after("how", howNumber) || w.whatOf(whatNumber)) && !w.howMuchTime()
		}},
	TypeDuration: {name: "duration", kinds: []kind{kindDuration}, holds: holdDuration, distinctive: true,
		asks: func(w qwords) bool { return w.pair("how", "long") && !w.howLongAgo() || w.howMuchTime() }},
	TypeDate: {name: "date", kinds: []kind{kindDate}, holds: holdDate, strict: true, distinctive: true,
		asks: func(w qwords) bool { return w.whatOf(whatDate) }},
	TypeTime: {name: "time", kinds: []kind{kindDate, kindTime}, holds: holdTime, distinctive: true,
		asks: func(w qwords) bool { return w.howLongAgo() || w.wh(whenWords) || w.whatTime() }},
	TypePerson: {name: "person", kinds: []kind{kindName, kindPersonNoun}, holds: holdName | holdPersonNoun,
		// "Who is Vladimir Putin?" asks what a person is, not for a name.
		asks: func(w qwords) bool { return w.wh(whoWords) && !w.identity },
		// "the Kremlin", "the Islamic State": a name after "the" is
		// rarely a person's; one the corpus uses of a person is.
		bias: func(c spanContext) int {
			d := 0
			if strings.HasSuffix(strings.ToLower(c.before), "the ") {
				d += locativeBias
			}
			// "In North Carolina, …", "at Fresno": a place's; "the town
			// of Khan Sheikhun" is one.
			f := strings.Fields(c.before)
			if len(f) > 0 && inAtNear[strings.ToLower(f[len(f)-1])] {
				d += locativeBias
			}
			if len(f) > 1 && strings.ToLower(f[len(f)-1]) == "of" && whatPlace[strings.ToLower(f[len(f)-2])] {
				d += 4 * locativeBias
			}
			if c.person {
				d -= locativeBias
			}
			return d
		}},
	TypePlace: {name: "place", kinds: []kind{kindName, kindPlaceNoun}, signals: []kind{kindName, kindPlaceNoun, kindPlacePhrase}, holds: holdName | holdPlaceNoun,
		asks: func(w qwords) bool { return w.wh(whereWords) || w.whatOf(whatPlace) },
		// A place after "in", "at", "from"… is likelier the answer; a
		// person is none.
		bias: func(c spanContext) int {
			d := 0
			if afterLocative(c.before) {
				d -= locativeBias
			}
			if c.person {
				d += 2 * locativeBias
			}
			return d
		}},
}

// inAtNear are the prepositions before which a name is a place's more
// often than a person's.
var inAtNear = wordSet("in at near")

// classifyOrder is the order in which questions are matched against the
// rows: the more specific ask first ("how much … cost" is money before
// "how much" is a number; "what year … when" is a date).
var classifyOrder = [...]AnswerType{TypeMoney, TypeAge, TypeDistance, TypeNumber, TypeDuration, TypeDate, TypeTime, TypePerson, TypePlace}

// locativeBias is how much nearer, in bytes, a place after a preposition of
// place counts when the short answer is chosen.
const locativeBias = 20

func (t AnswerType) row() *typeRow {
	if t < 0 || t >= numTypes {
		return &answerTypes[TypeNone]
	}
	return &answerTypes[t]
}

func (t AnswerType) String() string {
	if t < 0 || t >= numTypes {
		return "unknown"
	}
	return answerTypes[t].name
}

// Distinctive reports whether a candidate of this type says much about a
// sentence: numbers, durations and dates do; capitalized names, found in
// most sentences, do not.
func (t AnswerType) Distinctive() bool { return t.row().distinctive }

// Strict reports whether a sentence without a candidate of this type cannot
// answer: a "how many" question needs a number, a "what date" one a date.
func (t AnswerType) Strict() bool { return t.row().strict }

// signalKinds are the candidate kinds that tell a sentence can answer t.
func (t AnswerType) signalKinds() []kind {
	if r := t.row(); r.signals != nil {
		return r.signals
	}
	return t.row().kinds
}

// ClassifyQuestion returns the answer type a question expects, from its
// question words: "how many" wants a number, "when" a time, "who" a person.
func ClassifyQuestion(q string) AnswerType { return classify(newQWords(q)) }

func classify(w qwords) AnswerType {
	for _, t := range classifyOrder {
		if answerTypes[t].asks(w) {
			return t
		}
	}
	return TypeNone
}

// qwords are the lower-case words of a question, for the rows' asks.
type qwords struct {
	w []string
	// first is the first word after a leading "and", "so", "but", "then".
	first int
	// identity: the question asks who someone named is ("Who is Mr.
	// Darcy?"), wanting a description rather than a name.
	identity bool
}

// identityRE matches "Who is X?" where X is a name: capitalized words,
// titles and initials, with "the" or "of" between them.
var identityRE = regexp.MustCompile(`^\s*(?i:who)\s+(?i:is|was|are|were)\s+\p{Lu}[\p{L}'’.-]*(?:\s+(?:(?:of|the|de|van|von)\s+)?\p{Lu}[\p{L}'’.-]*)*\s*\??\s*$`)

func newQWords(q string) qwords {
	w := qwords{w: questionWords(q)}
	// identityRE is costly; only a question starting "who" can match it.
	if t := strings.TrimLeft(q, " \t\r\n\f\v"); len(t) >= 3 && strings.EqualFold(t[:3], "who") {
		w.identity = identityRE.MatchString(q)
	}
	for w.first < len(w.w) && leadingConjunctions[w.w[w.first]] {
		w.first++
	}
	// "When Alice's neck stretched up, what did the bird take her for?":
	// the question starts after the clause before it.
	if w.in(w.first, clauseOpeners) {
		if i := strings.IndexByte(q, ','); i > 0 {
			if k := len(questionWords(q[:i])); k > w.first && (w.in(k, whWord) || w.is(k, "whose")) {
				w.first = k
			}
		}
	}
	return w
}

// clauseOpeners open a clause that may stand before a question's own
// question word: "When…, what…?".
var clauseOpeners = wordSet("when while after before since once as if though although during")

func (w qwords) is(i int, word string) bool         { return i < len(w.w) && w.w[i] == word }
func (w qwords) in(i int, set map[string]bool) bool { return i < len(w.w) && set[w.w[i]] }

// pair reports the words a, b side by side anywhere.
func (w qwords) pair(a, b string) bool {
	for i := range w.w {
		if w.is(i, a) && w.is(i+1, b) {
			return true
		}
	}
	return false
}

// after reports the word a followed by one of set.
func (w qwords) after(a string, set map[string]bool) bool {
	for i := range w.w {
		if w.is(i, a) && w.in(i+1, set) {
			return true
		}
	}
	return false
}

// whatOf reports "what" or "which" followed by one of set.
func (w qwords) whatOf(set map[string]bool) bool {
	return w.after("what", set) || w.after("which", set)
}

// anyOf reports a word of set anywhere.
func (w qwords) anyOf(set map[string]bool) bool {
	for i := range w.w {
		if w.in(i, set) {
			return true
		}
	}
	return false
}

// whatTime reports "what time" or "what hour" asking for a time of day
// ("What time was the alarm set for?"), not "what time period".
func (w qwords) whatTime() bool {
	_, ok := w.whatTimeAt()
	return ok
}

// whatTimeAt finds "what time" or "which hour", not "what time period":
// the index of "what" or "which".
func (w qwords) whatTimeAt() (int, bool) {
	for i := range w.w {
		if (w.is(i, "what") || w.is(i, "which")) && (w.is(i+1, "time") || w.is(i+1, "hour")) && !w.in(i+2, timeSpanWords) {
			return i, true
		}
	}
	return 0, false
}

// asksClock reports a question that asks for a time of day ("What time
// was the alarm set for?"), not "what time of year".
func (w qwords) asksClock() bool {
	i, ok := w.whatTimeAt()
	return ok && !w.is(i+2, "of")
}

// asksCalendar reports a question that asks "what date" or "which date"
// ("On what date did the weddings take place?").
func (w qwords) asksCalendar() bool {
	for i := range w.w {
		if (w.is(i, "what") || w.is(i, "which")) && w.is(i+1, "date") {
			return true
		}
	}
	return false
}

// asksSeason reports a question that asks for a month or a season: "what
// month", "which season", "what time of year".
func (w qwords) asksSeason() bool {
	for i := range w.w {
		if w.is(i, "what") || w.is(i, "which") {
			if w.in(i+1, seasonAsked) || w.is(i+1, "time") && w.is(i+2, "of") && w.is(i+3, "year") {
				return true
			}
		}
	}
	return false
}

var seasonAsked = wordSet("month season")

var timeSpanWords = wordSet("period periods frame frames span spans zone zones")

// howBigA reports "how big a", "how large a"… before a word of set: "How
// large a fee…?" asks for an amount.
func (w qwords) howBigA(set map[string]bool) bool {
	for i := range w.w {
		if w.is(i, "how") && w.in(i+1, sizeWords) && (w.is(i+2, "a") || w.is(i+2, "an")) && w.in(i+3, set) {
			return true
		}
	}
	return false
}

var sizeWords = wordSet("big large great small handsome generous substantial")

// howMuchTime reports "how much time": a length of time, no count.
func (w qwords) howMuchTime() bool {
	for i := range w.w {
		if w.is(i, "how") && w.is(i+1, "much") && w.is(i+2, "time") {
			return true
		}
	}
	return false
}

func (w qwords) howLongAgo() bool {
	for i := range w.w {
		if w.is(i, "how") && w.is(i+1, "long") && w.is(i+2, "ago") {
			return true
		}
	}
	return false
}

// wh reports a question word of set standing first (after a leading
// conjunction) or before an auxiliary: "Who met…", "And where was…",
// "In the year when was…".
func (w qwords) wh(set map[string]bool) bool {
	if w.in(w.first, set) {
		return true
	}
	for i := range w.w {
		if w.in(i, set) && w.in(i+1, questionAux) {
			return true
		}
	}
	return false
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

// measures are the words after "how" that ask for a size or a weight.
const measures = "big large tall high deep wide heavy"

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	leadingConjunctions = wordSet("and so but then")
	questionAux         = wordSet("did does do was were is are had has have will would")
	whenWords           = wordSet("when")
	whoWords            = wordSet("who whom whose")
	whereWords          = wordSet("where")
	howNumber           = wordSet("many much " + measures)
	// measureWords after "how" ask for a size or a weight.
	measureWords = wordSet(measures)
	whatNumber   = wordSet("percentage percent number amount proportion fraction")
	whatDate     = wordSet("year years date dates day days month months century centuries decade decades")
	// moneyWords make a "how much" question ask for an amount of money.
	moneyWords = wordSet("cost costs money pay paid spend spent price worth raise raised earn earned fund charge charged dollars sell sold buy bought offer offered budget salary fee revenue profit donate donated invest invested income fortune wealth inherit inherited inheritance dowry rent wage wages pounds")
	// whatMoney are the nouns of "what/which … " questions asking for an
	// amount of money ("What sum did he take?").
	whatMoney = wordSet("sum price fee salary income fortune wage wages rent loan bounty reward ransom dowry allowance legacy payment")
	ageWords  = wordSet("age ages")
	// typeWords, after "how" or "what", name the type a question asks
	// for rather than its subject: "how old", "what age", "how far".
	typeWords = wordSet("old age ages far")
	whatPlace = wordSet("city country town place region state continent location building street inn hotel church village river port castle island county")
)
