package retrieval

import "strings"

// Levels of reference back to the previous sentence.
const (
	anaphorNone = iota
	// anaphorWeak: a third-person pronoun ("He said…", "its descent"),
	// which mostly names the topic the previous sentence also names.
	anaphorWeak
	// anaphorStrong: a demonstrative standing for something the previous
	// sentence said ("Macron called this a red line", "This was the first…").
	anaphorStrong
)

// Word roles that show reference back to an earlier sentence.
const (
	roleThird      = 1 << iota // he, it, their…
	roleDemo                   // this, that, these, those, such
	roleThat                   // that (also a conjunction)
	roleFollower               // a word after a demonstrative pronoun: "this is", "this a"
	roleMale                   // he, him, his, himself
	roleFemale                 // she, her, hers, herself
	roleFirst                  // I, me, my, myself, mine
	roleDeterminer             // the, his, her, my, their, our, your: before a role ("his sister")
)

// wordRole returns the roles of a word, in any case.
func wordRole(w string) uint8 {
	if len(w) > 8 {
		return 0
	}
	var buf [8]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	lw := string(buf[:len(w)])
	var r uint8
	if thirdPerson[lw] {
		r |= roleThird
	}
	switch lw {
	case "this", "these", "those", "such":
		r |= roleDemo
	case "that":
		r |= roleDemo | roleThat
	}
	if pronounFollower[lw] {
		r |= roleFollower
	}
	switch lw {
	case "he", "him", "his", "himself":
		r |= roleMale
	case "she", "her", "hers", "herself":
		r |= roleFemale
	case "i", "me", "my", "myself", "mine":
		r |= roleFirst
	}
	switch lw {
	case "the", "his", "her", "my", "their", "our", "your":
		r |= roleDeterminer
	}
	return r
}

// anaphoraLevel tells from the roles of a sentence's words how it refers
// back to an earlier one.
func anaphoraLevel(roles []uint8) int {
	level := anaphorNone
	for n, r := range roles {
		if n > 0 {
			prev := roles[n-1]
			switch {
			case prev&roleDemo != 0 && r&roleFollower != 0 && (n > 1 || prev&roleThat == 0):
				return anaphorStrong
			case n == 1 && prev&roleDemo != 0 && prev&roleThat == 0:
				level = anaphorWeak
			}
		}
		if r&roleThird != 0 {
			level = anaphorWeak
		}
	}
	return level
}

// anaphoric tells how a sentence refers back to an earlier one.
func anaphoric(s string) int {
	var roles []uint8
	for i := 0; ; {
		start, end, ok := nextWord(s, i)
		if !ok {
			break
		}
		roles = append(roles, wordRole(s[start:end]))
		i = end
	}
	return anaphoraLevel(roles)
}

var (
	// pronounFollower words after a demonstrative show it stands alone as a
	// pronoun: "this is", "called this a".
	pronounFollower = wordSet("a an as is was are were has had would will could can may might led meant made")
	thirdPerson     = wordSet("he she it they him her them his its their there")
)

// OpensWithReference reports whether a sentence's first word refers back to
// an earlier one: a third-person pronoun or a demonstrative ("He said…",
// "This was…", "Their talks…").
func OpensWithReference(s string) bool {
	first := strings.Trim(strings.SplitN(s, " ", 2)[0], `"'“‘,`)
	return wordRole(first)&(roleThird|roleDemo) != 0
}
