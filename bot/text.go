package bot

import (
	"strings"
	"unicode/utf8"
)

// DefaultMaxQuestion is the longest question, in characters, that plugins
// take unless configured otherwise (storybot's MAX_QUESTION_CHARS).
const DefaultMaxQuestion = 500

// CheckQuestion refuses a question longer than max characters, with the
// one message every way of asking gives.
func CheckQuestion(text string, max int) error {
	if n := runes(text); n > max {
		return Refusef("Your question is %d characters long; the limit is %d. Please shorten it.", n, max)
	}
	return nil
}

// Truncate shortens s to at most n characters (runes), ending it with "…"
// when it had to cut, and preferring to cut between words.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return string([]rune(s)[:max(n, 0)])
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n") + "…"
}

// TruncateFrom shortens s to at most n characters as [Truncate] does,
// but so that the text from byte offset focus on stays in sight: when
// cutting the end alone would leave fewer than a third of the n
// characters after focus, the text before focus is dropped for a leading
// "…" (a passage shortened around the sentence it cites).
func TruncateFrom(s string, focus, n int) string {
	if focus <= 0 || focus >= len(s) || runes(s) <= n || runes(s[:focus]) <= n-n/3 {
		return Truncate(s, n)
	}
	return "…" + Truncate(strings.TrimLeft(s[focus:], " \n"), n-1)
}

// runes is the length Discord counts: characters, not bytes.
func runes(s string) int { return utf8.RuneCountInString(s) }
