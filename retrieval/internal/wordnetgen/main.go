// Command wordnetgen derives storybot's word tables from WordNet 3.0
// (Debian package wordnet-base).
//
// The related-word table gives, for each single word, the other words of
// its most frequent sense (synonyms) and the words derivationally related
// to it in that sense ("respond" and "response"), all as index terms.
//
// The noun table (-nouns) lists the single-word nouns whose most frequent
// sense names a person ("duke") or a place ("harbour"): what a "who" or
// "where" question may be answered with besides a name. A word that is
// also an adjective ("official", "professional") counts only in the plural.
//
//	go run ./retrieval/internal/wordnetgen -dict /usr/share/wordnet -out retrieval/wordnet.txt -nouns retrieval/nouns.txt
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"storybot/retrieval"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wordnetgen:", err)
		os.Exit(1)
	}
}

// maxRelated caps how many related terms a term keeps.
const maxRelated = 8

func run(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("wordnetgen", flag.ContinueOnError)
	dict := fs.String("dict", "/usr/share/wordnet", "WordNet dictionary folder (index.* and data.* files)")
	out := fs.String("out", "", "output file (default: stdout)")
	nouns := fs.String("nouns", "", "also write the person and place noun table to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	syn := map[string]map[string]bool{}
	der := map[string]map[string]bool{}
	// base maps a term to its shortest lemma in any part of speech: only the
	// base form ("call", not "calling") speaks for the term.
	base := map[string]string{}
	lines := map[string][][]string{}
	for _, pos := range []string{"noun", "verb", "adj"} {
		l, err := readIndex(*dict, pos, base)
		if err != nil {
			return err
		}
		lines[pos] = l
	}
	for _, pos := range []string{"noun", "verb", "adj"} {
		if err := relate(*dict, pos, lines[pos], base, syn, der); err != nil {
			return err
		}
	}
	if *nouns != "" {
		if err := writeNouns(*dict, lines["noun"], lines["adj"], *nouns); err != nil {
			return err
		}
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# Related index terms derived from WordNet 3.0 by retrieval/internal/wordnetgen.")
	fmt.Fprintln(bw, "# term<TAB>synonyms of its most frequent sense<TAB>derivationally related terms")
	licence(bw)
	keys := map[string]bool{}
	for k := range syn {
		keys[k] = true
	}
	for k := range der {
		keys[k] = true
	}
	var terms []string
	for k := range keys {
		terms = append(terms, k)
	}
	sort.Strings(terms)
	for _, t := range terms {
		s, d := list(syn[t]), list(der[t])
		if len(s) == 0 && len(d) == 0 {
			continue
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\n", t, strings.Join(s, " "), strings.Join(d, " "))
	}
	return bw.Flush()
}

// licence writes WordNet's licence notice as comment lines.
func licence(w io.Writer) {
	fmt.Fprintln(w, "# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND")
	fmt.Fprintln(w, "# DATABASE IS PROVIDED \"AS IS\" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES,")
	fmt.Fprintln(w, "# EXPRESS OR IMPLIED. The name of Princeton University or Princeton may not be used in advertising")
	fmt.Fprintln(w, "# or publicity pertaining to distribution of the software and/or database.")
}

// WordNet's lexicographer files for people and places.
const (
	lexPerson   = 18 // noun.person
	lexLocation = 15 // noun.location
)

// writeNouns writes the person and place noun table:
// lemma<TAB>person|place, with a third column "plural" for lemmas that are
// also adjectives.
func writeNouns(dict string, nounLines, adjLines [][]string, path string) error {
	data, err := os.ReadFile(filepath.Join(dict, "data.noun"))
	if err != nil {
		return err
	}
	adj := map[string]bool{}
	for _, f := range adjLines {
		adj[f[0]] = true
	}
	class := map[string]string{}
	for _, f := range nounLines {
		lemma := f[0]
		pCnt, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 7+pCnt {
			continue
		}
		first, err := strconv.ParseInt(f[4+pCnt+2], 10, 64)
		if err != nil {
			continue
		}
		ss, ok := parseSynset(data, first, "noun")
		if !ok {
			continue
		}
		c := ""
		switch ss.lex {
		case lexPerson:
			c = "person"
		case lexLocation:
			c = "place"
		default:
			continue
		}
		if adj[lemma] {
			c += "\tplural"
		}
		class[lemma] = c
	}
	var words []string
	for w := range class {
		words = append(words, w)
	}
	sort.Strings(words)
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(file)
	fmt.Fprintln(bw, "# Person and place nouns derived from WordNet 3.0 by retrieval/internal/wordnetgen.")
	fmt.Fprintln(bw, "# noun<TAB>person|place: the class of its most frequent sense; a third column \"plural\" marks")
	fmt.Fprintln(bw, "# words that are also adjectives and name a person or place only in the plural (\"officials\").")
	licence(bw)
	for _, w := range words {
		fmt.Fprintf(bw, "%s\t%s\n", w, class[w])
	}
	if err := bw.Flush(); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

func list(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) > maxRelated {
		out = out[:maxRelated]
	}
	return out
}

// term is the index term of a single WordNet lemma, or "" for phrases,
// numbers and stop words.
func term(lemma string) string {
	if strings.ContainsAny(lemma, "_-.0123456789'") {
		return ""
	}
	toks := retrieval.Analyze(lemma)
	if len(toks) != 1 || toks[0].Stop || len(toks[0].Term) < 3 {
		return ""
	}
	return toks[0].Term
}

type synset struct {
	// lex is the number of the synset's lexicographer file (18: noun.person).
	lex   int
	words []string
	// derived holds, per word number (1-based), the targets of its
	// derivation pointers as (synset offset, POS letter, target word number).
	derived map[int][]pointer
}

type pointer struct {
	offset int64
	pos    byte
	target int
}

// readIndex reads the lemma lines of an index file, noting base forms.
func readIndex(dict, pos string, base map[string]string) ([][]string, error) {
	idx, err := os.Open(filepath.Join(dict, "index."+pos))
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	sc := bufio.NewScanner(idx)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var lines [][]string
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") {
			continue // licence header
		}
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		if t := term(f[0]); t != "" {
			if b, ok := base[t]; !ok || len(f[0]) < len(b) {
				base[t] = f[0]
			}
			lines = append(lines, f)
		}
	}
	return lines, sc.Err()
}

// relate adds the relations of one part of speech's base forms.
func relate(dict, pos string, lines [][]string, base map[string]string, syn, der map[string]map[string]bool) error {
	data, err := os.ReadFile(filepath.Join(dict, "data."+pos))
	if err != nil {
		return err
	}
	for _, f := range lines {
		lemma := f[0]
		t := term(lemma)
		if base[t] != lemma {
			continue
		}
		pCnt, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 6+pCnt {
			continue
		}
		// After the pointer symbols: sense_cnt, tagsense_cnt, then offsets,
		// the most frequent sense first.
		first, err := strconv.ParseInt(f[4+pCnt+2], 10, 64)
		if err != nil {
			continue
		}
		ss, ok := parseSynset(data, first, pos)
		if !ok {
			continue
		}
		self := 0
		for i, w := range ss.words {
			if strings.EqualFold(w, lemma) {
				self = i + 1
			}
			if u := term(w); u != "" && u != t {
				add(syn, t, u)
			}
		}
		for _, p := range ss.derived[self] {
			target, ok := parseSynset(dataFor(dict, p.pos), p.offset, posName(p.pos))
			if !ok || p.target < 1 || p.target > len(target.words) {
				continue
			}
			if u := term(target.words[p.target-1]); u != "" && u != t {
				add(der, t, u)
				add(der, u, t)
			}
		}
	}
	return nil
}

func add(m map[string]map[string]bool, a, b string) {
	if m[a] == nil {
		m[a] = map[string]bool{}
	}
	m[a][b] = true
}

var dataCache = map[byte][]byte{}

func dataFor(dict string, pos byte) []byte {
	if d, ok := dataCache[pos]; ok {
		return d
	}
	d, _ := os.ReadFile(filepath.Join(dict, "data."+posName(pos)))
	dataCache[pos] = d
	return d
}

func posName(p byte) string {
	switch p {
	case 'n':
		return "noun"
	case 'v':
		return "verb"
	case 'a', 's':
		return "adj"
	case 'r':
		return "adv"
	}
	return "noun"
}

// parseSynset reads the synset at a byte offset of a data file.
func parseSynset(data []byte, offset int64, pos string) (synset, bool) {
	if offset < 0 || offset >= int64(len(data)) {
		return synset{}, false
	}
	end := offset
	for end < int64(len(data)) && data[end] != '\n' {
		end++
	}
	line := string(data[offset:end])
	if i := strings.Index(line, " | "); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	if len(f) < 4 {
		return synset{}, false
	}
	wCnt, err := strconv.ParseInt(f[3], 16, 32)
	if err != nil || len(f) < 4+2*int(wCnt)+1 {
		return synset{}, false
	}
	lex, err := strconv.Atoi(f[1])
	if err != nil {
		return synset{}, false
	}
	ss := synset{lex: lex, derived: map[int][]pointer{}}
	for i := 0; i < int(wCnt); i++ {
		w := f[4+2*i]
		if j := strings.IndexByte(w, '('); j >= 0 {
			w = w[:j] // adjective markers: "big(a)"
		}
		ss.words = append(ss.words, w)
	}
	k := 4 + 2*int(wCnt)
	pCnt, err := strconv.Atoi(f[k])
	if err != nil {
		return synset{}, false
	}
	k++
	for i := 0; i < pCnt && k+3 < len(f); i, k = i+1, k+4 {
		if f[k] != "+" {
			continue
		}
		off, err1 := strconv.ParseInt(f[k+1], 10, 64)
		st, err2 := strconv.ParseUint(f[k+3], 16, 16)
		if err1 != nil || err2 != nil || len(f[k+2]) != 1 {
			continue
		}
		src, tgt := int(st>>8), int(st&0xff)
		ss.derived[src] = append(ss.derived[src], pointer{offset: off, pos: f[k+2][0], target: tgt})
	}
	_ = pos
	return ss, true
}
