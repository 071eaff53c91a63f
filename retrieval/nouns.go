package retrieval

import (
	_ "embed"
	"strings"
	"sync"
)

// nounsText is the person and place noun table derived from WordNet 3.0 by
// internal/wordnetgen (see the go:generate line in wordnet.go).
//
//go:embed nouns.txt
var nounsText string

// nounClass is what a common noun names, for typed questions.
type nounClass uint8

const (
	nounOther nounClass = iota
	nounPerson
	nounPlace
)

type nounEntry struct {
	class      nounClass
	pluralOnly bool // the singular is also an adjective ("official")
}

// nouns parses the table once, on first use.
var nouns = sync.OnceValue(func() map[string]nounEntry {
	m := make(map[string]nounEntry, 16384)
	for _, line := range strings.Split(nounsText, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			continue
		}
		e := nounEntry{pluralOnly: len(f) > 2 && f[2] == "plural"}
		switch f[1] {
		case "person":
			e.class = nounPerson
		case "place":
			e.class = nounPlace
		default:
			continue
		}
		m[f[0]] = e
	}
	return m
})

// pluralEndings turn a regular English plural into its singular.
var pluralEndings = [...][2]string{{"ies", "y"}, {"ches", "ch"}, {"shes", "sh"}, {"sses", "ss"}, {"xes", "x"}, {"men", "man"}, {"s", ""}}

// classOfNoun reports whether a lower-case word, singular or plural, is a
// noun whose most frequent sense is a person ("dukes") or a place
// ("harbour"); nounOther for any other word.
func classOfNoun(word string) nounClass {
	m := nouns()
	if e, ok := m[word]; ok && !e.pluralOnly {
		return e.class
	}
	for _, r := range pluralEndings {
		if stem, ok := strings.CutSuffix(word, r[0]); ok && stem != "" {
			if e, ok := m[stem+r[1]]; ok {
				return e.class
			}
		}
	}
	return nounOther
}
