package retrieval

import (
	"regexp"
	"slices"
	"strings"
)

// Mentions: who a sentence is about when it does not say the name. A book
// names a person once and then says "he", "her", "I" (in a diary) or "the
// Count"; a question names them. At build time each sentence that refers
// to a person this way gets that person's name terms as resolved terms
// (see [Index].resolved), which rank like the name itself at a lower
// weight ([Params].Resolved).
//
// The resolution is deliberately simple and measurable: gender from titles
// (Mr, Mrs, Miss, Sir, Lady…) and from the pronouns that follow a name in
// the corpus itself; a third-person pronoun stands for the first-mentioned
// person of its gender in the nearest sentence before it that mentions one;
// a title alone for the one person the corpus gives it to ("the Count"); a
// parent or spouse for the Mr. or Mrs. of the family name ("his father" of
// Gregor Samsa); "I" outside quotation marks is the narrator of a journal,
// diary or letter section ("JONATHAN HARKER'S JOURNAL", as a paragraph or a
// chapter's name); the quoted words of a paragraph are its speaker's, the
// one it names ("…," said Elizabeth) or, for a line that names none, the
// other person of the dialogue (see [Index.endTurn]).

// Genders of a person mention.
const (
	genderNone = iota
	genderMale
	genderFemale
	genderAny // a title with no gender (Dr, Professor)
)

// Kinds of mention.
const (
	mentionName = iota
	mentionMale
	mentionFemale
	mentionFirst
	// mentionRole: a person named by a role after a determiner or a
	// possessive ("his sister", "the housekeeper", "Gregor's father");
	// terms holds the role noun, title its gender.
	mentionRole
)

// rawMention is a name or a personal pronoun in a sentence, found in the
// parallel build; terms are the builder's own term IDs until the merge.
type rawMention struct {
	start int32 // byte offset in the sentence
	kind  uint8
	// title is the gender a title gives the name (genderNone without one).
	title uint8
	// initial: the name starts the sentence, so its capital says little.
	initial bool
	// speech: a verb of saying stands right before or after the name or
	// pronoun ("said Elizabeth", "she cried").
	speech bool
	// locative is 2 when the name stands after a preposition of place
	// ("in England", "at Whitby"), 1 after "to" or "from", which also
	// stand before persons, and 0 otherwise or for a possessive.
	locative uint8
	terms    []int32 // the name's terms, its title included
}

// personTitles give a name's gender; a title with none is genderAny.
var personTitles = map[string]uint8{
	"mr": genderMale, "mister": genderMale, "sir": genderMale, "lord": genderMale, "count": genderMale, "duke": genderMale,
	"king": genderMale, "prince": genderMale, "master": genderMale, "baron": genderMale, "herr": genderMale, "monsieur": genderMale,
	"mrs": genderFemale, "miss": genderFemale, "ms": genderFemale, "lady": genderFemale, "madam": genderFemale, "madame": genderFemale,
	"mme": genderFemale, "mlle": genderFemale, "countess": genderFemale, "duchess": genderFemale, "queen": genderFemale,
	"princess": genderFemale, "mistress": genderFemale, "sister": genderFemale, "aunt": genderFemale, "frau": genderFemale,
	"dr": genderAny, "doctor": genderAny, "professor": genderAny, "colonel": genderMale, "captain": genderAny, "general": genderAny,
	"father": genderMale, "uncle": genderMale, "mother": genderFemale,
	"president": genderAny, "minister": genderAny, "chancellor": genderAny, "secretary": genderAny, "senator": genderAny,
	"governor": genderAny, "premier": genderAny, "pope": genderMale, "emperor": genderMale, "empress": genderFemale,
	"judge": genderAny, "mayor": genderAny, "ambassador": genderAny, "commander": genderAny, "bishop": genderMale,
	"rev": genderMale, "reverend": genderMale,
}

