package retrieval

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
	"sync"
)

//go:generate go run ./internal/wordnetgen -dict /usr/share/wordnet -out - -kinds kinds.txt.gz

// kindsGz is the noun kind table derived from WordNet 3.0 by
// internal/wordnetgen (-kinds): a noun term and the terms of the
// hypernyms of its two most frequent senses, gzipped (730 KB; 3.6 MB and
// about 65,000 nouns once read, on first use).
//
//go:embed kinds.txt.gz
var kindsGz []byte

// nounKinds parses the table once, on first use: term → the kinds it is
// of, space-separated (substrings of the one decompressed text, which
// keeps it to a few megabytes).
var nounKinds = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, 50000)
	zr, err := gzip.NewReader(bytes.NewReader(kindsGz))
	if err != nil {
		return m
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if t, rest, ok := strings.Cut(line, "\t"); ok {
			m[t] = rest
		}
	}
	return m
})

// roleKind is the kind of answer a question about someone's occupation
// asks for ("What did Gregor do for a living?", "What rank did he
// have?"): a person of a trade, a profession, an office or a rank (see
// [isRole]). It is no word's term, so it matches only through isRole.
const roleKind = "\x00role"

// roleRoots are the kinds (as terms) that make a person a role: a worker,
// a professional, an officer, a leader or head, an official, a merchant,
// a maker… Not a relative, a man or a woman, a friend.
var roleRoots = wordSet("worker profession offic serviceman leader head chief ruler employe offici fiduciari craftsman merchant businessperson lawman caregiv educ financi creator")

// roleSelf are the roots that are roles themselves ("the leader of
// France's far-right party"); "head", "office" and "creator" are more
// often something else.
var roleSelf = wordSet("worker leader ruler merchant")

// isRole reports whether term names a person by an occupation ("salesman",
// "attorney", "lieuten", "steward", "presid"): one of [roleRoots] or a
// kind of one, among the hypernyms of the noun's first sense (up to
// "organism", where a person's chain ends, or "artefact", where a
// thing's does: a "kitchen" is no role, though a "kitchen police" is).
func isRole(term string) bool { return roleOf(term, strings.Fields(nounKinds()[term])) }

// roleOf is [isRole] with the term's kinds split already.
func roleOf(term string, kinds []string) bool {
	if roleSelf[term] {
		return true
	}
	for _, k := range kinds {
		if roleRoots[k] {
			return true
		}
		if k == "organ" || k == "artefact" {
			break // the first sense's chain ends: a person's, or a thing's
		}
	}
	return false
}

// isKindOf reports whether term names a kind of thing that kind names:
// "violin" is an instrument, "shovel" a tool; for [roleKind], a role.
func isKindOf(term, kind string) bool {
	if kind == roleKind {
		return isRole(term)
	}
	for _, k := range strings.Fields(nounKinds()[term]) {
		if k == kind {
			return true
		}
	}
	return false
}

// kindTerms holds, per index, the corpus terms of each kind, built on
// first use.
type kindTerms struct {
	once sync.Once
	of   map[string][]int32 // kind term → corpus terms of that kind
}

// ofKind returns the corpus terms that name a kind of thing the term
// names ("shovel" and "spade" for "tool").
func (ix *Index) ofKind(term string) []int32 {
	ix.kinds.once.Do(ix.buildKinds)
	return ix.kinds.of[term]
}

// buildKinds maps each kind to the corpus terms of that kind.
func (ix *Index) buildKinds() {
	k := nounKinds()
	of := map[string][]int32{}
	for id, t := range ix.terms {
		kinds := strings.Fields(k[t])
		for _, a := range kinds {
			of[a] = append(of[a], int32(id))
		}
		if roleOf(t, kinds) {
			of[roleKind] = append(of[roleKind], int32(id))
		}
	}
	ix.kinds.of = of
}
