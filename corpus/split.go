package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitSentences splits a paragraph into sentences. It keeps closing quotes
// and brackets with the sentence they end, and does not split after titles
// and common abbreviations (Mr., Dr., St., e.g.), initials (J. R. R.,
// U.S.), decimals (3.5) or an ellipsis followed by a lower-case word.
// Every returned sentence is a trimmed, non-empty substring of text.
func SplitSentences(text string) []string {
	var out []string
	for _, sp := range sentenceSpans(text) {
		out = append(out, text[sp[0]:sp[1]])
	}
	return out
}

// sentenceSpans returns the byte ranges of the sentences of text.
func sentenceSpans(text string) [][2]int {
	var spans [][2]int
	start := skipSpace(text, 0)
	i := start
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isTerminator(r) {
			i += size
			continue
		}
		// Take the whole run of terminators (?!, ..., …) and closers (” ’ " ' ) ]).
		end := i + size
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if isTerminator(r2) || isCloser(r2) {
				end += s2
				continue
			}
			break
		}
		next := skipSpace(text, end)
		if next == end && end < len(text) {
			// No space after the full stop: 3.5, U.S.A, example.com.
			i = end
			continue
		}
		if next >= len(text) || startsSentence(text[next:]) && !isAbbreviation(text[start:i], r, text[i:end], text[next:]) {
			if s := strings.TrimSpace(text[start:end]); s != "" {
				spans = append(spans, trimSpan(text, start, end))
			}
			start = next
		}
		i = next
	}
	if start < len(text) {
		if s := strings.TrimSpace(text[start:]); s != "" {
			spans = append(spans, trimSpan(text, start, len(text)))
		}
	}
	return spans
}

func trimSpan(text string, start, end int) [2]int {
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:])
		if !unicode.IsSpace(r) {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return [2]int{start, end}
}

func skipSpace(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

func isTerminator(r rune) bool { return r == '.' || r == '?' || r == '!' || r == '…' }

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '\u201d', '\u2019', ')', ']', '\u00bb', '*', '_':
		return true
	}
	return false
}

// startsSentence reports whether s (after a full stop and space) can begin a
// new sentence: an upper-case letter or digit, possibly after opening quotes
// or brackets.
func startsSentence(s string) bool {
	for _, r := range s {
		switch {
		case r == '"' || r == '\'' || r == '\u201c' || r == '\u2018' || r == '(' || r == '[' || r == '\u00ab' || r == '*' || r == '_' || r == '-' || r == '\u2014':
			continue
		case unicode.IsUpper(r) || unicode.IsDigit(r) || unicode.IsTitle(r):
			return true
		default:
			return false
		}
	}
	return false
}

// isAbbreviation reports whether the full stop that ends before, with
// terminator run term, belongs to an abbreviation rather than ending the
// sentence.
func isAbbreviation(before string, r rune, term, after string) bool {
	if r != '.' || term != "." {
		return false
	}
	// The word just before the full stop.
	j := len(before)
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(before[:j])
		if unicode.IsSpace(r) || r == '(' || r == '"' || r == '\u201c' {
			break
		}
		j -= size
	}
	word := before[j:]
	if k := strings.LastIndexAny(word, "-\u2013\u2014/"); k >= 0 {
		word = word[k+1:] // "Trinity-St. Paul's"
	}
	if word == "" {
		return false
	}
	// Initials and dotted abbreviations: J., U.S, e.g, a.m.
	if n := utf8.RuneCountInString(word); n == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r) || abbreviations[strings.ToLower(word)]
	}
	if strings.Contains(word, ".") {
		parts := strings.Split(word, ".")
		short := true
		for _, p := range parts {
			if utf8.RuneCountInString(p) > 2 {
				short = false
			}
		}
		if short {
			return true
		}
	}
	lw := strings.ToLower(word)
	if numberAbbreviations[lw] {
		a, _ := utf8.DecodeRuneInString(after)
		return unicode.IsDigit(a)
	}
	return abbreviations[lw]
}

// numberAbbreviations stand before a number: No. 5, pp. 10.
var numberAbbreviations = map[string]bool{"no": true, "nos": true, "vol": true, "vols": true, "fig": true, "figs": true, "p": true, "pp": true, "art": true}

var abbreviations = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`mr mrs ms messrs mme mlle dr prof st ste mt ft jr sr rev hon gen col
lt maj capt cpt sgt cmdr adm gov sen rep pres supt insp det fr br sra srta
ed eds est approx dept univ assn bros co corp inc ltd plc vs v cf al viz ps jan feb mar apr jun jul
aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun ave blvd rd hwy`) {
		m[w] = true
	}
	return m
}()