// roleNouns name a person by their place in a family or a household; with
// a determiner or a possessive before them they are a mention of someone
// ("his sister"), whom a pronoun after them stands for.
var roleNouns = map[string]uint8{
	"father": genderMale, "mother": genderFemale, "sister": genderFemale, "brother": genderMale,
	"wife": genderFemale, "husband": genderMale, "daughter": genderFemale, "son": genderMale,
	"uncle": genderMale, "aunt": genderFemale, "niece": genderFemale, "nephew": genderMale,
	"grandmother": genderFemale, "grandfather": genderMale, "count": genderMale, "countess": genderFemale,
	"housekeeper": genderFemale, "maid": genderFemale, "landlady": genderFemale, "landlord": genderMale, "governess": genderFemale, "nurse": genderFemale,
}

// saidVerbs are the words that attribute speech to a name beside them.
var saidVerbs = wordSet("said says say cried replied answered asked exclaimed continued added observed returned repeated whispered called shouted rejoined resumed began interrupted thought")

// mentionsOf lists the names and personal pronouns of a sentence. A name
// is a run of capitalized words that are not stop words, joined by spaces
// or by the full stop of a title or initial ("Mr. Darcy"), with an
// optional title before it.
func (b *builder) mentionsOf(text string, toks []buildToken, dst []rawMention) []rawMention {
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if g, ok := b.roleAt(text, toks, k); ok {
			dst = append(dst, rawMention{start: t.start, kind: mentionRole, title: g, terms: []int32{t.id}})
			continue
		}
		switch {
		case t.role&roleMale != 0:
			dst = append(dst, rawMention{start: t.start, kind: mentionMale, speech: b.saidNear(toks, k)})
			continue
		case t.role&roleFemale != 0:
			dst = append(dst, rawMention{start: t.start, kind: mentionFemale, speech: b.saidNear(toks, k)})
			continue
		case t.role&roleFirst != 0:
			dst = append(dst, rawMention{start: t.start, kind: mentionFirst})
			continue
		}
		if !t.capital || t.id < 0 {
			continue
		}
		m := rawMention{start: t.start, kind: mentionName, initial: k == 0 || opensClause(text, int(t.start))}
		joins := func(j int) bool {
			n := toks[j]
			return n.capital && n.id >= 0 && (n.spaced || n.dotted && toks[j-1].short)
		}
		m.terms = append(m.terms, t.id)
		for j := k + 1; j < len(toks) && joins(j); j++ {
			m.terms = append(m.terms, toks[j].id)
		}
		// A title inside the name before its last word gives its gender:
		// "Mr. Darcy", "Russian President Vladimir Putin".
		for _, id := range m.terms[:len(m.terms)-1] {
			if g, ok := b.titleGender[id]; ok {
				m.title = g
				break
			}
		}
		if len(m.terms) == 0 {
			continue
		}
		m.speech = b.saidNear(toks, k) || b.saidNear(toks, k+len(m.terms)-1)
		if !possessiveAt(text, toks[k+len(m.terms)-1]) {
			m.locative = placePreposition(text[:t.start])
		}
		dst = append(dst, m)
		k += len(m.terms) - 1
	}
	return dst
}

// roleAt reports a role noun at token k, in lower case and in the
// singular, after a determiner or a possessive name ("his sister",
// "Gregor's father") and not before the name it gives ("his daughter
// Anna"), with the gender it gives.
func (b *builder) roleAt(text string, toks []buildToken, k int) (uint8, bool) {
	if k == 0 {
		return 0, false
	}
	t, prev := toks[k], toks[k-1]
	if t.capital || t.id < 0 || prev.role&roleDeterminer == 0 && !(prev.capital && prev.id >= 0) {
		return 0, false
	}
	g, ok := b.roleGender[t.id]
	if !ok || prev.role&roleDeterminer == 0 && !possessiveAt(text, prev) {
		return 0, false
	}
	if k+1 < len(toks) && toks[k+1].capital && toks[k+1].spaced && toks[k+1].id >= 0 {
		return 0, false // "his daughter Anna": the name says who
	}
	start, end, ok := nextWord(text, int(t.start))
	if !ok || roleNouns[strings.ToLower(text[start:end])] == 0 {
		return 0, false // "sisters", "fathers'"
	}
	return g, true
}

