package retrieval

import (
	"regexp"
	"strings"
)

// Question is an analyzed question, as [Index.Search] reads it: it travels
// in the [Result] so that the answer is made from the same analysis.
type Question struct {
	// Text is the question as asked.
	Text string
	// Type is the answer type it expects.
	Type AnswerType
	// Terms are the query's analyzed terms (at most 64): the question's
	// own, then the earlier questions'.
	Terms []QueryTerm
	// Speaker is the named subject of a question that asks what someone
	// said or thought ("Putin" in "What did Putin say?"), or "".
	Speaker string
	// Position is the part of the book the question points to: at the
	// start or at the end ("…at the end of the novel?"), or none.
	Position Position
	// AsksName: the question asks what someone or something is named
	// ("What is the name of Gregor's boss?", "What was Lucy's father's
	// name?", "Under what name did he buy the house?").
	AsksName bool
	// own is [QuestionTerms] of Terms.
	own ownTerms
	// focus is the term of the noun a "what/which … " question asks for a
	// kind of ("tool"), or "".
	focus string
	// nameOf is the class of what a name question asks the name of (see
	// [namedClass]).
	nameOf nounClass
	// lifeEnd is 1 for a question about a death ("When did he die?"), -1
	// for one about a birth, 0 otherwise.
	lifeEnd int
	// clock: the question asks for a time of day ("What time…", "At what
	// hour…"), not "what time of year".
	clock bool
	// amount: the question asks "how much", an amount, not a count.
	amount bool
	// measure: the question asks for a size or a weight ("how heavy",
	// "how tall").
	measure bool
	// calendar: the question asks "what date", a day of a month or a
	// year, not a weekday.
	calendar bool
	// season: the question asks for a month or a season ("What month…",
	// "At what time of year…").
	season bool
	// offset: the question asks how long after or before something.
	offset bool
	// whose: the question asks "whose", for an owner.
	whose bool
	// givenName: the question asks for a first name ("What was
	// Major-General Stoner's first name?"), one word.
	givenName bool
}

var whoseWord = wordSet("whose")

// analyzeQuestion analyzes a query's question.
func (ix *Index) analyzeQuestion(q Query) Question {
	// The question is tokenized once, for its terms, its predicate and
	// its focus.
	toks := analyze(q.Text, nil, ix.stem)
	verb := predicateAt(q.Text, toks)
	nameAsked := asksName(q.Text, toks)
	terms, position := ix.queryTerms(q, toks, verb, nameAsked)
	qw := newQWords(q.Text)
	a := Question{Text: q.Text, Type: classify(qw), Terms: terms, Position: position, Speaker: speechSubject(q.Text, toks, verb),
		AsksName: nameAsked}
	a.own = newOwnTerms(QuestionTerms(a.Terms))
	a.own.counted = countedAt(toks)
	if nameAsked {
		a.nameOf = namedClass(q.Text, toks)
		if a.givenName = asksGivenName(toks); a.givenName {
			a.nameOf = nounPerson // a first name is a person's
		}
	}
	a.clock = qw.asksClock()
	a.amount = qw.pair("how", "much")
	a.measure = qw.after("how", measureWords)
	a.calendar = qw.asksCalendar()
	a.season = qw.asksSeason()
	a.offset = qw.anyOf(offsetWords)
	a.whose = qw.anyOf(whoseWord)
	for _, t := range toks {
		switch t.Word {
		case "die", "died", "dies", "death":
			a.lifeEnd = 1
		case "born", "birth":
			a.lifeEnd = -1
		}
	}
	for _, t := range a.Terms {
		if t.Focus && !t.Name && (!t.Frame || t.role) {
			a.focus = t.kind()
		}
	}
	return a
}

// Position is a part of a book.
type Position uint8

// Positions a question can point to.
const (
	PositionNone Position = iota
	PositionStart
	PositionEnd
)

// positionRE finds a question's pointer to the start or the end of the
// book, at its end: "at the start of the story?", "at the end?", "in the
// end?", "by the end of the book?"; not "at the end of the war?".
var positionRE = regexp.MustCompile(`(?i)\b(?:at|in|by|towards?|near) the (?:very )?(start|beginning|opening|end|close)(?: of (?:the|this) (?:story|book|novel|tale))?\s*[?.!]*\s*$`)

// positionCue returns the part of the book a question points to and the
// byte offset where its pointer starts (len(q) without one): the pointer's
// words are not searched for.
func positionCue(q string) (Position, int) {
	if !mayPoint(q) {
		return PositionNone, len(q)
	}
	m := positionRE.FindStringSubmatchIndex(q)
	if m == nil {
		return PositionNone, len(q)
	}
	switch strings.ToLower(q[m[2]:m[3]]) {
	case "end", "close":
		return PositionEnd, m[0]
	}
	return PositionStart, m[0]
}

