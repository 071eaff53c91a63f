package answer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxQuestion is the default cap on a question's length, in characters.
const DefaultMaxQuestion = 500

// maxHistory bounds how many earlier questions count as context.
const maxHistory = 6

// cleanQuestion checks a question and folds its white space. Over-long
// questions are cut at a word boundary and reported in notice.
func cleanQuestion(s string, limit int) (q, notice string, err error) {
	if !utf8.ValidString(s) {
		return "", "", fmt.Errorf("%w: it is not valid UTF-8", ErrInvalidQuestion)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return "", "", fmt.Errorf("%w: it contains control characters (%U)", ErrInvalidQuestion, r)
		}
	}
	q = strings.Join(strings.Fields(s), " ")
	if q == "" {
		return "", "", ErrEmptyQuestion
	}
	if n := utf8.RuneCountInString(q); n > limit {
		cut := []rune(q)[:limit]
		if i := strings.LastIndexByte(string(cut), ' '); i > limit/2 {
			q = string(cut)[:i]
		} else {
			q = string(cut)
		}
		notice = fmt.Sprintf("Your question was %d characters long; only the first %d were used.", n, utf8.RuneCountInString(q))
	}
	return q, notice, nil
}

// cleanHistory keeps the last valid earlier questions, each cleaned.
func cleanHistory(h []string, limit int) []string {
	var out []string
	for _, s := range h {
		if q, _, err := cleanQuestion(s, limit); err == nil {
			out = append(out, q)
		}
	}
	if len(out) > maxHistory {
		out = out[len(out)-maxHistory:]
	}
	return out
}

// instructionRE recognises attempts to instruct the bot rather than ask
// about the story.
var instructionRE = regexp.MustCompile(`(?i)\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|directions|context|everything)\b|\b(system|developer) (prompt|message)\b|\byou are now\b|\bpretend (to be|you are)\b|\bact as\b|\bjailbreak\b|\bnew instructions\b|\brole-?play as\b|\bdo anything now\b`)

// instructionWords are the words instructionRE needs; a question without
// any of them is not matched against it.
var instructionWords = []string{"ignore", "disregard", "forget", "override", "bypass", "prompt", "message",
	"you are now", "pretend", "act as", "jailbreak", "instruction", "play as", "anything now"}

// isInstruction reports whether a question tries to instruct the bot.
func isInstruction(q string) bool {
	lq := strings.ToLower(q)
	for _, w := range instructionWords {
		if strings.Contains(lq, w) {
			return instructionRE.MatchString(q)
		}
	}
	return false
}