// placePreposition weighs the word that text ends in as a sign that a
// name after it is a place: 2 for prepositions that stand before places
// and seldom before persons ("in", "at", "near"…), 1 for "to" and "from",
// 0 for any other; 2 too for a word of a kind of place ("mount Ephraim",
// "the land of Tob").
func placePreposition(before string) uint8 {
	w, before := endWord(before)
	// "in the Pacific", "across the Atlantic": the article between.
	if w == "the" {
		w, before = endWord(before)
	}
	// "the land of Tob", "the city of Dan": a place word and "of"; "out
	// of Egypt".
	if w == "of" {
		if p, _ := endWord(before); placeWords[p] || p == "out" {
			return 2
		}
		return 0
	}
	switch {
	case placeOnlyPrepositions[w], placeWords[w]:
		return 2
	case w == "to" || w == "from":
		return 1
	}
	return 0
}

// endWord returns the word text ends in, in lower case, and the text
// before it.
func endWord(text string) (word, rest string) {
	text = strings.TrimRight(text, " ")
	i := strings.LastIndexAny(text, " \t\n(\"“") + 1
	return strings.ToLower(text[i:]), text[:i]
}

var placeOnlyPrepositions = wordSet("in at near into inside across throughout")

// placeWords name a kind of place before its name, in lower case as the
// King James Bible writes them: "mount Ephraim", "the land of Tob" (with
// "of", which the name's start leaves before it).
var placeWords = wordSet("mount mountain river lake isle island city town village land valley vale wilderness county province")

// possessiveAt reports a token written with "'s" or "’s".
func possessiveAt(text string, t buildToken) bool {
	start, end, ok := nextWord(text, int(t.start))
	if !ok {
		return false
	}
	w := text[start:end]
	return strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "’s")
}

// saidNear reports a verb of saying just before or after token k.
func (b *builder) saidNear(toks []buildToken, k int) bool {
	return k > 0 && b.saidIDs[toks[k-1].id] || k+1 < len(toks) && b.saidIDs[toks[k+1].id]
}

// person is an entity a mention stands for: its name terms and gender.
type person struct {
	terms  []int32
	gender uint8
}

// headerRE finds the narrator of a section: "JONATHAN HARKER'S JOURNAL",
// "_Dr. Seward's Diary._", "LETTER, LUCY WESTENRA TO MINA MURRAY",
// "_Letter from Mina Murray to Lucy Westenra._".
var headerRE = regexp.MustCompile(`^[_*\s]*(?:(?i:letter|telegram|note|memorandum)[,.:]?\s+(?:(?i:from)\s+)?(.{2,60}?)\s+(?i:to)\s+.{2,80}|(.{2,60}?)['’](?i:s)\s+(?i:journal|diary|memorandum|notebook|phonograph diary)(.{0,40}))$`)

