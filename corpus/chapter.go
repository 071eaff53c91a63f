package corpus

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A headingWord is a word that starts a heading: "CHAPTER", "Part",
// "STAVE". rank orders the divisions (1 is the largest) so that chapters
// nest in parts and parts in books; unnumbered words (prologue) stand
// alone.
type headingWord struct {
	kind       string
	rank       int
	unnumbered bool
}

var headingWords = map[string]headingWord{
	"volume": {"volume", 1, false}, "vol": {"volume", 1, false},
	"book": {"book", 2, false},
	"part": {"part", 3, false}, "act": {"act", 3, false},
	"chapter": {"chapter", 4, false}, "chap": {"chapter", 4, false}, "ch": {"chapter", 4, false},
	"stave": {"stave", 4, false}, "letter": {"letter", 4, false}, "canto": {"canto", 4, false},
	"adventure": {"adventure", 4, false},
	"scene":     {"scene", 5, false}, "section": {"section", 5, false},
	"prologue": {"prologue", 4, true}, "epilogue": {"epilogue", 4, true}, "preface": {"preface", 4, true},
	"foreword": {"foreword", 4, true}, "afterword": {"afterword", 4, true}, "introduction": {"introduction", 4, true},
}

// numeralRank is the rank of a heading that is a numeral alone ("III"):
// below every named division.
const numeralRank = 6

// labelWords are the short forms of kinds in references.
var labelWords = map[string]string{"chapter": "ch.", "volume": "vol."}

// headingParts is a heading line taken apart: "CHAPTER II. The Pool of Tears"
// is kind "chapter", number "II" (value 2), name "The Pool of Tears".
type headingParts struct {
	kind, number, name string
	value, rank        int
	numeral            bool // a numeral alone, with no heading word
}

// parseHeading takes a heading apart. strict is for a line of plain text,
// which is a heading only when it reads as one: a capitalised heading word
// and a number ("Chapter 12", "CHAPTER XII.", "PART TWO"), or an upper-case
// Roman numeral alone ("III", "IV."), each optionally followed by a title
// that starts with a capital letter. Without strict (a heading from markup)
// any heading word or numeral is taken apart, and ok is false for a heading
// that is only a name.
func parseHeading(s string, strict bool) (h headingParts, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || strict && utf8.RuneCountInString(s) > 100 {
		return h, false
	}
	word, rest, _ := strings.Cut(s, " ")
	rest = strings.TrimSpace(rest)
	key := strings.ToLower(strings.TrimRight(word, ".:"))
	if hw, isWord := headingWords[key]; isWord {
		if strict && !unicode.IsUpper(firstRune(word)) {
			return h, false
		}
		h.kind, h.rank = hw.kind, hw.rank
		if hw.unnumbered {
			if strings.HasSuffix(word, ":") || strings.HasPrefix(rest, ":") {
				rest = strings.TrimSpace(strings.TrimPrefix(rest, ":"))
			} else if rest != "" && strict {
				return h, false
			}
			h.name = rest
			if strict && rest != "" && !titleLike(rest, false) {
				return h, false
			}
			return h, true
		}
		num, value, after := leadingNumber(rest, true)
		if num == "" {
			return h, false
		}
		h.number, h.value = num, value
		name := strings.TrimSpace(strings.TrimLeft(after, ".:;,—–-) "))
		if after != "" && name == after && !strings.HasPrefix(after, " ") {
			return h, false // "Chapter 12th"
		}
		if name != "" && strict && !titleLike(name, false) {
			return h, false
		}
		h.name = name
		return h, true
	}
	// A numeral alone.
	num, value, after := leadingNumber(s, !strict)
	if num == "" || strict && (!isRoman(num) || num != strings.ToUpper(num) || value > 200) {
		return h, false
	}
	if !strict && !isRoman(num) && !isDigits(num) {
		return h, false
	}
	h.kind, h.rank, h.numeral, h.number, h.value = "part", numeralRank, true, num, value
	if after == "" || after == "." {
		return h, true
	}
	if !strings.HasPrefix(after, ". ") && !(strings.HasPrefix(after, " ") && !strict) {
		return h, false
	}
	h.name = strings.TrimSpace(strings.TrimLeft(after, ". "))
	if strict && !titleLike(h.name, true) {
		return h, false
	}
	return h, true
}

// leadingNumber reads a number at the start of s: arabic (12), Roman
// (XII, or xii when lower is allowed) or in words (TWO, Twenty-One,
// the First). It returns the number as printed, its value and the rest
// of s, which starts with what followed the number.
func leadingNumber(s string, lower bool) (num string, value int, rest string) {
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9') {
		end++
	}
	if end > 0 {
		if end > 4 {
			return "", 0, s
		}
		v, _ := strconv.Atoi(s[:end])
		return s[:end], v, s[end:]
	}
	word := s
	if i := strings.IndexAny(s, " .:;,)—–"); i >= 0 {
		word = s[:i]
	}
	if strings.EqualFold(word, "the") {
		// "BOOK THE FIRST"
		next := strings.TrimLeft(s[len(word):], " ")
		w2 := next
		if i := strings.IndexAny(next, " .:;,)—–"); i >= 0 {
			w2 = next[:i]
		}
		if v, ok := numberWords[strings.ToLower(w2)]; ok && v.ordinal {
			return s[:len(s)-len(next)+len(w2)], v.value, next[len(w2):]
		}
		return "", 0, s
	}
	if word == "" {
		return "", 0, s
	}
	if v, ok := wordsValue(word); ok {
		return word, v, s[len(word):]
	}
	if isRoman(word) && (lower || word == strings.ToUpper(word)) && (word == strings.ToUpper(word) || word == strings.ToLower(word)) {
		if v := romanValue(word); v > 0 {
			return word, v, s[len(word):]
		}
	}
	return "", 0, s
}