// mayPoint reports whether q has a word [positionRE] needs, so that most
// questions are not matched against it.
func mayPoint(q string) bool {
	for _, w := range [...]string{"nd", "ND", "tart", "TART", "eginning", "EGINNING", "pening", "PENING", "lose", "LOSE"} {
		if strings.Contains(q, w) {
			return true
		}
	}
	return false
}

// asksName reports a question that asks for a name: "what" or "which"
// first and the word "name", or "what name" anywhere; not one that asks
// what a name means or where it comes from.
func asksName(q string, toks []Token) bool {
	first, name := "", false
	for i, t := range toks {
		switch t.Word {
		case "mean", "means", "meant", "meaning":
			return false
		case "name":
			// A noun ("the name", "his first name", "Lucy's father's
			// name"), not the verb of "Which group did Macron name?".
			if i > 0 && (nameDeterminers[toks[i-1].Word] || possessiveWord(q, toks[i-1])) {
				name = true
				if toks[i-1].Word == "what" {
					return true
				}
			}
		}
		if first == "" && !leadingConjunctions[t.Word] {
			first = t.Word
		}
	}
	return name && (first == "what" || first == "what's" || first == "which")
}

// asksGivenName reports a name question that asks for a first name: "first
// name", "Christian name", "given name".
func asksGivenName(toks []Token) bool {
	for i := 1; i < len(toks); i++ {
		if toks[i].Word == "name" && givenNameWords[toks[i-1].Word] {
			return true
		}
	}
	return false
}

var givenNameWords = wordSet("first christian given")

// namedClass is the class of what a name question asks the name of, by
// the noun that says it: "the name of the old man who…", "the old man's
// name" (a person), "the name of the town" (a place); nounOther when no
// noun of a person or a place says it.
func namedClass(q string, toks []Token) nounClass {
	for i, t := range toks {
		if t.Word != "name" {
			continue
		}
		// "the old man's name": the possessor's word before "name".
		if i > 0 && possessiveWord(q, toks[i-1]) {
			if c := classOfNoun(strings.TrimSuffix(strings.TrimSuffix(toks[i-1].Word, "'s"), "’s")); c == nounPerson || c == nounPlace {
				return c
			}
			return nounOther
		}
		// "the name of the old man who…": the last word before a stop
		// word after "of" and its determiner or a possessor.
		if i+1 >= len(toks) || toks[i+1].Word != "of" {
			continue
		}
		class := nounOther
		for j := i + 2; j < len(toks) && j < i+6; j++ {
			w := toks[j].Word
			if toks[j].Stop {
				if j == i+2 {
					continue
				}
				break
			}
			// "the name of Jephthah's daughter": the possessor's name
			// before the noun; "the name of Gibeah" names it.
			if capitalized(q[toks[j].Start:]) {
				if possessiveWord(q, toks[j]) {
					continue
				}
				break
			}
			class = classOfNoun(w)
		}
		if class == nounPerson || class == nounPlace {
			return class
		}
		return nounOther
	}
	return nounOther
}

var nameDeterminers = wordSet("what the a his her their its my your our first last full real maiden christian family given")

// possessiveWord reports a token written with "'s" or "’s" in q.
func possessiveWord(q string, t Token) bool {
	w := q[t.Start:t.End]
	return strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "s'")
}

// QuestionTerms is the set of the question's own terms (not the earlier
// questions'), true for those it wrote capitalized: what [Index.AnswerSpans]
// takes.
func QuestionTerms(terms []QueryTerm) map[string]bool {
	q := make(map[string]bool, len(terms))
	for _, t := range terms {
		if !t.History {
			q[t.Term] = q[t.Term] || t.Name
		}
	}
	return q
}

// fillerWords are words a question uses that say nothing about the story:
// "What kind of response", "When did that happen?". Queries drop them; the
// index keeps them.
var fillerWords = map[string]bool{"happen": true, "happened": true, "happens": true, "occur": true, "occurred": true,
	"kind": true, "sort": true, "type": true, "thing": true, "things": true, "something": true, "get": true, "got": true,
	"mention": true, "mentioned": true, "many": true, "much": true}

