package retrieval

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a byte range of a text.
type Span struct{ Start, End int }

var (
	numberWords = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|twoscore|threescore|fourscore|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|several|a few|a couple of`
	// archaicNumber is a count of units before the tens: "two and
	// thirty", "five-and-twenty".
	archaicNumber = `(?:one|two|three|four|five|six|seven|eight|nine)(?:-and-| and )(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)`
	numeral       = `(?:[$£€]|\b)\d(?:[\d,.]*\d)?(?: (?:million|billion|trillion|thousand)\b)?(?:%| ?percent\b| ?per cent\b)?|\b(?:` + archaicNumber + `|` + numberWords + `)(?:[- ](?:` + numberWords + `))*\b`
	hourWords     = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve`
	timeUnit      = `(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?|centuries|century|generations?)`
	monthName     = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`
	ordinalWords  = `(?i:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)`
	// oldMoney are the coins and weights of silver of old books and the
	// Bible: "four hundred shekels", "30,000 napoleons", "twenty pieces of
	// silver".
	oldMoney = `shekels|talents|napoleons|farthings|drachmas|denarii|pieces of (?:silver|gold)`
	dayName  = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`

	moneyRE    = regexp.MustCompile(`(?i)[$£€¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|thousand|m|bn)\b)?|\b\d[\d,.]*\s?(?:million |billion |thousand )?(?:dollars|pounds|euros|francs|marks|yen|rupees|guineas|shillings|sovereigns|ducats|roubles|rubles|florins|cents|pence|` + oldMoney + `)\b|\b(?:` + archaicNumber + `|` + numberWords + `)(?:[- ](?:` + numberWords + `))*\s(?:dollars|pounds|euros|francs|marks|florins|guineas|rupees|shillings|sovereigns|crowns|ducats|roubles|rubles|pence|` + oldMoney + `)\b|\b(?:(?:` + numberWords + `|\d[\d,.]*)(?:[- ]|\s+or\s+|\s+and\s+))*(?:hundred|thousand|\d{1,3}(?:,\d{3})+|\d{3,})\s+(?:a|per)\s+(?:year|annum)\b`)
	numberRE   = regexp.MustCompile(`(?i)(?:` + numeral + `)`)
	durationRE = regexp.MustCompile(`(?i)\b(?:(?:` + numeral + `|an?|the|several|many|few)\s+(?:more\s+|full\s+|long\s+)?` + timeUnit + `|overnight|all (?:day|night|week|year))\b`)
	dateRE     = regexp.MustCompile(`\b(?:` + monthName + `(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{3,4})?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthName + `(?:,?\s+\d{3,4})?|` + ordinalWords + `\s+(?:of\s+)?` + monthName + `(?:,?\s+\d{3,4})?|` + dayName + `|(?i:early|mid|late)[- ](?:1[0-9]|20)\d0s|(?:1[0-9]|20)\d{2}s?|(?:c\.?\s?|ca\.\s?)\d{3,4}|(?:(?i:early|mid|late)[- ])?(?:\d{1,2}(?:st|nd|rd|th)|` + ordinalWords + `)[\s-]+[Cc]entur(?:y|ies)|\d{1,4}\s?(?:BC|AD|BCE|CE)|\d{1,2}/\d{1,2}/\d{2,4})\b`)
	relTimeRE  = regexp.MustCompile(`(?i)\b(?:(?:` + numeral + `|an?|the|several|many|few)\s+` + timeUnit + `\s+(?:before|after|ago|later|earlier|prior)|(?:yesterday|today|tonight|tomorrow|last (?:year|month|week|night)|next (?:year|month|week|day)|(?:in|at|by|during|since|until|before|after) (?:the )?(?:morning|afternoon|evening|night|noon|midnight|dawn|dusk|spring|summer|autumn|fall|winter)))\b`)
	clockRE    = regexp.MustCompile(`(?i)\b(?:\d{1,2}(?:[:.]\d{2})?\s?(?:a\.m\.|p\.m\.|am|pm|o'clock)|(?:` + hourWords + `)\s+o'clock|(?:` + hourWords + `|\d{1,2}(?:[:.]\d{2})?)\s+(?:in\s+the\s+(?:morning|afternoon|evening)|at\s+night)\b)`)
)

// ageRE finds what may be an age: a number of at most three digits or in
// words, compounds like "five-and-twenty" included, with "years old" or
// "years of age" when they follow.
var ageRE = regexp.MustCompile(`(?i)\b(?:\d{1,3}|(?:` + archaicNumber + `|` + numberWords + `)(?:(?:-and-|-| )(?:` + numberWords + `))*)(?:\s+years?(?:\s+old|\s+of\s+age)?)?\b`)

// Numbers in words as old books and the King James Bible write them:
// "an hundred and ten", "nine hundred sixty and nine", "fourscore and
// six", "sixty and five".
const (
	unitWords = `one|two|three|four|five|six|seven|eight|nine`
	tensWords = `twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|twoscore|threescore|fourscore`
	teenWords = `ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen`
	below100  = `(?:(?:` + tensWords + `)(?:(?:\s+and\s+|[- ])(?:` + unitWords + `))?|(?:` + unitWords + `)(?:-and-|\s+and\s+)(?:` + tensWords + `)|` + teenWords + `|` + unitWords + `)`
	bigNumber = `(?:(?:an?|` + unitWords + `)\s+hundred(?:(?:\s+and)?\s+` + below100 + `)?|(?:` + tensWords + `)\s+and\s+(?:` + unitWords + `|ten))`
)

// bigAgeRE finds an age of a hundred years or more, or one written with
// "and" ("fourscore and three years old"), only with "years old" or
// "years of age" after it: ages finds none of these otherwise, and would
// take "ten years old" out of "an hundred and ten years old".
var bigAgeRE = regexp.MustCompile(`(?i)\b` + bigNumber + `\s+years?\s+(?:old|of\s+age)\b`)

// ages finds the numbers of a sentence that can be ages: not a year, a
// hundred or more (unless "years old" follows it), part of a sum, or a
// count of something named after it ("four children"); "one" only in
// compounds ("one-and-twenty").
func ages(s *sentenceText) []Span {
	var big []Span
	if strings.Contains(s.text, "year") || strings.Contains(s.text, "Year") || strings.Contains(s.text, "YEAR") {
		for _, m := range bigAgeRE.FindAllStringIndex(s.text, -1) {
			big = append(big, Span{m[0], m[1]})
		}
	}
	out := slices.Clone(big)
	for _, sp := range ageFind.spans(s) {
		if slices.ContainsFunc(big, func(b Span) bool { return sp.Start < b.End && b.Start < sp.End }) {
			continue
		}
		r := [2]int{sp.Start, sp.End}
		m := strings.ToLower(s.text[r[0]:r[1]])
		if m == "one" || m == "a few" || m == "several" || m == "half" || strings.ContainsAny(m, ",.") {
			continue
		}
		if strings.Contains(m, "hundred") || strings.Contains(m, "thousand") || strings.Contains(m, "million") || strings.Contains(m, "dozen") {
			continue
		}
		// "reduced to twelve six", "two fifteen six": numbers side by
		// side are a sum of money or a count, not an age, unless a unit
		// follows tens ("twenty one").
		if !spacedAge(m) {
			continue
		}
		if n, err := strconv.Atoi(m); err == nil && (n == 0 || n > 120) {
			continue
		}
		if r[0] > 0 && strings.ContainsAny(s.text[r[0]-1:r[0]], "$£€¥/:") {
			continue
		}
		// "a day or two", "years or two": a count of a time unit before it.
		if before := strings.Fields(strings.ToLower(s.text[:r[0]])); len(before) > 0 {
			last := before[max(0, len(before)-2):]
			if slices.ContainsFunc(last, func(w string) bool { return timeUnitSet[strings.Trim(w, ",;:")] }) {
				continue
			}
		}
		// "a four-wheeler", "a two-storey house": a number joined to a
		// word it qualifies; "a four-year-old" is an age.
		if r[1]+1 < len(s.text) && s.text[r[1]] == '-' {
			if st, e, ok := nextWord(s.text, r[1]); ok && st == r[1]+1 {
				if w := Normalize(s.text[st:e]); !ageWordSet[w] && !timeUnitSet[w] {
					continue
				}
			}
		}
		// "we three--Arthur, Quincey Morris, and myself", "back before
		// three", "When the clock struck three": no age.
		if !strings.Contains(m, "year") && noAgeAfter(s.text[:r[0]], m) {
			continue
		}
		// "for forty years", "forty years ago", "a forty years' fool": a
		// length of time, no age.
		if strings.HasSuffix(m, "years") || strings.HasSuffix(m, "year") {
			if durationBefore(s.text[:r[0]]) || strings.HasPrefix(s.text[r[1]:], "'") || strings.HasPrefix(s.text[r[1]:], "’") {
				continue
			}
			if st, e, ok := nextWord(s.text, r[1]); ok && strings.TrimSpace(s.text[r[1]:st]) == "" && notAgeAfter[Normalize(s.text[st:e])] {
				continue
			}
		}
		if !strings.Contains(m, "year") {
			// What follows must not be something counted: a word that is
			// not a stop word.
			if st, e, ok := nextWord(s.text, r[1]); ok && strings.TrimSpace(s.text[r[1]:st]) == "" {
				w := Normalize(s.text[st:e])
				// "three other gentlemen": the counted word after "other".
				if countWords[w] {
					if st2, e2, ok := nextWord(s.text, e); ok && strings.TrimSpace(s.text[e:st2]) == "" {
						if w2 := Normalize(s.text[st2:e2]); !stopWords[w2] && !ageWordSet[w2] {
							continue
						}
					}
				}
				if !stopWords[w] && !ageWordSet[w] {
					continue
				}
				// "three old men": old men counted.
				if w == "old" {
					if st2, e2, ok := nextWord(s.text, e); ok && strings.TrimSpace(s.text[e:st2]) == "" && !stopWords[Normalize(s.text[st2:e2])] {
						continue
					}
				}
				// "three or four times", "two or three other gentlemen":
				// a range of a count.
				if (w == "or" || w == "to" || w == "and") && countedRange(s.text, e) {
					continue
				}
			}
		}
		out = append(out, Span{r[0], r[1]})
	}
	return mergeSpans(out)
}

// spacedAge reports whether number words joined by spaces in m can be one
// age: only tens and a unit ("twenty one", "five and twenty"), with
// "years old" after them or not.
func spacedAge(m string) bool {
	var nums []string
	for _, w := range strings.Fields(m) {
		switch w {
		case "year", "years", "old", "of", "age":
			continue
		}
		nums = append(nums, w)
	}
	tens, unit := tensEnd.MatchString, unitOnly.MatchString
	switch len(nums) {
	case 0, 1:
		return true
	case 2:
		return tens(nums[0]) && unit(nums[1])
	case 3:
		// "five and twenty", "twenty and five".
		return nums[1] == "and" && (unit(nums[0]) && tens(nums[2]) || tens(nums[0]) && unit(nums[2]))
	}
	return false
}

// noAgeAfter reports whether the words before a bare number m make it no
// age: a count of persons ("we three"), a time of day or a part ("before
// three", "in two", "left the house at eleven"; "At fifteen she married"
// is an age), an hour struck ("When the clock struck three"), a count
// ("laid for three", "the twelve"), a count's range ("a song or two";
// "fifteen or sixteen" is a range of ages) or counting ("one, two,
// three").
func noAgeAfter(before, m string) bool {
	f := strings.Fields(before)
	if len(f) == 0 {
		return false
	}
	last := f[len(f)-1]
	switch prev := lastWord(last); {
	case countedPersons[prev], notAgeBefore[prev], prev == "at" && clockHour(m):
		return true
	case numberFirst(prev) && strings.HasSuffix(last, ","):
		return true
	case prev == "or":
		return len(f) < 2 || !numberFirst(lastWord(f[len(f)-2]))
	}
	return false
}

// durationBefore reports text that ends with a word that makes the number
// after it a length of time: "for forty years", "these ten years", "for
// about twenty years".
func durationBefore(text string) bool {
	f := strings.Fields(strings.ToLower(text))
	for i := len(f) - 1; i >= max(0, len(f)-2); i-- {
		w := strings.Trim(f[i], ",;:")
		if durationWords[w] {
			return true
		}
		if w != "about" && w != "nearly" && w != "almost" && w != "some" && w != "full" {
			return false
		}
	}
	return false
}

// clockHour reports a number that can be an hour of the clock: 1 to 12,
// in digits or words.
func clockHour(m string) bool {
	if n, err := strconv.Atoi(m); err == nil {
		return n >= 1 && n <= 12
	}
	return clockHours[m]
}

var clockHours = wordSet(strings.ReplaceAll(hourWords, "|", " "))

// notAgeBefore, before a bare number, make it no age: "before three",
// "in two", "struck three", "laid for three", "the twelve". ("At fifteen
// she married", "wedded past fifty" are ages.)
var notAgeBefore = wordSet("before after till until by in into struck strike strikes striking for the")

// countedPersons, before a number, make it a count of them: "we three",
// "all four".
var countedPersons = wordSet("we us you they them these those all both")

// durationWords, before a number of years, make it a length of time.
var durationWords = wordSet("for these those last past next within during over")

// notAgeAfter, after a number of years, make it a length or a time:
// "forty years ago", "forty years of continual whaling".
var notAgeAfter = wordSet("ago later before after since earlier back hence of")

// countWords stand between a number and what it counts: "three other
// gentlemen", "two more days".
var countWords = wordSet("other more fewer such")

// countedRange reports that the text from i goes on with a number and,
// after at most two stop words, a word that names what is counted
// ("four times", "three other gentlemen"), not an age ("five years old").
func countedRange(text string, i int) bool {
	st, e, ok := nextWord(text, i)
	if !ok || !isNumeral(Normalize(text[st:e])) {
		return false
	}
	for range 3 {
		st, e, ok = nextWord(text, e)
		if !ok || strings.ContainsAny(text[i:st], ",;:.!?") {
			return false
		}
		w := Normalize(text[st:e])
		if stopWords[w] {
			continue
		}
		// "a three or four years' voyage": a length, not an age.
		if strings.HasPrefix(w, "year") && (strings.HasPrefix(text[e:], "'") || strings.HasPrefix(text[e:], "’")) {
			return true
		}
		return !ageWordSet[w] && !strings.HasPrefix(w, "year")
	}
	return false
}

// distanceRE finds a distance: a number and a unit of length.
var distanceRE = regexp.MustCompile(`(?i)(?:` + numeral + `)\s+(?:miles?|yards?|feet|foot|leagues?|inch(?:es)?|kilomet(?:re|er)s?|met(?:re|er)s?|versts?|furlongs?)\b`)

// numerals finds numbers: digits, number words, percentages; "one" only
// where it counts something (see [numeralOne]).
func numerals(s *sentenceText) []Span {
	text := s.text
	var out []Span
	for _, r := range numberFind.spans(s) {
		// "three hundred and four": one number.
		if n := len(out); n > 0 && hundredAnd(text, out[n-1], r) {
			out[n-1].End = r.End
			continue
		}
		// "one" alone is mostly a pronoun ("one that would merit…"),
		// a number before a noun ("one member") or after "to".
		if !strings.EqualFold(text[r.Start:r.End], "one") || numeralOne(text, r.Start, r.End) {
			out = append(out, r)
		}
	}
	return mergeSpans(out)
}

// hundredAnd reports whether number b goes on number a with "and" after
// a hundred or a thousand, in words ("three hundred and four"), or as a
// unit after tens, as old books write them ("sixty and nine", "fourscore
// and six"; "between thirty and forty" is two numbers).
func hundredAnd(text string, a, b Span) bool {
	between := strings.ToLower(text[a.End:b.Start])
	if strings.TrimSpace(between) != "and" || text[b.Start] >= '0' && text[b.Start] <= '9' {
		return false
	}
	m := strings.ToLower(text[a.Start:a.End])
	if strings.HasSuffix(m, "hundred") || strings.HasSuffix(m, "thousand") {
		return true
	}
	return tensEnd.MatchString(m) && unitOnly.MatchString(text[b.Start:b.End])
}

var (
	tensEnd  = regexp.MustCompile(`(?i)\b(?:` + tensWords + `)$`)
	unitOnly = regexp.MustCompile(`(?i)^(?:` + unitWords + `)$`)
)

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
// toks are the text's tokens.
func properNames(text string, toks []Token) []Span {
	var out []Span
	i := 0
	for i < len(toks) {
		if !capitalized(text[toks[i].Start:]) || toks[i].Stop && !nameConnector(toks[i].Word) && i+1 < len(toks) && !capitalized(text[toks[i+1].Start:]) {
			i++
			continue
		}
		j := i
		for j+1 < len(toks) {
			gap := text[toks[j].End:toks[j+1].Start]
			// Initials, dotted abbreviations and titles: "U.S.", "J. R. R.
			// Tolkien", "Mr. Darcy".
			initial := (toks[j].End-toks[j].Start == 1 || titleAbbreviations[toks[j].Word]) && strings.TrimSpace(gap) == "."
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

// titleAbbreviations are the titles written with a full stop before a
// name: "Mr. Darcy", "Dr. Seward", "St. Clement's".
var titleAbbreviations = wordSet("mr mrs ms dr st messrs mme mlle prof rev col capt gen lt sgt hon")

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