// resolveMentions learns the persons' genders and resolves every
// sentence's pronouns and first person, filling ix.resolved. It runs once,
// in reading order, after the shards are merged.
func (ix *Index) resolveMentions(mentions [][]rawMention, titleIDs map[int32]uint8) {
	c := ix.corpus
	n := len(c.Sentences)
	ix.resolved = make([][]int32, len(ix.terms))
	// A name counts as a person's when it is not a common word that starts
	// a sentence ("Yes", "Then"): the word stands capitalized inside a
	// sentence somewhere, or the run has more than one word.
	isName := func(m *rawMention) bool {
		if m.kind != mentionName {
			return false
		}
		if !m.initial || len(m.terms) > 1 {
			return true
		}
		return ix.inNames[m.terms[0]]
	}
	key := func(m *rawMention) int32 { return m.terms[len(m.terms)-1] }
	// Genders learnt from the corpus: the pronouns of the sentence a lone
	// name stands in, after it, and of the next sentence when it names no one.
	var male, female = map[int32]int{}, map[int32]int{}
	for s := range n {
		ms := mentions[s]
		var only *rawMention
		names := 0
		for i := range ms {
			if isName(&ms[i]) {
				names++
				only = &ms[i]
			}
		}
		if names != 1 {
			continue
		}
		k := key(only)
		switch only.title {
		case genderMale:
			male[k] += 3
		case genderFemale:
			female[k] += 3
		}
		count := func(ms []rawMention, after int32) {
			for _, m := range ms {
				if m.start < after {
					continue
				}
				switch m.kind {
				case mentionMale:
					male[k]++
				case mentionFemale:
					female[k]++
				}
			}
		}
		count(ms, only.start)
		if s+1 < n && ix.sentDoc[s+1] == ix.sentDoc[s] {
			hasName := false
			for i := range mentions[s+1] {
				hasName = hasName || isName(&mentions[s+1][i])
			}
			if !hasName {
				count(mentions[s+1], 0)
			}
		}
	}
	// A name that stands after "in", "at", "near"…, or (counting half)
	// "to" and "from", in a quarter of its uses or more is a place's ("in
	// England", "to London"), whatever pronouns follow it; a person's
	// name does in a few percent ("to Lucy").
	uses, locative := map[int32]int{}, map[int32]int{}
	for s := range n {
		for i := range mentions[s] {
			if m := &mentions[s][i]; isName(m) {
				uses[key(m)] += 2
				locative[key(m)] += int(m.locative)
			}
		}
	}
	place := func(k int32) bool { return 4*locative[k] >= uses[k] && locative[k] >= 4 }
	ix.places = ix.places[:0]
	for k := range uses {
		if place(k) {
			ix.places = append(ix.places, k)
		}
	}
	slices.Sort(ix.places)
	genderOf := func(m *rawMention) uint8 {
		if m.title == genderMale || m.title == genderFemale {
			return m.title
		}
		k := key(m)
		if place(k) {
			return genderNone
		}
		switch mk, fk := male[k], female[k]; {
		case mk >= 2 && mk >= 2*fk:
			return genderMale
		case fk >= 2 && fk >= 2*mk:
			return genderFemale
		}
		return genderNone
	}
	// The names the corpus uses of persons, with their gender.
	ix.persons = map[int32]uint8{}
	for s := range n {
		for i := range mentions[s] {
			if m := &mentions[s][i]; isName(m) {
				if g := genderOf(m); g != genderNone {
					ix.persons[key(m)] = g
				} else if m.title == genderAny {
					if _, ok := ix.persons[key(m)]; !ok {
						ix.persons[key(m)] = genderAny
					}
				}
			}
		}
	}
	owners := ix.titleOwners(mentions, titleIDs, isName, genderOf)
	fam := ix.learnFamilies(mentions, titleIDs, isName)
	// owner is the person a mention made of a title alone stands for ("the
	// Count", "the Professor"), if the corpus gives that title to one.
	owner := func(m *rawMention) (person, bool) {
		if len(m.terms) != 1 {
			return person{}, false
		}
		p, ok := owners[m.terms[0]]
		return p, ok
	}
	// Sections with a narrator, by paragraph.
	narrators := ix.narrators(titleIDs)
	add := func(s int, p person) {
		for _, id := range p.terms {
			if slices.Contains(ix.sentTerms[s], id) {
				continue
			}
			if l := ix.resolved[id]; len(l) > 0 && l[len(l)-1] == int32(s) {
				continue
			}
			ix.resolved[id] = append(ix.resolved[id], int32(s))
		}
	}
	const maxBack = 6 // sentences a pronoun may look back
	var last [3]struct {
		p    person
		sent int
	}
	for g := range last {
		last[g].sent = -1 << 30
	}
	var quotes quoteState
	// The dialogue so far: who spoke its last line, and who spoke before,
	// latest last. A line that names no speaker is the reply of the latest
	// of them who did not speak the line before.
	talk := dialogue{lastPara: -1}
	var paraSpeaker person // who speaks the paragraph,
	spoken := false        // if known
	// The first person a paragraph of narration names, its subject, is
	// in the dialogue too ("Lady Catherine seemed quite astonished…");
	// one it names later may be what the talk is about.
	var subject person
	hasSubject := false
	for s := range n {
		if s == 0 || ix.sentDoc[s] != ix.sentDoc[s-1] {
			for g := range last {
				last[g].sent = -1 << 30
			}
			talk = dialogue{lastPara: -1}
		}
		sent := c.Sentences[s]
		para := c.Paragraphs[sent.Para]
		if sent.N == 1 {
			quotes.reset(para.Text)
			paraSpeaker, spoken = person{}, false
			subject, hasSubject = person{}, false
			if sent.Para > 0 && c.Paragraphs[sent.Para-1].Chapter != para.Chapter {
				talk = dialogue{lastPara: -1} // a new chapter, a new scene
			}
		}
		ms := mentions[s]
		var first [3]*person // the sentence's first person of each gender
		var speaker *person
		var persons [8]person
		np := 0
		var prev struct {
			who person
			at  int32
			ok  bool
		}
		for i := range ms {
			m := &ms[i]
			in := quotes.inside(sent.Start + int(m.start))
			switch m.kind {
			case mentionName:
				if !isName(m) {
					continue
				}
				g := genderOf(m)
				who, owned := owner(m)
				if owned {
					g = who.gender
					add(s, who)
				} else {
					who = person{terms: m.terms, gender: g}
				}
				prev.who, prev.at, prev.ok = who, m.start, true
				if g == genderNone || g == genderAny || np == len(persons) {
					continue
				}
				persons[np] = who
				if !in && !hasSubject {
					subject, hasSubject = who, true
				}
				p := &persons[np]
				np++
				if first[g] == nil {
					first[g] = p
				}
				if m.speech && !in {
					speaker = p
				}
			case mentionMale, mentionFemale:
				g := uint8(genderMale)
				if m.kind == mentionFemale {
					g = genderFemale
				}
				var p *person
				if first[g] != nil {
					p = first[g]
				} else if s-last[g].sent <= maxBack {
					p = &last[g].p
				}
				prev.ok = p != nil
				if p != nil {
					prev.who, prev.at = *p, m.start
					add(s, *p)
					if m.speech && !in {
						speaker = p
					}
				}
			case mentionRole:
				// Someone named by a role ("his sister"): a pronoun after
				// it means them, not a name before it. Who they are is
				// learnt only from a title ("the Count", [Index.titleOwners])
				// or a family name ("his father" of Gregor Samsa is Mr.
				// Samsa, [families]), not from the names a role shares
				// paragraphs with: those say "his mother" is Grete, his
				// sister, in Metamorphosis.
				p, owned := owner(m)
				if !owned && prev.ok && m.start-prev.at <= 24 {
					p, owned = fam.relative(prev.who, m.terms[0], m.title)
				}
				if owned {
					add(s, p)
				} else {
					p = person{gender: m.title}
				}
				prev.ok = false
				if g := p.gender; (g == genderMale || g == genderFemale) && np < len(persons) {
					persons[np] = p
					if first[g] == nil {
						first[g] = &persons[np]
					}
					np++
				}
			case mentionFirst:
				if !in {
					if nar, ok := narrators[sent.Para]; ok {
						add(s, nar)
					}
				}
			}
		}
		for g := range first {
			if first[g] != nil {
				last[g].p, last[g].sent = *first[g], s
			}
		}
		// "I" inside the quotation marks of a paragraph whose speaker it
		// names is the speaker.
		if speaker != nil {
			ix.speakerOf(s, *speaker, mentions, add)
			paraSpeaker, spoken = *speaker, true
		}
		if sent.N == para.SentenceCount {
			if !spoken && hasSubject {
				switch {
				case !strings.ContainsAny(para.Text, "\"“”"):
					talk.spoke(subject, sent.Para)
				case !opensWithQuote(para.Text):
					// Narration that goes on to speech without naming a
					// speaker ("Elizabeth could not help saying, \"It is
					// very much to his credit…\"") is its subject's.
					ix.speakerOf(s, subject, mentions, add)
					paraSpeaker, spoken = subject, true
				}
			}
			ix.endTurn(s, paraSpeaker, spoken, &talk, mentions, add)
		}
	}
	for id := range ix.resolved {
		slices.Sort(ix.resolved[id])
		ix.resolved[id] = slices.Compact(ix.resolved[id])
	}
}

