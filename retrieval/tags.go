package retrieval

import (
	"strconv"
	"strings"
)

// Word tags and sentence holds: what kinds of answer a sentence may hold,
// found at build time for every sentence from tags of its words, so that
// ranking can prefer a sentence that can answer a typed question among
// thousands ("How old is Mr. Collins?" wants a sentence near Collins that
// holds an age). They are a fast, slightly generous test; the exact
// candidates ([Index.AnswerSpans]) are found only for the best sentences.

// wordTag says what a word can be part of.
type wordTag uint16

const (
	tagNum        wordTag = 1 << iota // digits or a number word
	tagMoneyUnit                      // pounds, dollars, guineas
	tagTimeUnit                       // hours, days, years, twelvemonth
	tagDistUnit                       // miles, yards, leagues
	tagMonth                          // January … December
	tagDay                            // Monday … Sunday
	tagYear                           // a year in digits: 1066, 1897
	tagTimeWord                       // morning, midnight, Christmas, o'clock
	tagPersonNoun                     // a noun whose usual sense is a person
	tagPlaceNoun                      // a noun whose usual sense is a place
	tagQuantifier                     // a, an, few, several: "a month"
	tagAgeWord                        // old, aged, age
	tagBig                            // hundred, thousand, million
	tagOne                            // "one", mostly a pronoun
)

// hold is a kind of answer a sentence may hold, as a bit of a mask.
type hold uint16

const (
	holdNumber hold = 1 << iota
	holdMoney
	holdDuration
	holdDistance
	holdDate
	holdTime
	holdAge
	holdName // a capitalized word inside the sentence
	holdPersonNoun
	holdPlaceNoun
)

var (
	numberWordSet = wordSet(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion dozen score twoscore threescore fourscore`)
	bigNumberSet  = wordSet("hundred thousand million billion")
	moneyUnitSet  = wordSet("pound pounds dollar dollars guinea guineas shilling shillings pence penny farthing farthings franc francs florin florins crown crowns sovereign sovereigns euro euros cent cents rupee rupees yen mark marks ducat ducats kreuzer kreuzers rouble roubles shekel shekels talent talents napoleon napoleons drachma drachmas denarii")
	timeUnitSet   = wordSet("second seconds minute minutes hour hours day days night nights week weeks fortnight fortnights month months year years decade decades century centuries twelvemonth twelvemonths generation generations")
	distUnitSet   = wordSet("mile miles yard yards foot feet league leagues inch inches kilometre kilometres kilometer kilometers metre metres meter meters verst versts furlong furlongs")
	monthSet      = wordSet("january february march april may june july august september october november december")
	daySet        = wordSet("monday tuesday wednesday thursday friday saturday sunday")
	timeWordSet   = wordSet("morning mornings evening evenings night midnight noon noonday dawn dusk sunrise sunset daybreak nightfall twilight christmas easter michaelmas midsummer o'clock afternoon yesterday today tomorrow to-day to-morrow to-night tonight")
	quantifierSet = wordSet("a an few several many some")
	ageWordSet    = wordSet("old aged age ætat aetat")
)

// wordTags are the tags given by a word list.
var wordTags = []struct {
	set map[string]bool
	tag wordTag
}{
	{bigNumberSet, tagBig}, {moneyUnitSet, tagMoneyUnit}, {timeUnitSet, tagTimeUnit}, {distUnitSet, tagDistUnit},
	{daySet, tagDay}, {timeWordSet, tagTimeWord}, {quantifierSet, tagQuantifier}, {ageWordSet, tagAgeWord},
}

// tagOf returns the tags of a normalized word; capital reports that the
// word was written with a capital (a month name is "May", not "may").
func tagOf(w string, capital bool) wordTag {
	var t wordTag
	if isNumeral(w) {
		t |= tagNum
		if y, err := strconv.Atoi(w); err == nil && len(w) == 4 && y >= 1000 && y <= 2099 {
			t |= tagYear
		}
	}
	if w == "one" {
		t |= tagOne
	}
	for _, wt := range wordTags {
		if wt.set[w] {
			t |= wt.tag
		}
	}
	if capital && monthSet[w] {
		t |= tagMonth
	}
	if !capital && !stopWords[w] {
		switch classOfNoun(w) {
		case nounPerson:
			t |= tagPersonNoun
		case nounPlace:
			t |= tagPlaceNoun
		}
	}
	return t
}

// isNumeral reports digits ("1897", "3.5", "1,000", "59") or a number
// word, hyphenated compounds included ("twenty-seven", "five-and-twenty").
func isNumeral(w string) bool {
	if w == "" {
		return false
	}
	if w[0] >= '0' && w[0] <= '9' {
		return true
	}
	if numberWordSet[w] {
		return true
	}
	if strings.Contains(w, "-") {
		for _, p := range strings.Split(w, "-") {
			if p != "and" && !numberWordSet[p] {
				return false
			}
		}
		return true
	}
	return false
}

// holdsOf derives a sentence's holds from its words' tags, in order,
// whether each word is capitalized and not the first (inner), whether it
// is a stop word, and whether only white space stands before it.
func holdsOf(tags []wordTag, inner, stop, spaced []bool, text string) hold {
	var h hold
	if strings.ContainsAny(text, "$£€¥") {
		h |= holdMoney
	}
	next := func(i int, k int, want wordTag) bool {
		for j := i + 1; j < len(tags) && j <= i+k; j++ {
			if tags[j]&want != 0 {
				return true
			}
		}
		return false
	}
	for i, t := range tags {
		if inner[i] {
			h |= holdName
		}
		if t&tagPersonNoun != 0 {
			h |= holdPersonNoun
		}
		if t&tagPlaceNoun != 0 {
			h |= holdPlaceNoun
		}
		if t&(tagMonth|tagDay|tagYear) != 0 {
			h |= holdDate | holdTime
		}
		if t&tagTimeWord != 0 {
			h |= holdTime
		}
		if t&tagTimeUnit != 0 && (t&tagNum != 0 || i > 0 && tags[i-1]&(tagNum|tagQuantifier) != 0) {
			h |= holdDuration
		}
		if t&tagNum == 0 {
			continue
		}
		h |= holdNumber
		switch {
		case next(i, 3, tagMoneyUnit) || t&tagBig != 0 && next(i, 2, tagTimeUnit) && i+2 < len(tags):
			// "four thousand pounds", "two thousand a year".
			h |= holdMoney
		case next(i, 2, tagTimeUnit):
			h |= holdDuration
			if next(i, 3, tagAgeWord) {
				h |= holdAge // "eight years old"
			}
		case next(i, 2, tagDistUnit):
			h |= holdDistance
		case t&(tagYear|tagBig|tagOne) == 0 && !(i > 0 && tags[i-1]&tagTimeUnit != 0 || i > 1 && tags[i-2]&tagTimeUnit != 0) && (i+1 == len(tags) || !spaced[i+1] || tags[i+1]&tagAgeWord != 0 ||
			i+2 < len(tags) && stop[i+1] && tags[i+2]&tagNum != 0):
			// A number that ends a phrase, or is an age: "about
			// twenty-seven, was", "a man of five-and-twenty", "six and
			// eight years old", "ætat 59".
			h |= holdAge
		}
	}
	return h
}
