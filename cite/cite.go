// Package cite checks a model's answer against the numbered passages it was
// given: it keeps citation markers that name a passage, drops the others,
// renumbers what is left, removes quotations that no cited passage contains
// and recognises answers that say the passages do not answer.
//
// A marker is a bracketed list of passage numbers: [1], [1, 3], [1; 3],
// [1-2], [Passage 2], 【1】. Adjacent markers ([1][2]) are separate markers.
// Brackets holding anything else ([citation needed], [sic]) and markdown
// links ([1](https://…)) are not markers and are left alone.
package cite

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NoAnswer is the sentence a model is told to reply with when the passages
// do not answer (package prompts puts it in the system prompt). Package cite
// imports nothing of storybot, so that package answer can use it.
const NoAnswer = "The passages do not answer this question."

// Flag replaces a quotation that no cited passage contains. It has no quote
// marks, so a reader never takes it for corpus text, and no digits, so it is
// never a marker.
const Flag = "[unverified quote removed]"

// maxRange is the most numbers a range marker ([3-7]) stands for; the rest
// of a wider range is ignored.
const maxRange = 50

// Result is what [Check] found in an answer.
type Result struct {
	// Text is the answer with markers renumbered 1..k in order of first
	// appearance and written [1][2]; markers naming no passage are removed
	// and unverified quotations replaced by [Flag].
	Text string
	// Cited holds the original passage numbers Text cites, in order of first
	// appearance: marker [i] in Text names passage Cited[i-1].
	Cited []int
	// Dropped holds numbers that markers gave but that name no passage, in
	// order of first appearance.
	Dropped []int
	// Unverified holds the quotations removed from Text, as the model wrote
	// them (without the quote marks).
	Unverified []string
	// NoAnswer reports that the answer says the passages do not answer the
	// question (or refuses): it contains [NoAnswer], or it cites
	// nothing and says so in other words ("not mentioned in the passages",
	// "I cannot answer", "I'm sorry, but"…), or it is empty.
	NoAnswer bool
}

// Check checks text, a model's answer, against passages, where passages[i]
// is the text of passage number i+1.
//
// A quotation (text between double quotes of any style, within a line) is
// verified when, after folding white space and quote and dash styles and
// ignoring markers, emphasis and leading or trailing punctuation, it occurs
// in one of the passages text cites; only the case of its first letter may
// differ, and an ellipsis (… or ...) may stand for omitted words. Unverified
// quotations are replaced by [Flag], keeping any markers they contained.
//
// Check is stable: checking Result.Text again against the cited passages
// (in Cited order) returns the same Text.
func Check(text string, passages []string) Result {
	var r Result
	n := len(passages)

	// Quotes are verified against the passages cited anywhere in the answer.
	cited := map[int]bool{}
	for _, m := range markers(text) {
		for _, k := range m.nums {
			if k >= 1 && k <= n {
				cited[k] = true
			}
		}
	}
	norm := make([]string, n)
	for k := range cited {
		norm[k-1] = normalize(passages[k-1])
	}
	text, r.Unverified = checkQuotes(text, func(q string) bool {
		for k := range cited {
			if contains(norm[k-1], q) {
				return true
			}
		}
		return false
	})

	text, r.Dropped = Limit(text, n)
	text, r.Cited = renumber(text, n, &r.Dropped)
	r.Text = text
	r.NoAnswer = noAnswer(text, len(r.Cited) > 0)
	return r
}

