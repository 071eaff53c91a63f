package retrieval

import (
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// builder turns sentences into term IDs quickly: each distinct surface word
// is normalized and stemmed once, then found by a map lookup that does not
// allocate.
type builder struct {
	// vocab and terms are the builder's own term IDs; the index maps them
	// to its IDs when the shards are merged.
	vocab map[string]int32
	terms []string
	stem  *stemmer
	words map[string]word // surface word → its term and roles
	// titleIDs are the term IDs of title words (president, minister, …).
	titleIDs map[int32]bool
	// titles collects "Modifier Title" phrases (French President) and the
	// names they stand before.
	titles map[[2]int32]map[int32]bool
	// titleGender holds the term IDs of personal titles (Mr, Lady) and the
	// gender each gives; saidIDs those of verbs of saying.
	titleGender map[int32]uint8
	saidIDs     map[int32]bool
	// roleGender holds the term IDs of the nouns that name a person by
	// a role ([roleNouns]) and the gender each gives.
	roleGender map[int32]uint8
	// mentions holds each sentence's names and personal pronouns.
	mentions [][]rawMention
	// wordCount counts the words of the builder's sentences.
	wordCount int
}

const (
	stopID = -1 // a stop word: a token that takes no term
	skipID = -2 // no word at all once normalized ("'s")
)

// ingFlag marks, in the builder's word cache, a word ending in "-ing": a
// gerund or noun ("meeting") that shares its stem with a verb ("meet").
const ingFlag = 1 << 30

// word is what the builder knows of a surface word.
type word struct {
	id   int32 // term ID (with ingFlag), stopID or skipID
	role uint8 // see wordRole
	tag  wordTag
}

// Flags of a word in a sentence.
const (
	// flagIng marks a word of the "-ing" form ("meeting").
	flagIng = 1 << iota
	// flagName marks a capitalized word after the first: part of a name
	// ("Islamic State"), not the common word ("stated").
	flagName
)

// buildToken is a scanned word.
type buildToken struct {
	id      int32
	ing     bool
	role    uint8
	capital bool
	// spaced reports only white space between this token and the previous;
	// dotted, a full stop and white space ("Mr. Darcy").
	spaced, dotted bool
	// short: a word of at most three letters (an initial, "Mr", "Mrs").
	short bool
	// start is the word's byte offset in the text.
	start int32
	tag   wordTag
}

func newBuilder() *builder {
	b := &builder{vocab: make(map[string]int32, 1<<12), stem: newStemmer(), words: make(map[string]word, 1<<14),
		titleIDs: map[int32]bool{}, titles: map[[2]int32]map[int32]bool{}}
	for _, w := range titleWords {
		b.titleIDs[b.termID(w)] = true
	}
	// In order, so that the same corpus gets the same term IDs (and saves
	// to the same bytes).
	b.titleGender = map[int32]uint8{}
	for _, w := range slices.Sorted(maps.Keys(personTitles)) {
		b.titleGender[b.termID(w)] = personTitles[w]
	}
	b.roleGender = map[int32]uint8{}
	for _, w := range slices.Sorted(maps.Keys(roleNouns)) {
		b.roleGender[b.termID(w)] = roleNouns[w]
	}
	b.saidIDs = map[int32]bool{}
	for _, w := range slices.Sorted(maps.Keys(saidVerbs)) {
		b.saidIDs[b.termID(w)] = true
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
	term := b.stem.stem(word)
	id, ok := b.vocab[term]
	if !ok {
		id = int32(len(b.terms))
		b.vocab[term] = id
		b.terms = append(b.terms, term)
	}
	return id
}

func (b *builder) lookup(raw string) word {
	if w, ok := b.words[raw]; ok {
		return w
	}
	norm := stripPossessive(Normalize(raw))
	var id int32
	switch {
	case norm == "":
		id = skipID
	case stopWords[norm]:
		id = stopID
	default:
		id = b.termID(norm)
		if isIngForm(norm) {
			id |= ingFlag
		}
	}
	r, _ := utf8.DecodeRuneInString(raw)
	w := word{id: id, role: wordRole(raw), tag: tagOf(norm, unicode.IsUpper(r))}
	b.words[strings.Clone(raw)] = w // a compact copy: lookups then stay in cache
	return w
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
		w := b.lookup(text[start:end])
		id := w.id
		if id == skipID {
			continue
		}
		ing := id >= 0 && id&ingFlag != 0
		id &^= ingFlag
		r, _ := utf8.DecodeRuneInString(text[start:])
		gap := ""
		if prevEnd >= 0 {
			gap = strings.TrimSpace(text[prevEnd:start])
		}
		dst = append(dst, buildToken{id: id, ing: ing, role: w.role, capital: unicode.IsUpper(r) || unicode.IsTitle(r),
			spaced: prevEnd >= 0 && gap == "", dotted: prevEnd >= 0 && gap == ".", short: end-start <= 3, start: int32(start), tag: w.tag})
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

// buildRange analyzes the sentences [lo, hi) of ix's corpus into ix's
// per-sentence arrays, with the builder's own term IDs.
func (b *builder) buildRange(ix *Index, lo, hi int) {
	c := ix.corpus
	var toks []buildToken
	var roles []uint8
	var tags []wordTag
	var inner, stop, spaced []bool
	flat := make([]int32, 0, 1<<12)
	flatFlags := make([]uint8, 0, 1<<12)
	for si := lo; si < hi; si++ {
		s := c.Sentences[si]
		ix.sentPara[si] = int32(s.Para)
		ix.sentDoc[si] = int32(c.Paragraphs[s.Para].Doc)
		ix.tieKey[si] = textHash(s.Text)
		toks = b.scan(s.Text, toks[:0])
		b.wordCount += len(toks)
		b.appositions(toks)
		if b.mentions != nil {
			b.mentions[si-lo] = b.mentionsOf(s.Text, toks, nil)
		}
		tags, inner, stop, spaced = tags[:0], inner[:0], stop[:0], spaced[:0]
		for k, t := range toks {
			tags = append(tags, t.tag)
			inner = append(inner, k > 0 && t.capital && t.id >= 0)
			stop = append(stop, t.id < 0)
			spaced = append(spaced, t.spaced)
		}
		ix.holds[si] = holdsOf(tags, inner, stop, spaced, s.Text)
		if s.N > 1 {
			roles = roles[:0]
			for _, t := range toks {
				roles = append(roles, t.role)
			}
			ix.anaphoric[si] = uint8(anaphoraLevel(roles))
		}
		start, startFlags := len(flat), len(flatFlags)
		for k, t := range toks {
			if t.id < 0 {
				continue
			}
			var f uint8
			if t.ing {
				f |= flagIng
			}
			if t.capital && k > 0 && !opensClause(s.Text, int(t.start)) {
				f |= flagName
			}
			flat = append(flat, t.id)
			flatFlags = append(flatFlags, f)
		}
		ix.sentTerms[si] = flat[start:len(flat):len(flat)]
		ix.sentFlags[si] = flatFlags[startFlags:len(flatFlags):len(flatFlags)]
		ix.sentLen[si] = float32(len(flat) - start)
		if cap(flat)-len(flat) < 256 {
			flat = make([]int32, 0, 1<<14)
			flatFlags = make([]uint8, 0, 1<<14)
		}
	}
}

// opensClause reports whether the word at byte offset start of text opens
// a quotation or a clause inside its sentence (after a quotation mark, a
// bracket, a colon or a dash), where a capital says as little as at the
// sentence's start: "No" in `he said, "No, never."` is no name.
func opensClause(text string, start int) bool {
	i := start
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '_' || text[i-1] == '\n') {
		i--
	}
	if i == 0 {
		return true
	}
	switch text[i-1] {
	case '"', '\'':
		// An opening mark stands after a space or at the start; a closing
		// one after the quoted words (`"Go," Elizabeth said`).
		return i == 1 || text[i-2] == ' ' || text[i-2] == '\n' || text[i-2] == '('
	case '(', ':', '-', '[':
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	switch r {
	case '“', '‘', '—', '–':
		return true
	}
	return false // ” and ’ close a quotation
}
