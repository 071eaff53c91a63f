package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// StripMention removes mentions of the user botID (<@id> and <@!id>) from
// content and reports whether there was one. The rest is trimmed and its
// inner whitespace kept.
func StripMention(content, botID string) (rest string, mentioned bool) {
	if botID == "" {
		return strings.TrimSpace(content), false
	}
	for _, m := range []string{"<@" + botID + ">", "<@!" + botID + ">"} {
		if strings.Contains(content, m) {
			mentioned = true
			content = strings.ReplaceAll(content, m, " ")
		}
	}
	return strings.Join(strings.Fields(content), " "), mentioned
}

// questionWords start a question in English.
var questionWords = map[string]bool{
	"who": true, "whom": true, "whose": true, "what": true, "when": true, "where": true,
	"why": true, "which": true, "how": true,
	"is": true, "are": true, "was": true, "were": true, "did": true, "does": true, "do": true,
	"can": true, "could": true, "will": true, "would": true, "should": true, "has": true, "have": true, "had": true,
}

var leadingMarkup = regexp.MustCompile(`^(?:<[@#][!&]?\d+>\s*)+`)

// IsQuestion reports whether a chat message asks something: it ends with a
// question mark, or starts with a question word such as "who", "how" or
// "did" and has at least three words. Greetings, thanks and short chatter
// ("what?", "lol?") are not questions.
func IsQuestion(text string) bool {
	text = strings.TrimSpace(leadingMarkup.ReplaceAllString(strings.TrimSpace(text), ""))
	if text == "" || strings.HasPrefix(text, "```") {
		return false
	}
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	if len(words) < 2 {
		return false
	}
	if strings.HasSuffix(strings.TrimRight(text, " )\"'*_"), "?") {
		return true
	}
	return len(words) >= 3 && questionWords[strings.ToLower(words[0])]
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

// runes is the length Discord counts: characters, not bytes.
func runes(s string) int { return utf8.RuneCountInString(s) }