// Limit removes from text's markers every number outside 1..n, and markers
// left empty, without renumbering the rest. It returns the new text and the
// removed numbers in order of first appearance. A caller that showed the
// model only the first n passages uses it before [Check].
func Limit(text string, n int) (string, []int) {
	var dropped []int
	// Removing a marker can join text into a new marker ("[1[9]2]"); each
	// round shortens the text, so this ends.
	for range 100 {
		ms := markers(text)
		var b strings.Builder
		last, changed := 0, false
		for _, m := range ms {
			var keep []int
			for _, k := range m.nums {
				if k >= 1 && k <= n {
					keep = append(keep, k)
				} else if !slices.Contains(dropped, k) {
					dropped = append(dropped, k)
				}
			}
			if len(keep) == len(m.nums) {
				continue
			}
			changed = true
			start := m.start
			if len(keep) == 0 {
				// Take the space before the marker with it: "talked [9]." → "talked.".
				for start > last {
					r, size := utf8.DecodeLastRuneInString(text[:start])
					if r != ' ' && r != '\t' {
						break
					}
					start -= size
				}
			}
			b.WriteString(text[last:start])
			b.WriteString(format(keep))
			last = m.end
		}
		if !changed {
			return text, dropped
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	return text, dropped
}

// renumber rewrites markers as [1][2]… numbered by first appearance and
// returns the original numbers in that order. Numbers outside 1..n (left only
// if Limit gave up) are removed and added to dropped.
func renumber(text string, n int, dropped *[]int) (string, []int) {
	var cited []int
	var b strings.Builder
	last := 0
	for _, m := range markers(text) {
		var nums []int
		for _, k := range m.nums {
			if k < 1 || k > n {
				if !slices.Contains(*dropped, k) {
					*dropped = append(*dropped, k)
				}
				continue
			}
			i := slices.Index(cited, k)
			if i < 0 {
				cited = append(cited, k)
				i = len(cited) - 1
			}
			nums = append(nums, i+1)
		}
		b.WriteString(text[last:m.start])
		b.WriteString(format(nums))
		last = m.end
	}
	b.WriteString(text[last:])
	return b.String(), cited
}

// format writes numbers as adjacent markers, sorted and without repeats.
func format(nums []int) string {
	nums = slices.Clone(nums)
	slices.Sort(nums)
	nums = slices.Compact(nums)
	var b strings.Builder
	for _, k := range nums {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(k))
		b.WriteByte(']')
	}
	return b.String()
}

type marker struct {
	start, end int
	nums       []int
}

const (
	label = `(?:[Pp]assages?|[Ss]ources?)\s*`
	item  = `(?:` + label + `)?\d{1,9}(?:\s*[-–]\s*\d{1,9})?`
	list  = `\s*` + item + `(?:\s*[,;]\s*` + item + `)*\s*`
)

var (
	markerRE = regexp.MustCompile(`\[` + list + `\]|【` + list + `】`)
	itemRE   = regexp.MustCompile(`(\d{1,9})(?:\s*[-–]\s*(\d{1,9}))?`)
)

// markers finds the citation markers in text, skipping markdown links.
func markers(text string) []marker {
	var ms []marker
	for _, loc := range markerRE.FindAllStringIndex(text, -1) {
		if strings.HasPrefix(text[loc[1]:], "(") {
			continue
		}
		m := marker{start: loc[0], end: loc[1]}
		for _, it := range itemRE.FindAllStringSubmatch(text[loc[0]:loc[1]], -1) {
			lo, _ := strconv.Atoi(it[1])
			hi := lo
			if it[2] != "" {
				hi, _ = strconv.Atoi(it[2])
			}
			if hi < lo {
				lo, hi = hi, lo
			}
			hi = min(hi, lo+maxRange-1)
			for k := lo; k <= hi; k++ {
				m.nums = append(m.nums, k)
			}
		}
		ms = append(ms, m)
	}
	return ms
}

// stripMarkers removes markers, for comparing quoted text with passages.
func stripMarkers(s string) string {
	ms := markers(s)
	for i := len(ms) - 1; i >= 0; i-- {
		s = s[:ms[i].start] + " " + s[ms[i].end:]
	}
	return s
}

// isQuote reports whether r opens or closes a quotation. Styles differ by
// language and models mix them, so any double quote mark pairs with the next
// one on the same line. Single quotes are apostrophes too often to count.
func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '‟', '«', '»', '＂':
		return true
	}
	return false
}

