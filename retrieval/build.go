package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// builder turns sentences into term IDs quickly: each distinct surface word
// is normalized and stemmed once, then found by a map lookup that does not
// allocate.
type builder struct {
	ix    *Index
	words map[string]int32 // surface word → term ID, stopID or skipID
	// titleIDs are the term IDs of title words (president, minister, …).
	titleIDs map[int32]bool
	// titles collects "Modifier Title" phrases (French President) and the
	// names they stand before.
	titles map[[2]int32]map[int32]bool
}

const (
	stopID = -1 // a stop word: a token that takes no term
	skipID = -2 // no word at all once normalized ("'s")
)

// ingFlag marks, in the builder's word cache, a word ending in "-ing": a
// gerund or noun ("meeting") that shares its stem with a verb ("meet").
const ingFlag = 1 << 30

// buildToken is a scanned word.
type buildToken struct {
	id      int32
	ing     bool
	capital bool
	// spaced reports only white space between this token and the previous.
	spaced bool
}

func newBuilder(ix *Index) *builder {
	b := &builder{ix: ix, words: make(map[string]int32, 1<<14), titleIDs: map[int32]bool{}, titles: map[[2]int32]map[int32]bool{}}
	for _, w := range titleWords {
		b.titleIDs[b.termID(w)] = true
	}
	return b
}

// titleWords stand before a name: "President Macron", "Prime Minister May".
var titleWords = strings.Fields(`president minister chancellor king queen prince princess secretary senator
governor general pope emperor empress captain professor doctor director chairman mayor judge leader premier
ambassador commander colonel lord lady duke duchess count countess sir`)

// termID returns the term ID of a normalized, non-stop word, adding it to
// the vocabulary when new.
func (b *builder) termID(word string) int32 {
	ix := b.ix
	term := ix.stem.stem(word)
	id, ok := ix.vocab[term]
	if !ok {
		id = int32(len(ix.terms))
		ix.vocab[term] = id
		ix.terms = append(ix.terms, term)
		ix.postings = append(ix.postings, nil)
	}
	return id
}

func (b *builder) lookup(raw string) int32 {
	if id, ok := b.words[raw]; ok {
		return id
	}
	word := stripPossessive(Normalize(raw))
	var id int32
	switch {
	case word == "":
		id = skipID
	case stopWords[word]:
		id = stopID
	default:
		id = b.termID(word)
		if isIngForm(word) {
			id |= ingFlag
		}
	}
	b.words[raw] = id
	return id
}

// isIngForm reports a word of the "-ing" form whose stem drops the ending.
func isIngForm(w string) bool { return len(w) > 5 && strings.HasSuffix(w, "ing") }

// scan appends the words of text to dst, as [analyze] would find them.
func (b *builder) scan(text string, dst []buildToken) []buildToken {
	prevEnd := -1
	for i := 0; i < len(text); {
		start, end, ok := nextWord(text, i)
		if !ok {
			break
		}
		i = end
		id := b.lookup(text[start:end])
		if id == skipID {
			continue
		}
		ing := id >= 0 && id&ingFlag != 0
		id &^= ingFlag
		r, _ := utf8.DecodeRuneInString(text[start:])
		dst = append(dst, buildToken{id: id, ing: ing, capital: unicode.IsUpper(r) || unicode.IsTitle(r),
			spaced: prevEnd >= 0 && strings.TrimSpace(text[prevEnd:start]) == ""})
		prevEnd = end
	}
	return dst
}

// appositions records "Modifier Title Name" runs: a capitalized word, a
// capitalized title word and one to three capitalized names, separated by
// spaces only ("French President Emmanuel Macron").
func (b *builder) appositions(toks []buildToken) {
	if len(toks) < 3 {
		return
	}
	for i := 1; i+1 < len(toks); i++ {
		t := toks[i]
		if !t.capital || t.id < 0 || !b.titleIDs[t.id] || !t.spaced {
			continue
		}
		mod := toks[i-1]
		if !mod.capital || mod.id < 0 || b.titleIDs[mod.id] {
			continue
		}
		name := int32(-1)
		for j := i + 1; j < len(toks) && j <= i+3; j++ {
			n := toks[j]
			if !n.capital || n.id < 0 || !n.spaced || b.titleIDs[n.id] {
				break
			}
			name = n.id
		}
		if name < 0 {
			continue
		}
		key := [2]int32{mod.id, t.id}
		if b.titles[key] == nil {
			b.titles[key] = map[int32]bool{}
		}
		b.titles[key][name] = true
	}
}