// dialogue is the state of a conversation in reading order (see
// [Index.endTurn]).
type dialogue struct {
	last     person    // who spoke the last line
	lastPara int       // its paragraph, -1 if none is known
	speakers []spokeAt // who spoke, latest last, each once
}

type spokeAt struct {
	who  person
	para int
}

// How far back, in paragraphs, a dialogue remembers its last line and
// its speakers.
const (
	turnGap   = 2
	spokeBack = 12
)

// spoke records who spoke paragraph para.
func (d *dialogue) spoke(p person, para int) {
	for i, n := range d.speakers {
		if slices.Equal(n.who.terms, p.terms) {
			d.speakers = slices.Delete(d.speakers, i, i+1)
			break
		}
	}
	d.speakers = append(d.speakers, spokeAt{who: p, para: para})
	if len(d.speakers) > 8 {
		d.speakers = d.speakers[1:]
	}
}

// endTurn ends the paragraph of its last sentence s. When it holds speech
// and names its speaker, that is the dialogue's last line. When it opens
// with speech and names none, right after a line whose speaker is known,
// it is the reply of the latest other person who spoke ("I am not
// one-and-twenty." after Lady Catherine's question is Elizabeth's), and
// its quoted first person is resolved to them. Only speakers count: a
// person the narration names may be the talk's subject, not in it.
func (ix *Index) endTurn(s int, speaker person, spoken bool, d *dialogue, mentions [][]rawMention, add func(int, person)) {
	pi := ix.corpus.Sentences[s].Para
	text := ix.corpus.Paragraphs[pi].Text
	if spoken {
		if strings.ContainsAny(text, "\"“”") {
			d.last, d.lastPara = speaker, pi
			d.spoke(speaker, pi)
		}
		return
	}
	if !opensWithQuote(text) || d.lastPara < 0 || pi-d.lastPara > turnGap || len(d.last.terms) == 0 {
		return
	}
	for i := len(d.speakers) - 1; i >= 0; i-- {
		n := d.speakers[i]
		if pi-n.para > spokeBack {
			break
		}
		if !slices.Equal(n.who.terms, d.last.terms) {
			ix.speakerOf(s, n.who, mentions, add)
			d.last, d.lastPara = n.who, pi
			d.spoke(n.who, pi)
			return
		}
	}
}

