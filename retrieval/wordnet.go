package retrieval

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./internal/wordnetgen -dict /usr/share/wordnet -out wordnet.txt -nouns nouns.txt

// wordnetText is the related-term table derived from WordNet 3.0 (Debian's
// wordnet-base) by internal/wordnetgen: a term, the synonyms of its most
// frequent sense, and its derivationally related terms.
//
//go:embed wordnet.txt
var wordnetText string

// relatedTerms are a term's WordNet relations, as index terms.
type relatedTerms struct {
	synonyms, derived []string
}

// wordnet parses the table once, on first use.
var wordnet = sync.OnceValue(func() map[string]relatedTerms {
	m := make(map[string]relatedTerms, 32768)
	for _, line := range strings.Split(wordnetText, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		m[f[0]] = relatedTerms{synonyms: strings.Fields(f[1]), derived: strings.Fields(f[2])}
	}
	return m
})
