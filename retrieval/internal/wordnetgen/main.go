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
	"compress/gzip"
	"context"
	"errors"
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
	out := fs.String("out", "", "output file of the related-term table (default: stdout; - for none)")
	nouns := fs.String("nouns", "", "also write the person and place noun table to this file")
	kinds := fs.String("kinds", "", "also write the noun kind table (hypernyms) to this file, gzipped when it ends in .gz")
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
	counts, err := readCounts(*dict)
	if err != nil {
		return err
	}
	if *nouns != "" {
		if err := writeNouns(*dict, lines["noun"], lines["adj"], counts, *nouns); err != nil {
			return err
		}
	}
	if *kinds != "" {
		if err := writeKinds(*dict, lines["noun"], *kinds); err != nil {
			return err
		}
	}
	if *out == "-" {
		return nil // only the other tables
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
func writeNouns(dict string, nounLines, adjLines [][]string, counts map[string]posCounts, path string) error {
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
			if cn := counts[lemma]; cn.modifier() > cn.noun && cn.adv > 0 {
				// Mostly an adverb ("forward", "longer"): "shoved
				// himself forwards" names no person. (A place noun that
				// is mostly an adverb still answers where: "northwest".)
				continue
			}
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
	return writeTable(path, []string{
		"Person and place nouns derived from WordNet 3.0 by retrieval/internal/wordnetgen.",
		"noun<TAB>person|place: the class of its most frequent sense; a third column \"plural\" marks",
		"words that are also adjectives and name a person or place only in the plural (\"officials\").",
	}, class)
}

// posCounts are how often a lemma's senses are tagged in WordNet's
// semantic concordance, by part of speech.
type posCounts struct{ noun, verb, adj, adv int }

// modifier is the count of the lemma as an adjective or adverb.
func (c posCounts) modifier() int { return c.adj + c.adv }

// readCounts reads cntlist.rev (sense key, sense number, tag count a
// line): the tag counts of every lemma by part of speech. A dictionary
// without it gives no counts.
func readCounts(dict string) (map[string]posCounts, error) {
	data, err := os.ReadFile(filepath.Join(dict, "cntlist.rev"))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]posCounts{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]posCounts{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		lemma, rest, ok := strings.Cut(f[0], "%")
		n, err := strconv.Atoi(f[2])
		if !ok || err != nil || rest == "" {
			continue
		}
		c := out[lemma]
		switch rest[0] {
		case '1':
			c.noun += n
		case '2':
			c.verb += n
		case '3', '5':
			c.adj += n
		case '4':
			c.adv += n
		}
		out[lemma] = c
	}
	return out, nil
}

// writeTable writes key<TAB>value lines in key order under a header of
// comment lines and WordNet's licence notice; a path ending in .gz is
// gzipped.
func writeTable(path string, header []string, rows map[string]string) (err error) {
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}()
	var w io.Writer = file
	var zw *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		zw, _ = gzip.NewWriterLevel(file, gzip.BestCompression)
		w = zw
	}
	bw := bufio.NewWriter(w)
	for _, h := range header {
		fmt.Fprintln(bw, "# "+h)
	}
	licence(bw)
	for _, k := range keys {
		fmt.Fprintf(bw, "%s\t%s\n", k, rows[k])
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
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
	// hypernyms are the offsets of the synset's hypernyms and instance
	// hypernyms (nouns).
	hypernyms []int64
	offset    int64
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

// dataCache holds the data files read, by path: one run reads each once.
var dataCache = map[string][]byte{}

func dataFor(dict string, pos byte) []byte {
	p := filepath.Join(dict, "data."+posName(pos))
	if d, ok := dataCache[p]; ok {
		return d
	}
	d, _ := os.ReadFile(p)
	dataCache[p] = d
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
	ss := synset{lex: lex, derived: map[int][]pointer{}, offset: offset}
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
		if f[k] == "@" || f[k] == "@i" {
			if off, err := strconv.ParseInt(f[k+1], 10, 64); err == nil && f[k+2] == "n" {
				ss.hypernyms = append(ss.hypernyms, off)
			}
			continue
		}
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

// kindSenses is how many of a noun's most frequent senses give its kinds.
const kindSenses = 2

// maxKindDepth bounds how far up the hypernym tree kinds are collected.
const maxKindDepth = 8

// writeKinds writes the noun kind table: noun term<TAB>the terms of the
// hypernyms (and instance hypernyms) of its most frequent senses, nearest
// first, up to maxKindDepth levels: "violin" gives "bow", "stringed",
// "instrument"… so that "Which instrument…?" can be answered by "violin".
func writeKinds(dict string, nounLines [][]string, path string) error {
	data, err := os.ReadFile(filepath.Join(dict, "data.noun"))
	if err != nil {
		return err
	}
	kinds := map[string][]string{}
	for _, f := range nounLines {
		lemma := f[0]
		t := term(lemma)
		if t == "" {
			continue
		}
		pCnt, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 6+pCnt {
			continue
		}
		senses := f[4+pCnt+2:]
		seen := map[string]bool{t: true}
		var out []string
		for i := 0; i < len(senses) && i < kindSenses; i++ {
			off, err := strconv.ParseInt(senses[i], 10, 64)
			if err != nil {
				continue
			}
			ss, ok := parseSynset(data, off, "noun")
			if !ok {
				continue
			}
			level := ss.hypernyms
			for depth := 0; depth < maxKindDepth && len(level) > 0; depth++ {
				var next []int64
				for _, h := range level {
					hs, ok := parseSynset(data, h, "noun")
					if !ok {
						continue
					}
					for _, w := range hs.words {
						// "instrumentality, instrumentation" (devices,
						// containers, furniture…) is as general as
						// those, and its term is "instrument"'s: a couch
						// is no musical instrument.
						if w == "instrumentality" || w == "instrumentation" {
							continue
						}
						if u := term(w); u != "" && !seen[u] && !topKinds[u] {
							seen[u] = true
							out = append(out, u)
						}
					}
					next = append(next, hs.hypernyms...)
				}
				level = next
			}
		}
		if len(out) > 0 {
			kinds[t] = append(kinds[t], out...)
		}
	}
	rows := make(map[string]string, len(kinds))
	for w, ks := range kinds {
		rows[w] = strings.Join(ks, " ")
	}
	return writeTable(path, []string{
		"Noun kinds derived from WordNet 3.0 by retrieval/internal/wordnetgen.",
		"noun term<TAB>terms of the hypernyms of its two most frequent senses, nearest first.",
	}, rows)
}

// topKinds are the terms of WordNet's most general nouns, which every noun
// is a kind of and which say nothing.
var topKinds = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("entity physical abstraction abstract object whole thing matter unit causal agent cause relation attribute psychological feature event act deed human action activity group grouping measure quantity amount state") {
		if t := term(w); t != "" {
			m[t] = true
		}
	}
	return m
}()