// opensWithQuote reports whether a paragraph's text opens with a
// quotation mark.
func opensWithQuote(text string) bool {
	text = strings.TrimLeft(text, " \t_*")
	return strings.HasPrefix(text, "\"") || strings.HasPrefix(text, "“")
}

// families tell who a person's father, mother, husband or wife is from
// family names: the father of Gregor, whom the book calls Gregor Samsa,
// is Mr. Samsa when the book has a Mr. Samsa.
type families struct {
	titleIDs map[int32]uint8
	surname  map[int32]int32      // a first name → its family name
	titled   map[[2]int32]bool    // title, family name: "Mrs. Samsa" is used
	roles    map[int32]int32      // father → mr, mother → mrs, husband → mr, wife → mrs
	spouse   map[int32]bool       // husband, wife
	names    map[[2]int32][]int32 // the terms of each relative found, made once
	parents  map[int32]bool       // the titles whose bearer's parent is not "Mr./Mrs. Name": mr, mrs
}

// learnFamilies reads the names of the corpus for [families].
func (ix *Index) learnFamilies(mentions [][]rawMention, titleIDs map[int32]uint8, isName func(*rawMention) bool) *families {
	id := func(w string) int32 {
		if v, ok := ix.vocab[ix.stem.stem(w)]; ok {
			return v
		}
		return -1
	}
	f := &families{titleIDs: titleIDs, surname: map[int32]int32{}, titled: map[[2]int32]bool{},
		roles: map[int32]int32{}, spouse: map[int32]bool{}, parents: map[int32]bool{}, names: map[[2]int32][]int32{}}
	mr, mrs := id("mr"), id("mrs")
	for role, title := range map[string]int32{"father": mr, "mother": mrs, "husband": mr, "wife": mrs} {
		if r := id(role); r >= 0 && title >= 0 {
			f.roles[r] = title
		}
	}
	f.spouse[id("husband")], f.spouse[id("wife")] = true, true
	f.parents[mr], f.parents[mrs] = true, true
	counts := map[int32]map[int32]int{}
	for s := range mentions {
		for i := range mentions[s] {
			m := &mentions[s][i]
			if !isName(m) {
				continue
			}
			title, first, last, n := f.ends(m.terms)
			if title >= 0 && n > 0 {
				f.titled[[2]int32{title, last}] = true
			}
			if n >= 2 {
				if counts[first] == nil {
					counts[first] = map[int32]int{}
				}
				counts[first][last]++
			}
		}
	}
	for first, lasts := range counts {
		total, best, bestN := 0, int32(-1), 0
		for l, n := range lasts {
			total += n
			if n > bestN || n == bestN && l < best {
				best, bestN = l, n
			}
		}
		if 3*bestN >= 2*total {
			f.surname[first] = best
		}
	}
	return f
}