// predicateAt finds the verb a "What did Macron call …?" question asks
// about: a question word, "did", "does" or "do", a capitalized subject, then
// a lower-case word. It returns the verb's byte offset, or -1. toks are
// the question's tokens.
func predicateAt(q string, toks []Token) int {
	for i := 0; i+3 < len(toks); i++ {
		if !whWord[toks[i].Word] {
			continue
		}
		j := i + 1
		if (toks[i].Word == "what" || toks[i].Word == "which") && !doAux[toks[j].Word] {
			j++ // "what gas did …"
		}
		if j >= len(toks) || !doAux[toks[j].Word] {
			return -1
		}
		k := j + 1
		for k < len(toks) && capitalized(q[toks[k].Start:]) {
			k++
		}
		if k == j+1 || k >= len(toks) || stopWords[toks[k].Word] {
			return -1
		}
		return toks[k].Start
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
	toks := analyze(q, nil, nil)
	return speechSubject(q, toks, predicateAt(q, toks))
}

// speechSubject is [SpeechSubject] with the offset of the question's
// predicate found already.
func speechSubject(q string, toks []Token, at int) string {
	if at < 0 {
		return ""
	}
	// The verb's token, and the capitalized word just before it.
	i := 0
	for i < len(toks) && toks[i].Start < at {
		i++
	}
	if i == 0 || i >= len(toks) || !askedSpeech[toks[i].Term] {
		return ""
	}
	last := toks[i-1]
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

// focusAt finds the noun a "what/which … " question asks for a kind of:
// the last of the words after "what" or "which" (and "kind/sort/type of")
// before a stop word or a verb ("What tool lay beside…" gives "tool"): "What local dish did…" gives "dish", "What kind of
// creature does…" gives "creature". It returns the noun's byte offset, or -1.
func focusAt(toks []Token) int {
	for i, t := range toks {
		if t.Word != "what" && t.Word != "which" {
			continue
		}
		j := i + 1
		if j+1 < len(toks) && (toks[j].Word == "kind" || toks[j].Word == "sort" || toks[j].Word == "type") && toks[j+1].Word == "of" {
			j += 2
		}
		last := -1
		for ; j < len(toks) && !toks[j].Stop && (j == i+1 || !verbForm(toks[j].Word)); j++ {
			last = toks[j].Start
		}
		return last
	}
	return -1
}

// kind is the kind of thing a focus term asks for: its own term, or
// [roleKind] for an occupation.
func (t QueryTerm) kind() string {
	if t.role {
		return roleKind
	}
	return t.Term
}

// roleWords ask for someone's occupation after "what" or "which".
var roleWords = wordSet("job occupation profession trade position rank career vocation employment")

// rolePrepositions before "what" make a role word something else.
var rolePrepositions = wordSet("in at on from to by with into of for")

// beForms are the forms of "be" between "what" and a role word.
var beForms = wordSet("is was are were be been")

// roleAt finds the word of a question that asks for someone's occupation,
// returning its byte offset, or -1: a word of [roleWords] that "what" or
// "which" asks for ("What job does Macron hold?", "What rank did Gregor
// have?", "What was his trade?", "What was Wickham's father's
// position?"), or "living" in "for a living" ("What did Gregor do for a
// living?"). Not after a preposition ("In what position was the man
// found?" asks for a posture), nor a role word elsewhere ("What keeps
// Gregor from quitting a job he hates?").
// focus is the offset [focusAt] found, or -1.
func roleAt(toks []Token, focus int) int {
	for i, t := range toks {
		if t.Word != "what" && t.Word != "which" {
			continue
		}
		if i > 0 && rolePrepositions[toks[i-1].Word] {
			return -1
		}
		for _, u := range toks[i+1:] {
			if u.Start == focus && roleWords[u.Word] {
				return focus
			}
		}
		// "What was his trade?": "what", a form of "be", at most three
		// words, none a verb, then the role word.
		if j := i + 1; j < len(toks) && beForms[toks[j].Word] {
			for k := j + 1; k < len(toks) && k <= j+4; k++ {
				if roleWords[toks[k].Word] {
					return toks[k].Start
				}
				if verbForm(toks[k].Word) {
					break
				}
			}
		}
		for k := i + 3; k < len(toks); k++ {
			if toks[k].Word == "living" && toks[k-1].Word == "a" && toks[k-2].Word == "for" {
				return toks[k].Start
			}
		}
		return -1
	}
	return -1
}

// AsksRole reports whether the question asks for someone's occupation
// ("What job does Macron hold?", "What did Gregor do for a living?"; see
// [roleAt]).
func (q *Question) AsksRole() bool { return q.focus == roleKind }

// countedAt returns the term of the noun a "how many" question counts
// ("hour" in "How many hours did the two leaders spend talking?"), or "".
func countedAt(toks []Token) string {
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].Word == "how" && toks[i+1].Word == "many" {
			// The head of the words after it: "How many more years did…",
			// "How many large beryls are…", "How many earth-boxes…", before
			// a stop word, a verb or an adverb ("…dark figures suddenly
			// appeared").
			head := ""
			for j := i + 2; j < len(toks) && j < i+6; j++ {
				w := toks[j].Word
				if toks[j].Stop || verbForm(w) || strings.HasSuffix(w, "ly") {
					break
				}
				if !functionWords[w] {
					head = toks[j].Term
				}
			}
			return head
		}
	}
	return ""
}
