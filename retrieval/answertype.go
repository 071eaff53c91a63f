package retrieval

import (
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
	// strict: a sentence without a candidate cannot answer ("how many"
	// needs a number).
	strict bool
	// distinctive: a candidate says much about a sentence (numbers and
	// dates do; capitalized names, found in most sentences, do not).
	distinctive bool
	// bias moves a candidate nearer to (negative) or further from the
	// question's words when the short answer is chosen, in bytes, from the
	// text before it.
	bias func(before string) int
}

// answerTypes is the table of answer types, indexed by [AnswerType].
var answerTypes = [numTypes]typeRow{
	TypeNone: {name: "none"},
	TypeMoney: {name: "money", kinds: []kind{kindMoney}, distinctive: true,
		asks: func(w qwords) bool { return w.pair("how", "much") && w.anyOf(moneyWords) }},
	TypeNumber: {name: "number", kinds: []kind{kindNumber}, strict: true, distinctive: true,
		asks: func(w qwords) bool { return w.after("how", howNumber) || w.whatOf(whatNumber) }},
	TypeDuration: {name: "duration", kinds: []kind{kindDuration}, distinctive: true,
		asks: func(w qwords) bool { return w.pair("how", "long") && !w.howLongAgo() }},
	TypeDate: {name: "date", kinds: []kind{kindDate}, strict: true, distinctive: true,
		asks: func(w qwords) bool { return w.whatOf(whatDate) }},
	TypeTime: {name: "time", kinds: []kind{kindDate, kindTime}, distinctive: true,
		asks: func(w qwords) bool { return w.howLongAgo() || w.wh(whenWords) }},
	TypePerson: {name: "person", kinds: []kind{kindName, kindPersonNoun},
		asks: func(w qwords) bool { return w.wh(whoWords) },
		// "the Kremlin", "the Islamic State": a name after "the" is
		// rarely a person's.
		bias: func(before string) int {
			if strings.HasSuffix(strings.ToLower(before), "the ") {
				return locativeBias
			}
			return 0
		}},
	TypePlace: {name: "place", kinds: []kind{kindName, kindPlaceNoun}, signals: []kind{kindName, kindPlaceNoun, kindPlacePhrase},
		asks: func(w qwords) bool { return w.wh(whereWords) || w.whatOf(whatPlace) },
		// A place after "in", "at", "from"… is likelier the answer.
		bias: func(before string) int {
			if afterLocative(before) {
				return -locativeBias
			}
			return 0
		}},
}

// classifyOrder is the order in which questions are matched against the
// rows: the more specific ask first ("how much … cost" is money before
// "how much" is a number; "what year … when" is a date).
var classifyOrder = [...]AnswerType{TypeMoney, TypeNumber, TypeDuration, TypeDate, TypeTime, TypePerson, TypePlace}

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
func ClassifyQuestion(q string) AnswerType {
	w := newQWords(q)
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
}

func newQWords(q string) qwords {
	w := qwords{w: questionWords(q)}
	for w.first < len(w.w) && leadingConjunctions[w.w[w.first]] {
		w.first++
	}
	return w
}

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
	howNumber           = wordSet("many much old far big large tall high deep wide heavy")
	whatNumber          = wordSet("percentage percent number amount proportion fraction")
	whatDate            = wordSet("year years date dates day days month months century centuries decade decades")
	// moneyWords make a "how much" question ask for an amount of money.
	moneyWords = wordSet("cost costs money pay paid spend spent price worth raise raised earn earned fund charge charged dollars sell sold buy bought offer offered budget salary fee revenue profit donate donated invest invested")
	whatPlace  = wordSet("city country town place region state continent location building street")
)