// checkQuotes replaces each quotation that verified rejects with [Flag]
// followed by the markers it held, and returns the rejected quotations.
func checkQuotes(text string, verified func(normalized string) bool) (string, []string) {
	var out strings.Builder
	var bad []string
	last, open := 0, -1
	for i, r := range text {
		switch {
		case r == '\n':
			open = -1
		case isQuote(r) && open < 0:
			open = i
		case isQuote(r):
			end := i + utf8.RuneLen(r)
			_, size := utf8.DecodeRuneInString(text[open:])
			inner := text[open+size : i]
			q := trimQuote(normalize(stripMarkers(inner)))
			if q != "" && !verifiedQuote(q, verified) {
				bad = append(bad, strings.TrimSpace(inner))
				out.WriteString(text[last:open])
				out.WriteString(Flag)
				for _, m := range markers(inner) {
					out.WriteString(inner[m.start:m.end])
				}
				last = end
			}
			open = -1
		}
	}
	if bad == nil {
		return text, nil
	}
	out.WriteString(text[last:])
	return out.String(), bad
}

// verifiedQuote tries q as written and with its first letter's case
// changed, since a quote may start mid-sentence.
func verifiedQuote(q string, verified func(string) bool) bool {
	if verified(q) {
		return true
	}
	r, size := utf8.DecodeRuneInString(q)
	for _, alt := range []rune{unicode.ToLower(r), unicode.ToUpper(r)} {
		if alt != r && verified(string(alt)+q[size:]) {
			return true
		}
	}
	return false
}

// contains reports whether passage holds quote, whose parts separated by an
// ellipsis must appear in order.
func contains(passage, quote string) bool {
	for part := range strings.SplitSeq(quote, "...") {
		part = trimQuote(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(part), "]"), "["))
		if part == "" {
			continue
		}
		i := strings.Index(passage, part)
		if i < 0 {
			return false
		}
		passage = passage[i+len(part):]
	}
	return true
}

// trimQuote removes what surrounds the quoted words themselves.
func trimQuote(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || strings.ContainsRune(`.,;:!?'"()`, r)
	})
}

var folds = strings.NewReplacer(
	"‘", "'", "’", "'", "‚", "'", "‛", "'", "′", "'",
	"“", `"`, "”", `"`, "„", `"`, "‟", `"`, "«", `"`, "»", `"`, "″", `"`, "＂", `"`,
	"‐", "-", "‑", "-", "‒", "-", "–", "-", "—", "-", "―", "-",
	"…", "...",
	"*", "", "`", "",
)

// normalize folds quote, dash and ellipsis styles, drops markdown emphasis
// and folds white space, so that quotes compare by their words.
func normalize(s string) string {
	return strings.Join(strings.Fields(folds.Replace(s)), " ")
}

// noAnswerSaid are ways of saying the passages do not answer; they count
// only when the answer cites nothing.
var noAnswerSaid = []string{
	"passages do not", "passages don't", "passage does not", "passage doesn't",
	"passages does not", "passages doesn't", "text does not", "text doesn't",
	"not mentioned", "not stated", "not specified", "not provided", "no mention",
	"not contain", "no information", "not enough information", "insufficient information",
	"does not say", "doesn't say", "do not say", "don't say",
	"does not mention", "doesn't mention", "do not mention", "don't mention",
	"cannot answer", "can't answer", "can not answer", "unable to answer",
	"cannot determine", "can't determine", "unable to determine",
	"i cannot", "i can't", "i'm sorry", "i am sorry", "i apologize", "i'm unable", "i am unable",
}

func noAnswer(text string, cites bool) bool {
	low := strings.ToLower(normalize(text))
	if strings.TrimSpace(low) == "" {
		return true
	}
	if strings.Contains(low, strings.ToLower(strings.TrimSuffix(NoAnswer, "."))) {
		return true
	}
	if cites {
		return false
	}
	for _, p := range noAnswerSaid {
		if strings.Contains(low, p) {
			return true
		}
	}
	return false
}
