package retrieval

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
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

// numerals finds numbers: digits, number words, percentages; "one" only
// where it counts something (see [numeralOne]).
func numerals(text string) []Span {
	var out []Span
	for _, r := range numberRE.FindAllStringIndex(text, -1) {
		// "one" alone is mostly a pronoun ("one that would merit…"),
		// a number before a noun ("one member") or after "to".
		if !strings.EqualFold(text[r[0]:r[1]], "one") || numeralOne(text, r[0], r[1]) {
			out = append(out, Span{r[0], r[1]})
		}
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