type numberWord struct {
	value   int
	ordinal bool
}

var numberWords = map[string]numberWord{}

func init() {
	units := []string{"", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
		"thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	ords := []string{"", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
		"twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"}
	for i := 1; i < len(units); i++ {
		numberWords[units[i]] = numberWord{i, false}
		numberWords[ords[i]] = numberWord{i, true}
	}
	tens := []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	tensOrd := []string{"", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"}
	for t := 2; t < len(tens); t++ {
		numberWords[tens[t]] = numberWord{10 * t, false}
		numberWords[tensOrd[t]] = numberWord{10 * t, true}
		for u := 1; u < 10; u++ {
			numberWords[tens[t]+"-"+units[u]] = numberWord{10*t + u, false}
			numberWords[tens[t]+"-"+ords[u]] = numberWord{10*t + u, true}
		}
	}
	numberWords["hundred"] = numberWord{100, false}
	numberWords["hundredth"] = numberWord{100, true}
}

// wordsValue is the value of a number in words: "TWO", "Twenty-One".
func wordsValue(w string) (int, bool) {
	v, ok := numberWords[strings.ToLower(w)]
	return v.value, ok
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isRoman(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range strings.ToUpper(s) {
		if !strings.ContainsRune("IVXLCDM", r) {
			return false
		}
	}
	return romanValue(s) > 0
}

// romanValue is the value of a Roman numeral written the usual way
// (XIV, not XIIII), or 0.
func romanValue(s string) int {
	s = strings.ToUpper(s)
	vals := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	total := 0
	for i := 0; i < len(s); i++ {
		v := vals[s[i]]
		if i+1 < len(s) && vals[s[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	if total <= 0 || total >= 4000 || toRoman(total) != s {
		return 0
	}
	return total
}

func toRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

// titleLike reports whether s reads as a chapter's title rather than a
// sentence: it starts with a capital letter or a digit, is at most 15
// words long and, when titleCase, capitalises most of its words (or is in
// capitals).
func titleLike(s string, titleCase bool) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 100 {
		return false
	}
	words := strings.Fields(s)
	if len(words) > 15 {
		return false
	}
	r := firstLetterOrDigit(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	if !titleCase {
		return true
	}
	return capitalised(words)
}

// capitalised reports whether most words that are not small words start
// with a capital letter.
func capitalised(words []string) bool {
	upper, counted := 0, 0
	for _, w := range words {
		r := firstLetterOrDigit(w)
		if r == 0 || unicode.IsDigit(r) {
			continue
		}
		if smallTitleWords[strings.ToLower(strings.Trim(w, ".,;:!?'\"’”“‘()[]_*"))] && unicode.IsLower(r) {
			continue
		}
		counted++
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return counted > 0 && upper*3 >= counted*2
}

// nameLine reports whether a line after a heading that gives only a
// number is the chapter's title ("Down the Rabbit-Hole", "JONATHAN
// HARKER'S JOURNAL"): short, title case or capitals, not a quotation, and
// not ending as a sentence does (unless in capitals).
func nameLine(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 80 || len(strings.Fields(s)) > 10 {
		return false
	}
	if strings.ContainsRune("\"'“‘«(—-", firstRune(s)) {
		return false
	}
	if _, ok := parseHeading(s, true); ok {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if plain := withoutEmphasis(s); strings.ContainsRune(".?!,;:", last) && strings.ToUpper(plain) != plain {
		return false
	}
	return titleLike(s, true)
}

// withoutEmphasis drops the _emphasised_ words of a Gutenberg text line.
func withoutEmphasis(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		if r == '_' {
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func firstLetterOrDigit(s string) rune {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
	}
	return 0
}

// chapterLabel is how a reference names a chapter: "ch. 61", "part III",
// "stave two", "prologue", or the chapter's name in quotation marks.
func chapterLabel(ch Chapter) string {
	switch {
	case ch.Kind != "" && ch.Number != "":
		w := ch.Kind
		if l, ok := labelWords[w]; ok {
			w = l
		}
		return w + " " + numberLabel(ch.Number)
	case ch.Kind != "":
		return ch.Kind
	case ch.Name != "":
		return "“" + shorten(ch.Name, 60) + "”"
	}
	return "“" + shorten(ch.Heading, 60) + "”"
}

// numberLabel writes a chapter number for a reference: Roman numerals in
// capitals, numbers in words in lower case.
func numberLabel(n string) string {
	if isRoman(n) {
		return strings.ToUpper(n)
	}
	return strings.ToLower(n)
}

// shorten cuts s to at most n runes, at a word, with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if utf8.RuneCountInString(s[:i]) > n-1 {
			break
		}
		if s[i] == ' ' {
			cut = i
		}
	}
	if cut == 0 {
		cut = len(string([]rune(s)[:n-1]))
	}
	return strings.TrimRight(s[:cut], " ,;:.") + "…"
}