// ends reads a name's terms: its title (-1 if none), the first and last
// of its other terms, and how many those are.
func (f *families) ends(terms []int32) (title, first, last int32, n int) {
	title, first, last = -1, -1, -1
	for _, t := range terms {
		if _, ok := f.titleIDs[t]; ok {
			if title < 0 && n == 0 {
				title = t
			}
			continue
		}
		if n == 0 {
			first = t
		}
		last = t
		n++
	}
	return title, first, last, n
}

// relative returns the person that role (a term) of of names: for a
// parent, Mr. or Mrs. and the family name of a first name, or of a Miss;
// for a spouse, of a Mr. or a Mrs. It reports false when the book has no
// such person or the role is of another kind.
func (f *families) relative(of person, role int32, gender uint8) (person, bool) {
	title, ok := f.roles[role]
	if !ok {
		return person{}, false
	}
	t, _, name, n := f.ends(of.terms)
	if n == 0 {
		return person{}, false
	}
	switch {
	case f.spouse[role]:
		if t < 0 {
			return person{}, false // "Lydia's husband" is not a Mr. Bennet
		}
	case f.parents[t]:
		return person{}, false // "Mr. Bennet's mother" is not Mrs. Bennet
	case n == 1 && t < 0:
		sur, ok := f.surname[name]
		if !ok {
			return person{}, false
		}
		name = sur
	}
	if !f.titled[[2]int32{title, name}] {
		return person{}, false
	}
	key := [2]int32{title, name}
	if slices.Equal(key[:], of.terms) {
		return person{}, false
	}
	terms, ok := f.names[key]
	if !ok {
		terms = []int32{title, name}
		f.names[key] = terms
	}
	return person{terms: terms, gender: gender}, true
}

// titleOwners finds, for each title the corpus writes before names, the
// one person it mostly names: "Count" is Dracula's in Dracula, so "the
// Count" stands for him. A title shared by several ("Mr", "Dr" in most
// books) has no owner.
func (ix *Index) titleOwners(mentions [][]rawMention, titleIDs map[int32]uint8, isName func(*rawMention) bool, genderOf func(*rawMention) uint8) map[int32]person {
	type use struct {
		p person
		n int
	}
	byTitle := map[int32]map[int32]*use{} // title → the name's last term → its uses
	total := map[int32]int{}
	for s := range mentions {
		for i := range mentions[s] {
			m := &mentions[s][i]
			if !isName(m) || len(m.terms) < 2 {
				continue
			}
			t := m.terms[0]
			if _, ok := titleIDs[t]; !ok {
				continue
			}
			k := m.terms[len(m.terms)-1]
			if _, title := titleIDs[k]; title {
				continue
			}
			if byTitle[t] == nil {
				byTitle[t] = map[int32]*use{}
			}
			u := byTitle[t][k]
			if u == nil {
				var name []int32
				for _, id := range m.terms[1:] {
					if _, title := titleIDs[id]; !title {
						name = append(name, id)
					}
				}
				g := genderOf(m)
				if g == genderNone {
					g = genderAny
				}
				u = &use{p: person{terms: name, gender: g}}
				byTitle[t][k] = u
			}
			u.n++
			total[t]++
		}
	}
	const least, share = 3, 0.75
	out := map[int32]person{}
	for t, us := range byTitle {
		for _, u := range us {
			if u.n >= least && float64(u.n) >= share*float64(total[t]) {
				out[t] = u.p
			}
		}
	}
	return out
}

