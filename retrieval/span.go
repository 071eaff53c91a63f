package retrieval

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AnswerSpan picks the short answer of a sentence for a question: the
// candidate of the expected type (see [Index.AnswerSpans]) nearest to the
// question's words, each type's bias applied (a place after "in" counts
// nearer, a person after "the" further). It reports false for an untyped
// question or a sentence with no candidate.
func (ix *Index) AnswerSpan(sent int, q *Question) (Span, bool) {
	text := ix.corpus.Sentences[sent].Text
	var toks []Token // analyzed only when needed
	var cands []Span
	switch {
	case q.Type != TypeNone:
		cands = ix.answerSpans(sent, q.Type, q.own)
		if ix.book && q.Type == TypeNumber && !q.amount {
			// "Philip…, which was one of the seven;": a number that
			// stands for a group named before counts no "daughters".
			cands = slices.DeleteFunc(cands, func(c Span) bool { return groupNumber(text, c) })
		}
	case q.AsksName && ix.book:
		// "What is the name of the inn?": in a book, a proper name the
		// question does not give. (In an article the name asked for is
		// as often a common noun: on SQuAD such names were right 99
		// times in 235.)
		for _, c := range ix.sentenceCands(sent) {
			if c.kind == kindName && ix.answers(c, q.own) {
				cands = append(cands, c.span())
			}
		}
		// "Now, Grete…": no word that opens a sentence or a quotation.
		cands = ix.namelike(text, cands, TypePerson)
		// A first name is one word: not "Bengal Artillery" for
		// Major-General Stoner's (nor, being a person's, "India"; below).
		if q.givenName {
			cands = slices.DeleteFunc(cands, func(c Span) bool { return strings.Contains(text[c.Start:c.End], " ") })
		}
		// "What was the name of the old man…?": not "Ephraim" of "mount
		// Ephraim", a name the book gives a place; nor a person's for
		// "the name of the town".
		if q.nameOf != nounOther {
			cands = slices.DeleteFunc(cands, func(c Span) bool {
				span := text[c.Start:c.End]
				person, place := ix.namesPerson(span), ix.namesPlace(span)
				return q.nameOf == nounPerson && place && !person || q.nameOf == nounPlace && person && !place
			})
		}
	case q.focus != "":
		// "What tool did he grab?": a word of the sentence that names a
		// kind of tool ("shovel").
		toks = analyze(text, nil, ix.stem)
		for k, tok := range toks {
			// Not a function word ("any" stems to "ani", a bird, which
			// is a kind of creature), nor a modifier of the word after
			// it ("the high pressure").
			if _, own := q.own.set[tok.Term]; !own && !tok.Stop && !functionWords[tok.Word] && !verbForm(tok.Word) && isKindOf(tok.Term, q.focus) &&
				(q.focus != roleKind || classOfNoun(tok.Word) == nounPerson && roleBound(text, toks, k, q)) {
				if modifies(text, toks, k, q) {
					continue
				}
				// "Paul the Second": an ordinal written as part of a
				// name is no kind of anything (a duellist's second is).
				if ordinalSet[tok.Word] && capitalized(text[tok.Start:]) {
					continue
				}
				// "the eyes of Dorian Gray": a word of a name is no
				// colour, nor a kind of anything but a role ("French
				// President Emmanuel Macron").
				if q.focus != roleKind && ix.partOfName(text, toks, k) {
					continue
				}
				// "whose temperament": colours are plain words, and
				// "temperament" is a colour only by its stem, "tempera".
				if colourKinds[q.focus] && len(tok.Word) > len(tok.Term)+3 {
					continue
				}
				cands = append(cands, ix.nameAround(sent, Span{tok.Start, tok.End}, q))
			}
		}
	}
	if ix.book && len(ix.persons) > 0 {
		if q.Type == TypeAge && len(cands) > 0 && toks == nil {
			toks = analyze(text, nil, ix.stem) // whose age it is
		}
		cands = ix.fitting(text, toks, cands, q)
	}
	if q.Type == TypePerson || q.Type == TypePlace {
		cands = ix.namelike(text, cands, q.Type)
	}
	switch {
	case len(cands) == 0:
		return Span{}, false
	case len(cands) == 1:
		return ix.finish(text, cands[0], q), true
	case toks == nil:
		toks = analyze(text, nil, ix.stem)
	}
	var anchors []Span
	for _, tok := range toks {
		if _, ok := q.own.set[tok.Term]; ok && !tok.Stop {
			anchors = append(anchors, Span{Start: tok.Start, End: tok.End})
		}
	}
	// The candidate standing nearest the question's words: the gap to the
	// nearest, in bytes, less spanCrowd for each further one within
	// spanReach (a candidate among several of the question's words is
	// likelier the answer than one beside a single one).
	bias := q.Type.row().bias
	best, bestDist := cands[0], 0
	for i, c := range cands {
		d, near := len(text), 0
		for _, a := range anchors {
			g := gap(c, a)
			d = min(d, g)
			if g <= spanReach {
				near++
			}
		}
		d -= spanCrowd * max(0, near-1)
		if bias != nil {
			d += bias(spanContext{before: text[:c.Start], person: ix.namesPerson(text[c.Start:c.End])})
		}
		// "Ronald Robinson (1920–1999)": a death is the end of a life's
		// span, a birth its start.
		if end := q.lifeEnd; end != 0 && (q.Type == TypeTime || q.Type == TypeDate) {
			if lifeSpanEnd(text, c) == end && spanOfName(text, toks, c, q) {
				d -= 2 * locativeBias
			}
		}
		if i == 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return ix.finish(text, best, q), true
}

// finish gives the chosen candidate its final bounds: a size its unit, a
// name alone, a range whole, a year alone when the question asks which.
func (ix *Index) finish(text string, c Span, q *Question) Span {
	c = ix.trimName(text, withUnit(text, c, q), q)
	switch q.Type {
	case TypeNumber, TypeDate, TypeTime, TypeMoney, TypeDuration:
		if q.lifeEnd == 0 { // a birth or a death is one end of a life
			c = wholeRange(text, c)
		}
		if q.Type == TypeDate && asksYear(q.Text) {
			// The one year of a date ("March 1864"), not of a range.
			if ys := yearOnlyRE.FindAllStringIndex(text[c.Start:c.End], 2); len(ys) == 1 {
				c = Span{c.Start + ys[0][0], c.Start + ys[0][1]}
			}
		}
	}
	return c
}

// asksYear reports a question that asks for a year ("In what year…?",
// "Which year…?").
func asksYear(q string) bool {
	l := strings.ToLower(q)
	return strings.Contains(l, "what year") || strings.Contains(l, "which year")
}

// yearOnlyRE is the year of a date ("1864" of "March 1864").
var yearOnlyRE = regexp.MustCompile(`\b\d{3,4}(?:\s?(?:BC|AD|BCE|CE))?\b`)

// wholeRange takes in the other end of a range of numbers a candidate is
// one end of: "1910–1940", "20% to 25%", "12 to 15 million", "11–13th
// century", "the 14th to 17th centuries".
func wholeRange(text string, c Span) Span {
	if m := rangeAfterRE.FindStringIndex(text[c.End:]); m != nil && endsNumber(text[c.Start:c.End]) {
		c.End += m[1]
	}
	if m := rangeBeforeRE.FindStringIndex(text[:c.Start]); m != nil && c.Start < len(text) && text[c.Start] >= '0' && text[c.Start] <= '9' {
		c.Start = m[0]
	}
	return c
}

// endsNumber reports a span that ends with a number in digits, a percentage
// or a scale ("12", "20%", "2.5 million").
func endsNumber(s string) bool {
	if s == "" {
		return false
	}
	if b := s[len(s)-1]; b >= '0' && b <= '9' || b == '%' {
		return true
	}
	return strings.HasSuffix(s, "million") || strings.HasSuffix(s, "billion")
}

var (
	rangeAfterRE  = regexp.MustCompile(`^(?:\s?[–—-]\s?|\s+to\s+)\d(?:[\d,.]*\d)?(?:%| (?:million|billion)\b)?`)
	rangeBeforeRE = regexp.MustCompile(`\b\d(?:[\d,.]*\d)?(?:st|nd|rd|th|%)?(?:\s?[–—-]\s?|\s+to\s+)$`)
)

// trimName trims a name given as a short answer to the name alone: no
// possessive ending unless the question asks "whose" ("Ron Grainer's" for
// who composed it) or it ends a place's name, and no word before it that
// opens the sentence and is no name's ("Although Kenya", "Developer
// William Smilie": a word without a name's meaning, or a role the text
// writes in lower case).
func (ix *Index) trimName(text string, c Span, q *Question) Span {
	if q.Type != TypePerson && q.Type != TypePlace && !q.AsksName {
		return c
	}
	w := text[c.Start:c.End]
	// A place's possessive with nothing after it is its name ("at St.
	// Clement's,", "outside Guiliano's"); before a noun it is not
	// ("Kenya's economy").
	owns := q.Type != TypePlace
	if !owns {
		if st, _, ok := nextWord(text, c.End); ok && strings.TrimSpace(text[c.End:st]) == "" && !capitalized(text[st:]) {
			owns = true
		}
	}
	if !q.whose && owns {
		for _, p := range []string{"'s", "’s"} {
			if strings.HasSuffix(w, p) && len(w) > len(p)+1 {
				c.End -= len(p)
				w = w[:len(w)-len(p)]
			}
		}
	}
	sp := strings.IndexByte(w, ' ')
	if sp < 0 || !opening(text[:c.Start]) || !capitalized(w[sp+1:]) {
		return c
	}
	first := Normalize(w[:sp])
	if personTitles[first] != genderNone || titleAbbreviations[first] {
		return c // "King Charles III", "Mr. Darcy"
	}
	drop := stopWords[first] || functionWords[first] || nameless[first]
	// A role the text writes in lower case too ("developer"): not
	// "James Hutton" (James is an apostle, and a role by WordNet), nor
	// "Mark Twain" (no role).
	if term := ix.stem.stem(first); !drop && isRole(term) {
		if id, ok := ix.vocab[term]; ok && ix.usedLowercase(id) {
			drop = true
		}
	}
	if drop {
		c.Start += sp + 1
	}
	return c
}

// withUnit takes in the unit after the number that answers a question of
// size or weight: "six cubits and a span" for "How tall was Goliath?",
// not "six".
func withUnit(text string, c Span, q *Question) Span {
	if q.Type != TypeNumber || !q.measure {
		return c
	}
	if m := measureUnitRE.FindStringIndex(text[c.End:]); m != nil {
		c.End += m[1]
	}
	return c
}

// measureUnitRE finds a unit of length or weight right after a number, with
// what a measure of old adds to it ("and a span", "and a half").
var measureUnitRE = regexp.MustCompile(`^[ -](?i:cubits?|spans?|feet|foot|inch(?:es)?|yards?|miles?|fathoms?|hands?|(?:centi|milli|kilo)?met(?:re|er)s?|kilo(?:gram)?s?|grams?|pounds?|stones?|tons?|hundredweight|lbs)\b(?:\s+and\s+(?:a\s+half|(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|\d+)\s+(?:spans?|inch(?:es)?|feet|foot))\b)?`)

// fitting keeps the candidate short answers of a book that are of the
// kind the question asks for, as far as the book tells: a who-answer must
// not be the name of a place ("Lambton", "England") nor a relation word; a
// where-answer must not be a person's name nor a possessive ("Lucy's"); a
// city, town or village is no street ("Charlottenstrasse"); an age must be
// the asked person's, a length or count not vague, a "what time" answer a
// time of day. In a short text too little is known of its names to tell.
// toks are the sentence's tokens, needed for an age question only.
func (ix *Index) fitting(text string, toks []Token, cands []Span, q *Question) []Span {
	out := cands[:0:0]
	for _, c := range cands {
		span := text[c.Start:c.End]
		// "O Mouse!": a letter alone is no answer.
		if utf8.RuneCountInString(strings.Trim(span, ".'’ ")) < 2 {
			continue
		}
		switch q.Type {
		case TypePerson:
			if capitalized(span) && ix.namesPlace(span) && !ix.namesPerson(span) {
				continue
			}
			// "brought out of Jewry", "came in at Whitby": a name after a
			// preposition of place is a place's.
			if capitalized(span) && placePreposition(text[:c.Start]) == 2 && !ix.namesPerson(span) {
				continue
			}
			// "his summons to Odessa": a name the book never gives a
			// person, that WordNet knows only as a place's, is no one.
			if capitalized(span) && !ix.namesPerson(span) && placeByKind(ix.stem, span) {
				continue
			}
			// "your honoured father", "a husband of my own": in a book
			// a person has a name; a word for a relation names no one.
			if relationWords[strings.ToLower(span)] || addressWords[strings.ToLower(span)] {
				continue
			}
			// "Paul the Second": an ordinal alone names no one.
			if ordinalSet[strings.ToLower(span)] {
				continue
			}
			// "Lucy's lawyer", "her husband… Elizabeth's": the one a
			// possessive names is not who the question asks for, unless
			// it asks "whose".
			if possessiveBefore(text, c) && !q.whose {
				continue
			}
		case TypeAge:
			if !ix.ageOf(text, toks, c, q) {
				continue
			}
		case TypeDuration, TypeNumber:
			f := strings.Fields(strings.ToLower(span))
			// "many years", "a few days": no length nor count.
			if len(f) > 0 && vagueWords[f[0]] || len(f) > 1 && vagueWords[f[1]] {
				continue
			}
			// "Of one thing I am now satisfied", "One day, about a month
			// after…": "one" that counts nothing asked, or a day that is a
			// time, not a length.
			if len(f) > 0 && f[0] == "one" {
				if q.Type == TypeNumber && (!ix.countsAsked(text, c, q) || oneIdiom[wordAfter(text, c.End)]) ||
					q.Type == TypeDuration && strings.TrimSpace(text[:c.Start]) == "" {
					continue
				}
			}
			// "How much did his father leave him?": an amount, not a
			// count of years ("about five years ago") nor of persons
			// ("six sailors").
			if q.Type == TypeNumber && q.amount && len(f) == 1 {
				// Nor a count of things ("one or two little turns"): a
				// number before a noun that is no unit of money or measure.
				if st, e, ok := nextWord(text, c.End); ok && strings.TrimSpace(text[c.End:st]) == "" {
					w := Normalize(text[st:e])
					if timeUnitSet[w] || classOfNoun(w) == nounPerson ||
						!moneyUnitSet[w] && measureUnitRE.FindStringIndex(text[c.End:]) == nil && ix.countsOther(text[c.End:], "") {
						continue
					}
				}
			}
			// "How many pictures…?": not "two chapters", a count of
			// something else.
			if q.Type == TypeNumber && q.own.counted != "" && ix.countsOther(text[c.End:], q.own.counted) && !ix.holdsTerm(span, q.own.counted) {
				continue
			}
			// "How heavy was he?", "How tall…?": a size, not "thirty
			// minutes"; "How many did they kill?": a count of what the
			// question asks, not "in one day".
			if q.Type == TypeNumber && (q.measure || q.own.counted == "") && timeUnitSet[wordAfter(text, c.End)] {
				continue
			}
			// A point in time, not a length: "the year", "that day"; "till
			// one night I felt…", "until the next day"; "about a month
			// after Gregor's transformation", unless the question asks how
			// long after or before. A count: "only begins a second". Unless
			// "for", "in"… makes it a length ("for one night", "for a
			// second", "For three months after that night").
			if q.Type == TypeDuration {
				// "He was ten years old": an age, not a length of time.
				after := wordAfter(text, c.End)
				if after == "old" || after == "of" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(text[c.End:])), "of age") {
					continue
				}
				before := lastWord(text[:c.Start])
				length := lengthWords[before]
				if len(f) > 0 && determiners[f[0]] || pointWords[before] ||
					len(f) == 2 && f[0] == "one" && onePoints[f[1]] && !length ||
					offsetWords[after] && !q.offset && !length ||
					len(f) == 2 && f[0] == "a" && strings.Trim(f[1], ".,;:!?") == "second" && !length {
					continue
				}
			}
		case TypeTime, TypeDate:
			// "What time was the alarm set for?": a time of day, not a
			// day, a month or a year.
			if q.clock && !clockTime(span) {
				continue
			}
			// "On what date…?": a day of a month or a year, not a weekday
			// alone ("on Wednesday").
			if q.calendar && daySet[strings.ToLower(strings.Trim(span, ".,"))] {
				continue
			}
			// "What month…?", "At what time of year…?": a month or a
			// season, not "next year" nor "until morning".
			if q.season && !seasonal(span) {
				continue
			}
			// "the March Hare": a month that names someone with the
			// capitalized word after it is no date.
			if monthSet[strings.ToLower(strings.Trim(span, ".,"))] && nameAfter(text, c.End) {
				continue
			}
		case TypeMoney:
			// "about five years ago": a number that counts a time or a
			// length is no sum of money.
			if st, e, ok := nextWord(text, c.End); ok && strings.TrimSpace(text[c.End:st]) == "" {
				if w := Normalize(text[st:e]); timeUnitSet[w] || distUnitSet[w] {
					continue
				}
			}
		case TypePlace:
			if ix.namesPerson(span) && !ix.namesPlace(span) || strings.HasSuffix(span, "'s") || strings.HasSuffix(span, "’s") {
				continue
			}
			if q.asksSettlement() && streetName(span) {
				continue
			}
			// "in position", "at the source": a word that names no place
			// in particular.
			if vaguePlaces[strings.TrimPrefix(strings.ToLower(span), "the ")] {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// ordinalSet are the words of [ordinalWords] and "last", which count a
// place in a row ("Paul the Second"): no name alone.
var ordinalSet = wordSet(strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(ordinalWords, "(?i:"), ")"), "|", " ") + " last")

// determiners before a unit of time make it a point in time.
var determiners = wordSet("the this that these those")

// countsOther reports whether the words right after a number (rest) name
// what it counts, and that is not what the question counts: "two
// chapters" for "How many pictures…?". The counted noun may come after
// up to two modifiers ("nine large-paper copies"); a kind of it counts
// as it ("six sailors" are men). A number before a stop word or
// punctuation ("six of them") counts what the question does.
func (ix *Index) countsOther(rest, counted string) bool {
	named, end := false, 0
	for k, t := range analyze(rest, nil, ix.stem) {
		// Only spaces before the first word ("six, …" names nothing),
		// spaces or a hyphen between the next ones.
		gap := strings.TrimSpace(strings.ReplaceAll(rest[end:t.Start], "-", ""))
		if k == 3 || t.Stop || gap != "" || k == 0 && strings.Contains(rest[:t.Start], "-") {
			break
		}
		if t.Term == counted || related(t.Term, counted) || isKindOf(t.Term, counted) {
			return false
		}
		named, end = true, t.End
	}
	return named
}

// wordAfter returns the normalized word that starts at or after i, with
// nothing but spaces before it, or "".
func wordAfter(text string, i int) string {
	if st, e, ok := nextWord(text, i); ok && strings.TrimSpace(text[i:st]) == "" {
		return Normalize(text[st:e])
	}
	return ""
}

// holdsTerm reports whether text holds a word of index term t.
func (ix *Index) holdsTerm(text, t string) bool {
	for _, tok := range analyze(text, nil, ix.stem) {
		if tok.Term == t {
			return true
		}
	}
	return false
}

// oneIdiom, after "one", make it count nothing: "one after the other",
// "one by one", "one another".
var oneIdiom = wordSet("after by another")

// offsetWords, after a length of time, make it the distance to a point
// in time: "a month after his transformation".
var offsetWords = wordSet("after before")

// pointWords, before a time, make it a point in time: "till one night".
var pointWords = wordSet("till until since by on at")

// lengthWords, before "one night", make it a length: "for one night".
var lengthWords = wordSet("for in within only just but than all")

// onePoints are the parts of a day that "one" makes a point in time: "one
// night", "one morning".
var onePoints = wordSet("day night morning evening afternoon")

// lastWord is the last word of text, lower-case, without punctuation.
func lastWord(text string) string {
	f := strings.Fields(text)
	if len(f) == 0 {
		return ""
	}
	return strings.ToLower(strings.Trim(f[len(f)-1], ",;:\"'“”‘’()"))
}

// relationWords name a person only by a relation to someone else.
var relationWords = wordSet("father mother parent parents husband wife son sons daughter daughters brother brothers sister sisters uncle aunt cousin cousins nephew niece child children family grandfather grandmother friend friends")

// vaguePlaces are place nouns that name no place in particular.
var vaguePlaces = wordSet("place places position positions spot spots point points side sides part parts source see direction directions way ways area areas region regions quarter quarters somewhere anywhere everywhere")

// addressWords are the words of address that name no one alone: "Sir".
var addressWords = wordSet("sir madam madame mister mistress ma'am")

// vagueWords stand for a number without giving it.
var vagueWords = wordSet("many several few some")

// ageOf reports whether an age in a book can be that of the person the
// question asks about. An age right before a noun is that noun's ("the
// sixteen year old maid"), unless the question names it. Else it is the
// age of the person last named before it in the sentence ("since Jane was
// sixteen"), when there is one: it must be a person the question names,
// and, when both write a title before the name, with the same title ("How
// old is Mr. Darcy?" is not answered by "Miss Darcy… when she was only
// eight years old").
func (ix *Index) ageOf(text string, toks []Token, c Span, q *Question) bool {
	// "this four-year-old drama": the age ends with "-year-old" after it.
	whole := c
	if m := yearOldRE.FindStringIndex(text[c.End:]); m != nil {
		whole.End += m[1]
	}
	if n, ok := nounAfter(text, toks, whole); ok && strings.HasSuffix(strings.ToLower(text[whole.Start:whole.End]), "old") {
		_, asked := q.own.set[n.Term]
		return asked
	}
	// "A girl of fourteen": the age of one the question, by its gender,
	// does not ask about ("How old was the son…?").
	if f := strings.Fields(text[:c.Start]); len(f) > 1 && lastWord(f[len(f)-1]) == "of" {
		if g := agedNouns[lastWord(f[len(f)-2])]; g != genderNone {
			if qg := ix.questionGender(q); qg != genderNone && qg != g {
				return false
			}
		}
	}
	// "…since he was four years old": the age of one the question, by its
	// gender, does not ask about ("How old was Darcy's sister…?").
	if g := subjectBefore(toks, c); g != genderNone {
		if qg := ix.questionGender(q); qg != genderNone && qg != g {
			return false
		}
	}
	// The persons the question names, with the title it gives each ("" for
	// none); an earlier question's names count too, untitled.
	asked := map[string]string{}
	qt := analyze(q.Text, nil, ix.stem)
	for k, t := range qt {
		if _, ok := q.own.set[t.Term]; ok && ix.personTerm(t.Term) {
			asked[t.Term] = titleBefore(qt, k)
		}
	}
	for _, t := range q.Terms {
		if _, ok := asked[t.Term]; !ok && t.History && ix.personTerm(t.Term) {
			asked[t.Term] = ""
		}
	}
	// "How old was Rebekah when she married Isaac?": the age asked is
	// that of the one named right after "how old was", not of the others.
	if subj, ok := ix.ageSubject(q.Text, qt); ok {
		if title, ok := asked[subj]; ok {
			asked = map[string]string{subj: title}
		}
	}
	// The person named last before the age.
	for k := len(toks) - 1; k >= 0; k-- {
		t := toks[k]
		if t.End > c.Start || t.Stop || !capitalized(text[t.Start:t.End]) || !ix.personTerm(t.Term) {
			continue
		}
		title, ok := asked[t.Term]
		// "Queequeg's sister, a princess just turned of ten": the age of
		// the one the possessive names.
		if !ok || possessiveWord(text, t) {
			return false
		}
		own := titleBefore(toks, k)
		return title == "" || own == "" || own == title
	}
	return true
}

// ageSubject is the term of the person an age question asks about by
// name: the one right after "how old" and a verb of being, with at most
// a title or an article between ("How old was Mr. Reed…?"), when it is
// no possessive ("How old was Darcy's sister?" asks of the sister).
func (ix *Index) ageSubject(q string, qt []Token) (string, bool) {
	for k := 1; k+1 < len(qt); k++ {
		if qt[k].Word != "old" || qt[k-1].Word != "how" {
			continue
		}
		for j := k + 1; j < len(qt) && j <= k+4; j++ {
			t := qt[j]
			switch {
			case beingVerbs[t.Word] || t.Word == "did" || t.Word == "the":
				continue
			case personTitles[t.Word] != genderNone:
				continue
			case ix.personTerm(t.Term) && !possessiveWord(q, t):
				return t.Term, true
			}
			return "", false
		}
	}
	return "", false
}

// subjectBefore is the gender of a "he" or "she" that an age is said of:
// the pronoun, then a verb of being ("he was", "she had been", "when he
// turned"), then at most two words more ("only", "just", "about"), right
// before span c; genderNone when there is none.
func subjectBefore(toks []Token, c Span) uint8 {
	end := 0
	for end < len(toks) && toks[end].End <= c.Start {
		end++
	}
	for k := end - 1; k >= 0 && k >= end-4; k-- {
		if !beingVerbs[toks[k].Word] || k == 0 {
			continue
		}
		switch toks[k-1].Word {
		case "he":
			return genderMale
		case "she":
			return genderFemale
		}
	}
	return genderNone
}

// beingVerbs say what someone is or was, before an age.
var beingVerbs = wordSet("was is were been be turned became being")

// agedNouns name a person whose age may follow "of" ("a girl of
// fourteen", "a young man of five-and-twenty"), with their gender.
var agedNouns = map[string]uint8{
	"girl": genderFemale, "boy": genderMale, "man": genderMale, "woman": genderFemale, "lad": genderMale,
	"lass": genderFemale, "gentleman": genderMale, "lady": genderFemale, "youth": genderMale, "maiden": genderFemale,
	"fellow": genderMale, "child": genderNone,
}

// questionGender is the gender of the persons a question asks about, by
// its titles, family and person nouns, pronouns and the names the book
// gives a gender, or genderNone when it gives none or both.
func (ix *Index) questionGender(q *Question) uint8 {
	var seen [genderAny + 1]bool
	words := strings.Fields(strings.ToLower(q.Text))
	// "Darcy's sister", "the squire's young son": the person the
	// possessive's noun names is the one asked about.
	for i, w := range words[:max(0, len(words)-1)] {
		if !strings.HasSuffix(w, "'s") && !strings.HasSuffix(w, "’s") {
			continue
		}
		for _, n := range words[i+1 : min(len(words), i+3)] {
			n = strings.Trim(n, ".,;:!?'’\"“”")
			if g := max(roleNouns[n], agedNouns[n]); g == genderMale || g == genderFemale {
				return g
			}
		}
	}
	for _, w := range words {
		w = strings.Trim(w, ".,;:!?'’\"“”")
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		g := personTitles[w]
		if g == genderNone || g == genderAny {
			g = roleNouns[w]
		}
		if g == genderNone {
			g = agedNouns[w]
		}
		switch w {
		case "he", "him", "his":
			g = genderMale
		case "she", "her", "hers":
			g = genderFemale
		}
		if g == genderMale || g == genderFemale {
			seen[g] = true
		}
	}
	for _, t := range q.Terms {
		if t.History {
			continue
		}
		if id, ok := ix.vocab[t.Term]; ok {
			if g := ix.persons[id]; g == genderMale || g == genderFemale {
				seen[g] = true
			}
		}
	}
	switch {
	case seen[genderMale] && !seen[genderFemale]:
		return genderMale
	case seen[genderFemale] && !seen[genderMale]:
		return genderFemale
	}
	return genderNone
}

// yearOldRE finds "-year-old" or " years old" right after a number.
var yearOldRE = regexp.MustCompile(`^(?i:[- ]years?[- ]old)\b`)

// nounAfter is the word right after span c, with nothing but spaces
// between, when it is not a stop word: the noun an age before it
// qualifies ("the sixteen year old maid").
func nounAfter(text string, toks []Token, c Span) (Token, bool) {
	for _, t := range toks {
		if t.Start < c.End {
			continue
		}
		return t, !t.Stop && strings.TrimSpace(text[c.End:t.Start]) == ""
	}
	return Token{}, false
}

// countsAsked reports whether the number c counts what the question
// asks about: the word after it is a word of the question, or none.
func (ix *Index) countsAsked(text string, c Span, q *Question) bool {
	toks := analyze(text[c.End:], nil, ix.stem)
	if len(toks) == 0 || toks[0].Stop {
		return true
	}
	_, own := q.own.set[toks[0].Term]
	return own
}

// clockTime reports a span that tells a time of day: "four o'clock",
// "7.30 a.m.", "midnight", "in the morning".
func clockTime(span string) bool {
	l := strings.ToLower(span)
	if clockRE.MatchString(l) {
		return true
	}
	for _, w := range strings.Fields(l) {
		if clockWords[strings.Trim(w, ".,")] {
			return true
		}
	}
	return false
}

// seasonal reports a span that names a month or a season: "the end of
// March", "in the summer months".
func seasonal(span string) bool {
	for _, w := range strings.Fields(strings.ToLower(span)) {
		w = strings.Trim(w, ".,;:'’")
		if monthSet[w] || seasonWords[w] {
			return true
		}
	}
	return false
}

var seasonWords = wordSet("spring summer autumn fall winter midsummer midwinter christmas christmastide easter whitsun whitsuntide michaelmas lent harvest")

var clockWords = wordSet("morning afternoon evening night noon midnight dawn dusk sunrise sunset daybreak nightfall")

// personTerm reports a term the book uses as a person's name.
func (ix *Index) personTerm(term string) bool {
	id, ok := ix.vocab[term]
	if !ok {
		return false
	}
	_, person := ix.persons[id]
	return person
}

// titleBefore is the title word ("mr", "miss") right before token k, or "".
func titleBefore(toks []Token, k int) string {
	if k > 0 {
		if w := toks[k-1].Word; personTitles[w] != 0 || w == "dr" {
			return w
		}
	}
	return ""
}

// asksSettlement reports a question that asks which city, town or village.
func (q *Question) asksSettlement() bool {
	for _, t := range q.Terms {
		if !t.History && settlementWords[t.Word] {
			return true
		}
	}
	return false
}

var settlementWords = wordSet("city cities town towns village villages capital")

// streetName reports a name that ends in a word for a street or square:
// "Charlottenstrasse", "Baker Street", "Grosvenor Square".
func streetName(span string) bool {
	l := strings.ToLower(span)
	for _, suf := range []string{"strasse", "straße", "street", "st.", "road", "lane", "avenue", "square", "gasse", "platz", "boulevard"} {
		if strings.HasSuffix(l, suf) {
			return true
		}
	}
	return false
}

// verbForm reports a word that is most likely a verb: an irregular past
// ("saw") or a word ending in -ed or -ing.
func verbForm(w string) bool {
	if _, ok := irregular[w]; ok {
		return true
	}
	return len(w) > 4 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing"))
}

// namesPerson reports whether a span of text holds a name the corpus uses
// of a person.
func (ix *Index) namesPerson(span string) bool {
	if len(ix.persons) == 0 {
		return false
	}
	for _, t := range analyze(span, nil, ix.stem) {
		if id, ok := ix.vocab[t.Term]; ok && !t.Stop {
			if _, person := ix.persons[id]; person {
				return true
			}
		}
	}
	return false
}

// namesPlace reports whether a span of text holds a name the corpus
// writes mostly as a place's ("in England").
func (ix *Index) namesPlace(span string) bool {
	if len(ix.places) == 0 {
		return false
	}
	for _, t := range analyze(span, nil, ix.stem) {
		if id, ok := ix.vocab[t.Term]; ok && !t.Stop {
			if _, found := slices.BinarySearch(ix.places, id); found {
				return true
			}
		}
	}
	return false
}

// afterLocative reports whether one of the last four words of before is a
// preposition of place: "in the palace of", "at", "from".
func afterLocative(before string) bool {
	f := strings.Fields(before)
	for i := len(f) - 1; i >= 0 && i >= len(f)-4; i-- {
		if placePrepositions[strings.ToLower(f[i])] {
			return true
		}
	}
	return false
}

// spanReach and spanCrowd weigh the question's words around a candidate
// short answer (see [Index.AnswerSpan]); chosen on the first half of the
// SQuAD v1.1 articles (short answers right 0.615 → 0.637); on the second
// half, held out, 0.708 → 0.723.
const spanReach, spanCrowd = 40, 15

// yearDashes join the years of a span: "1920–1999".
var yearDashes = []string{"–", "—", "-"}

// lifeSpanEnd tells whether a year stands at the start (-1) or the end (1)
// of a span of years ("1920–1999"), or neither (0).
func lifeSpanEnd(text string, c Span) int {
	isYear := func(s string) bool {
		if len(s) < 3 || len(s) > 4 {
			return false
		}
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	w := text[c.Start:c.End]
	if !isYear(w) {
		return 0
	}
	for _, d := range yearDashes {
		if after, ok := strings.CutPrefix(text[c.End:], d); ok && isYear(after[:min(4, len(after))]) {
			return -1
		}
	}
	for _, d := range yearDashes {
		if b, ok := strings.CutSuffix(text[:c.Start], d); ok && isYear(b[max(0, len(b)-4):]) {
			return 1
		}
	}
	return 0
}

// spanOfName reports whether candidate c is part of a span of years in
// brackets whose last word before them is one of the question's (toks are
// the sentence's): "Ronald Robinson (1920–1999)".
func spanOfName(text string, toks []Token, c Span, q *Question) bool {
	open := strings.LastIndex(text[:c.Start], "(")
	if open < 0 || strings.ContainsAny(text[open:c.Start], ")") || c.Start-open > 12 {
		return false
	}
	var last *Token
	for i := range toks {
		if toks[i].End <= open {
			last = &toks[i]
		}
	}
	if last == nil {
		return false
	}
	_, own := q.own.set[last.Term]
	return own
}

// namelike drops the candidate names of a who-, where- or name-answer that
// are no names: a month, a weekday or a season ("In July 1968, …", "at
// Christmas"), a function word
// or an adverb alone ("After", "Yet"), or a lone word that opens the
// sentence or a quotation, or is written all in capitals, and that the
// corpus also writes in lower case ("Additional funding…", "Now, Grete",
// "we HATED cats");
// and, for a where-answer, a possessive before a word ("France's far-right
// party") or a name with a person's title ("the Russian President").
func (ix *Index) namelike(text string, cands []Span, t AnswerType) []Span {
	out := cands[:0]
	for _, c := range cands {
		w := text[c.Start:c.End]
		if t == TypePlace && (possessiveBefore(text, c) || titled(w)) {
			continue
		}
		lower := strings.ToLower(strings.TrimSuffix(w, "."))
		if monthSet[lower] || daySet[lower] || seasonWords[lower] {
			continue // "In July 1968, …", "at Christmas"
		}
		if !strings.ContainsAny(w, " -") {
			if toks := analyze(w, nil, ix.stem); len(toks) == 1 {
				if toks[0].Stop || functionWords[toks[0].Word] || nameless[toks[0].Word] {
					continue // "Yet", "All", "Royal assent: After the bill…"
				}
				if opening(text[:c.Start]) || shouted(w) || afterPause(text[:c.Start]) {
					if id, ok := ix.vocab[toks[0].Term]; ok && ix.usedLowercase(id) {
						continue
					}
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// nameAfter reports whether a capitalized word that is no month follows
// position i with a space between ("March Hare").
func nameAfter(text string, i int) bool {
	st, e, ok := nextWord(text, i)
	if !ok || text[i:st] != " " || !capitalized(text[st:e]) {
		return false
	}
	return !monthSet[strings.ToLower(text[st:e])]
}

// afterPause reports whether a word after before follows a comma, a colon
// or a semicolon, where a quotation without quotation marks may open, as
// the King James Bible writes speech ("said unto the damsel, Ask of me").
func afterPause(before string) bool {
	b := strings.TrimRight(before, " ")
	return len(b) < len(before) && b != "" && strings.ContainsAny(b[len(b)-1:], ",:;")
}

// opening reports whether a word after before opens its sentence or a
// quotation ("Now, Grete…", said he; …cried: "Good heavens"), where every
// word is capitalized.
func opening(before string) bool {
	b := strings.TrimRight(before, " \"'“‘([")
	if b == "" {
		return true
	}
	if len(b) == len(strings.TrimRight(before, " ")) {
		return false // no quotation mark or bracket before the word
	}
	// A quotation mark right before the word opens the quotation: called
	// "Good morning".
	if q, _ := utf8.DecodeLastRuneInString(before); strings.ContainsRune("\"“‘", q) {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(b)
	return strings.ContainsRune(".!?:;—-,", r)
}

// shouted reports a word of two letters or more written all in capitals
// ("we HATED cats"): a common word stressed, when the book also writes it in
// lower case.
func shouted(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// possessiveBefore reports a candidate in the possessive before a word:
// "France's far-right party", not "at St. Clement's, because…".
func possessiveBefore(text string, c Span) bool {
	w := text[c.Start:c.End]
	if !strings.HasSuffix(w, "'s") && !strings.HasSuffix(w, "’s") {
		return false
	}
	rest := text[c.End:]
	trimmed := strings.TrimLeft(rest, " ")
	return len(trimmed) < len(rest) && trimmed != "" && unicode.IsLetter([]rune(trimmed)[0])
}

// titled reports whether a name holds a person's title ("Russian
// President", "Mr. Darcy"): a person's, not a place's.
func titled(name string) bool {
	for _, f := range strings.Fields(name) {
		if _, ok := personTitles[strings.ToLower(strings.TrimSuffix(f, "."))]; ok {
			return true
		}
	}
	return false
}

// usedLowercase reports whether the corpus writes a term in lower case
// somewhere (among its first 256 sentences).
func (ix *Index) usedLowercase(id int32) bool {
	ps := ix.postings[id]
	for _, p := range ps[:min(len(ps), 256)] {
		terms, flags := ix.sentTerms[p.sent], ix.sentFlags[p.sent]
		for j := 1; j < len(terms); j++ {
			if terms[j] == id && flags[j]&flagName == 0 {
				return true
			}
		}
	}
	return false
}

// nameless are words that open a sentence, capitalized, and are no
// name on their own: adverbs, conjunctions and prepositions that are no
// stop words.
var nameless = wordSet("yet throughout however although though since despite meanwhile thus hence therefore moreover furthermore nevertheless nonetheless instead according concerning regarding following within without among amongst towards whereas whilst unless besides beyond unlike like across along around behind beneath beside except inside outside per plus via still even already later earlier soon often perhaps indeed finally eventually initially previously subsequently currently today tomorrow yesterday")

// placePrepositions stand before a place: "in", "at", "from"…
var placePrepositions = wordSet("in at near from to into inside outside across towards toward")

// gap is the number of bytes between two spans that do not overlap.
func gap(a, b Span) int {
	switch {
	case a.End <= b.Start:
		return b.Start - a.End
	case b.End <= a.Start:
		return a.Start - b.End
	}
	return 0
}

// modifies reports whether token k stands right before another word of
// content, as a modifier of it ("high pressure", "active oxygen").
func modifies(text string, toks []Token, k int, q *Question) bool {
	if k+1 >= len(toks) {
		return false
	}
	n := toks[k+1]
	if _, own := q.own.set[n.Term]; own || n.Term == q.focus {
		return false // "sarin gas": the kind the question asks for
	}
	return !n.Stop && strings.TrimSpace(text[toks[k].End:n.Start]) == ""
}

// roleBound reports whether the role word toks[k] is said of someone the
// question names: a title before the name ("French President Emmanuel
// Macron"), or after it in the same clause, at most four words on
// ("Marine Le Pen, the leader of…", "Her father had been an attorney").
// Not the role of someone else in the sentence ("the Russian President
// may have covertly provided support to Marine Le Pen").
func roleBound(text string, toks []Token, k int, q *Question) bool {
	own := func(t Token) bool {
		_, ok := q.own.set[t.Term]
		return ok && !t.Stop
	}
	for j := k + 1; j < len(toks) && j <= k+2; j++ {
		if strings.TrimSpace(text[toks[j-1].End:toks[j].Start]) != "" {
			break
		}
		if own(toks[j]) {
			return true
		}
	}
	for j := k - 1; j >= 0 && j >= k-5; j-- {
		if strings.ContainsAny(text[toks[j].End:toks[j+1].Start], ".;:!?()\"“”") {
			break
		}
		if own(toks[j]) {
			return true
		}
	}
	return false
}

// nameAround is the name a capitalized kind word is part of, when the
// name is not the question's: "Which card carried the crown?" is answered
// by the Knave of Hearts, not by "Hearts"; "Which inn?" by the Golden
// Krone Hotel. Else the word itself.
func (ix *Index) nameAround(sent int, w Span, q *Question) Span {
	text := ix.corpus.Sentences[sent].Text
	if !capitalized(text[w.Start:]) {
		return w
	}
	for _, c := range ix.sentenceCands(sent) {
		if c.kind == kindName && int(c.start) <= w.Start && w.End <= int(c.end) && c.span() != w && ix.answers(c, q.own) {
			return c.span()
		}
	}
	return w
}

// colourKinds are the stems of "colour".
var colourKinds = wordSet("colour color")

// partOfName reports whether token k is a capitalized word that goes on
// a person's name: the word right before it is a title or the name of a
// person ("Mr. Brown", "Dorian Gray"). ("Old English" is a language.)
func (ix *Index) partOfName(text string, toks []Token, k int) bool {
	if k == 0 || !capitalized(text[toks[k].Start:]) {
		return false
	}
	p := toks[k-1]
	between := strings.TrimSpace(text[p.End:toks[k].Start])
	return capitalized(text[p.Start:]) && (between == "" || between == ".") &&
		(personTitles[p.Word] != genderNone || ix.personTerm(p.Term))
}

// placeByKind reports whether the last word of a span is a noun whose
// WordNet senses ([nounKinds], its two most frequent) are a location's
// and no person's: "Odessa", "Persia".
func placeByKind(st *stemmer, span string) bool {
	toks := analyze(span, nil, st)
	if len(toks) == 0 || toks[len(toks)-1].Stop {
		return false
	}
	kinds := strings.Fields(nounKinds()[toks[len(toks)-1].Term])
	return slices.Contains(kinds, "locat") && !slices.Contains(kinds, "person")
}

// groupNumber reports a number written as a noun for a group ("one of the
// seven;", "the twelve, and"): "the" before it and no word after it.
func groupNumber(text string, c Span) bool {
	before := strings.ToLower(strings.TrimRight(text[:c.Start], " "))
	if !strings.HasSuffix(before, " the") && before != "the" {
		return false
	}
	after := strings.TrimLeft(text[c.End:], " ")
	if after == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(after)
	return unicode.IsPunct(r)
}