// speakerOf resolves the quoted words of the paragraph of sentence s to
// its speaker: every sentence that opens inside quotation marks (the
// speaker says it, though it may not name them), and each other sentence
// whose first person is quoted.
func (ix *Index) speakerOf(s int, speaker person, mentions [][]rawMention, add func(int, person)) {
	c := ix.corpus
	para := c.Paragraphs[c.Sentences[s].Para]
	var q quoteState
	q.reset(para.Text)
	for t := para.FirstSentence; t < para.FirstSentence+para.SentenceCount; t++ {
		st := c.Sentences[t]
		if q.inside(st.Start) || q.inside(st.Start+1) {
			add(t, speaker)
			continue
		}
		for _, m := range mentions[t] {
			if m.kind == mentionFirst && q.inside(st.Start+int(m.start)) {
				add(t, speaker)
				break
			}
		}
	}
}

// narrators maps each paragraph of a narrated section to its narrator. A
// section starts at a header ([headerRE]) and runs to the next one; a
// header marked "continued" also covers the unheaded text before it.
func (ix *Index) narrators(titleIDs map[int32]uint8) map[int]person {
	c := ix.corpus
	out := map[int]person{}
	var cur person // the section's narrator, when narrated
	narrated := false
	pending := -1 // first paragraph of an unheaded stretch of the document
	doc := -1
	for pi, p := range c.Paragraphs {
		if p.Doc != doc {
			doc, narrated, pending = p.Doc, false, pi
		}
		// A header stands as a paragraph, or as the name of the chapter
		// the paragraph opens ("CHAPTER II / JONATHAN HARKER'S JOURNAL").
		headers := [2]string{1: p.Text}
		if p.Chapter >= 0 {
			if ch := c.Docs[p.Doc].Chapters[p.Chapter]; ch.FirstParagraph == pi {
				headers[0] = ch.Name
			}
		}
		for _, header := range headers {
			if nar, continued, ok := ix.narratorOf(header, titleIDs); ok {
				cur, narrated = nar, true
				if pending >= 0 && continued {
					for q := pending; q < pi; q++ {
						out[q] = nar
					}
				}
				pending = -1
				break
			}
		}
		if narrated {
			out[pi] = cur
		}
	}
	return out
}

// narratorOf reads a section header ([headerRE]): the narrator it names,
// and whether it marks the section continued.
func (ix *Index) narratorOf(header string, titleIDs map[int32]uint8) (nar person, continued, ok bool) {
	if header == "" || len(header) >= 140 {
		return person{}, false, false
	}
	m := headerRE.FindStringSubmatch(header)
	if m == nil {
		return person{}, false, false
	}
	name := m[1]
	if name == "" {
		name = m[2]
	}
	terms := ix.nameTerms(name, titleIDs)
	if len(terms) == 0 {
		return person{}, false, false
	}
	return person{terms: terms, gender: genderAny}, strings.Contains(strings.ToLower(m[3]), "continued"), true
}

// nameTerms returns the index terms of a narrator's name, titles dropped
// ("DR. SEWARD" gives seward).
func (ix *Index) nameTerms(name string, titleIDs map[int32]uint8) []int32 {
	var out []int32
	for _, t := range analyze(name, nil, ix.stem) {
		id, ok := ix.vocab[t.Term]
		if t.Stop || !ok {
			continue
		}
		if _, title := titleIDs[id]; title {
			continue
		}
		out = append(out, id)
	}
	return out
}

// quoteState tells whether a byte offset of a paragraph stands inside
// quotation marks: straight double quotes toggle, curly ones open and close.
type quoteState struct {
	marks []int32 // offsets of the marks
	opens []bool
}

func (q *quoteState) reset(text string) {
	q.marks, q.opens = q.marks[:0], q.opens[:0]
	open := false
	for i, r := range text {
		switch r {
		case '"':
			open = !open
		case '\u201c':
			open = true
		case '\u201d':
			open = false
		default:
			continue
		}
		q.marks = append(q.marks, int32(i))
		q.opens = append(q.opens, open)
	}
}

func (q *quoteState) inside(off int) bool {
	i, _ := slices.BinarySearch(q.marks, int32(off))
	return i > 0 && q.opens[i-1]
}
