package retrieval

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"storybot/corpus"
)

// mentionIndex indexes testdata/mentions/book.txtar.
func mentionIndex(t *testing.T) *Index {
	t.Helper()
	a, err := txtar.ParseFile("testdata/mentions/book.txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range a.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return NewIndex(c)
}

// resolvedTerms lists the terms resolved for a sentence, sorted.
func resolvedTerms(ix *Index, sent int) []string {
	var out []string
	for id, ss := range ix.resolved {
		if _, ok := slices.BinarySearch(ss, int32(sent)); ok {
			out = append(out, ix.terms[id])
		}
	}
	slices.Sort(out)
	return out
}

func TestResolveMentions(t *testing.T) {
	ix := mentionIndex(t)
	find := func(prefix string) int {
		t.Helper()
		for i, s := range ix.corpus.Sentences {
			if strings.HasPrefix(s.Text, prefix) {
				return i
			}
		}
		t.Fatalf("no sentence starts with %q", prefix)
		return -1
	}
	for _, tt := range []struct {
		sentence string
		want     []string
	}{
		// A pronoun stands for the person of its gender named last.
		{"She bought bread", []string{"elizabeth"}},
		{"He was a tall", []string{"collin", "mr"}},
		{"His manners", []string{"collin", "mr"}},
		// Two persons of different genders: each pronoun finds its own.
		{"She smiled at him", []string{"collin", "elizabeth", "mr"}},
		// The first person inside quotes is the speaker the paragraph names.
		{`"I am not one-and-twenty,"`, nil}, // the sentence names her already
		{`"I am younger`, []string{"elizabeth"}},
		// A name already in the sentence is not added again.
		{"Elizabeth met Mr. Collins", nil},
		// "It" is no person; "he" too far from any man stays unresolved.
		{"It fell all night", nil},
		{"Then he came home", nil},
		// The first person of a diary is its narrator; a "continued"
		// header also covers the unheaded text before it.
		{"I slept badly", []string{"harker", "jonathan"}},
		{"My room was cold", []string{"harker", "jonathan"}},
		{"I left Munich", []string{"harker", "jonathan"}},
		// A name that mostly stands after "in", "at", "to"… is a place,
		// whatever pronoun follows it.
		{"Whitby was grey", nil},
		{"Whitby lay by the sea", nil},
		// "in the Pacific" counts too: the Pacific is a place, no "she".
		{"She was deep", nil},
		// A role after a determiner or a possessive is someone: the
		// pronoun after it means them, not the woman named before
		// ("her sister" is not Mrs. Gardiner); a plural is no one, and
		// "his" after "Mrs. Gardiner's father" is the father, unnamed.
		{"She was still a child", nil},
		{"She wrote every week", []string{"gardin", "mrs"}},
		{"He lay in bed", nil},
		// A role before the name it gives is that name's.
		{"She was tired", []string{"charlott"}},
		// A title alone is the person the corpus gives it to, and a
		// pronoun after it is them too; a title several share is no one.
		{"The Count smiled", []string{"ravel"}},
		{"He climbed down", []string{"ravel"}},
		{"The Professor said", nil}, // three of five Professors are Adams
		// A line of dialogue that names no speaker is the reply of the
		// other person who spoke last; a person the narration names is
		// not taken for a speaker.
		{`"Then I shall ask`, []string{"ann"}},
		{`"I have nothing to say`, []string{"hale", "mr"}},
		{`"I shall go too`, nil},
		// The subject of the narration is in the dialogue; a person it
		// names after the subject is what the talk is about; a chapter
		// starts a new one.
		{`"I will stand here`, []string{"grey", "ladi"}},
		{`"I do not know`, nil},
		// A parent is Mr. or Mrs. and the family name of the child's
		// first name, when the book has them; Mr. Reed's mother is no Mrs.
		// Reed.
		// A speaker says each quoted sentence of their line.
		{`"The sun is coming out`, []string{"black", "mr"}},
		// Narration that goes on to speech without naming a speaker: the
		// subject speaks.
		{"The roses are out", []string{"grey", "ladi"}},
		{"Tom sat up", []string{"mr", "reed"}},
		{"Mr. Reed's mother", nil},
		// A header that a chapter's heading holds as its name names the
		// narrator too, by the words of the name the text uses.
		{"I walked on the cliffs", []string{"luci"}},
	} {
		s := find(tt.sentence)
		if got := resolvedTerms(ix, s); !slices.Equal(got, tt.want) {
			t.Errorf("resolved(%q) = %q, want %q", ix.corpus.Sentences[s].Text, got, tt.want)
		}
	}
	// The gender of each was learnt from the text; a place has none.
	for name, want := range map[string]uint8{"elizabeth": genderFemale, "collin": genderMale} {
		if got := ix.persons[ix.vocab[name]]; got != want {
			t.Errorf("gender of %s = %d, want %d", name, got, want)
		}
	}
	if g, ok := ix.persons[ix.vocab["whitbi"]]; ok {
		t.Errorf("Whitby is taken for a person (gender %d)", g)
	}
	// A capital that opens a quotation inside a sentence makes no name.
	if g, ok := ix.persons[ix.vocab["no"]]; ok {
		t.Errorf("\"No\" is taken for a person (gender %d)", g)
	}
}

func TestQuoteState(t *testing.T) {
	var q quoteState
	text := `"Yes," said she. “No,” he replied, "never."`
	q.reset(text)
	for _, tt := range []struct {
		at   string
		want bool
	}{{"Yes", true}, {"said", false}, {"No", true}, {"replied", false}, {"never", true}} {
		if got := q.inside(strings.Index(text, tt.at)); got != tt.want {
			t.Errorf("inside(%q) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

// TestFittingSpans checks that in a book a who-answer is no place's name
// and a where-answer no person's, nor a possessive or, for a city, a
// street.
func TestFittingSpans(t *testing.T) {
	ix := mentionIndex(t)
	ix.long, ix.book = 1, true // read it as a book
	find := func(prefix string) int {
		t.Helper()
		for i, s := range ix.corpus.Sentences {
			if strings.HasPrefix(s.Text, prefix) {
				return i
			}
		}
		t.Fatalf("no sentence starts with %q", prefix)
		return -1
	}
	for _, tt := range []struct {
		question, sentence, want string
	}{
		{"Who lived by the sea?", "Whitby lay by the sea", ""},
		// A name WordNet knows only as a place's, never a person's here.
		{"Who did the murder?", "A summons came to Odessa", ""},
		{"Who came to dinner?", "Mr. Collins came to dinner", "Mr. Collins"},
		{"Where did Mina live?", "Mina lived in Whitby", "Whitby"},
		{"Where did the boats come?", "The boats came to Whitby", "Whitby"},
		// A relation names no one.
		{"Who shut the door?", "Her father shut the door", ""},
		// An age is that of the person named last before it, with the
		// same title, or of the noun right after it.
		{"How old is Miss Bingley?", "Miss Bingley was painted", "eight years old"},
		{"How old is Mr. Bingley?", "Miss Bingley was painted", ""},
		{"What ages were the daughters?", "The wedding had been", ""},
		{"How old was Charlotte?", "The wedding had been", "sixteen"},
		{"How old is Elizabeth?", "The sixteen year old maid", ""},
		{"How old is the maid?", "The sixteen year old maid", "sixteen year old"},
		// "Charlotte's sister… ten" is the sister's age.
		{"How old is Charlotte?", "At the feast", ""},
		// No vague length or count, nor a "one" that counts nothing asked.
		{"How long did they stay at Longbourn?", "They stayed at Longbourn", ""},
		{"How long did they stay at Pemberley?", "They stayed at Pemberley", "four years"},
		{"How many boxes were in the chapel?", "Of one thing", ""},
		// "What time" asks for a time of day.
		{"What time was the alarm set for?", "The alarm was set", "four o'clock"},
		{"What time did the bell ring?", "The bell rang", ""},
		{"When did the bell ring?", "The bell rang", "Sunday"},
		// A length of time is no point in it: "till one night".
		{"How long was the tiger kept in the cage?", "The tiger was kept", ""},
		{"How long was the wolf kept in the cage?", "The wolf", "one night"},
		// A time that only repeats the question's words.
		{"At what time did the beds come down each evening?", "The beds came down", ""},
		// A letter alone is no name.
		{"What is the name of Mina's brother?", "\"O mouse", ""},
		// No age of a thing ("four-year-old drama"), no time of day
		// ("before three"), no part ("in two"); "one after the other"
		// counts nothing; years are no amount "how much" asks for.
		{"How old is Lord Simon?", "Lord Simon forgot", ""},
		{"How old is Lord Simon?", "Mina promised Lord Simon", ""},
		{"How old is Lord Simon?", "The herd of Lord Simon", ""},
		{"How many buffaloes did Mina look after?", "The buffaloes came", ""},
		{"How much did her father leave Mina?", "Her father died", ""},
		// "the year" is no length; a number counts what follows it, and
		// that must be what "how many" counts (or a kind of it); "how
		// much" counts no persons.
		{"How long did the whaling house stand?", "The whaling house", ""},
		{"How many pictures did Dorian read?", "Dorian read the", ""},
		{"How many copies did Dorian keep?", "Dorian kept nine", "nine"},
		{"How many earth-boxes did they find?", "They found eight", "eight"},
		{"How much did the captain die with?", "The captain had died", ""},
		// "the March Hare" names no month; a name after "out of" is a
		// place's.
		{"What month did the Hare say it was?", "The March Hare said", "May"},
		{"Who brought Kerick out?", "The king brought Kerick", ""},
		// "How much" asks for an amount, not a count of things.
		{"How much did Mr. Clay work for?", "Mr. Clay had one or two", ""},
		{"How much did Mr. Clay work for?", "Mr. Clay worked for", "fifty"},
		{"How long did the voyage last?", "One voyage ended", ""},
		{"How long did the whale dive?", "The whale dived", "a second"},
		// "How many more years": years are counted, not "more".
		{"How many more years did Gregor need?", "Gregor needed another", "six"},
		// A number written for a group named before ("one of the
		// seven;") counts nothing "how many" asks for.
		{"How many daughters did Philip have?", "The next day we came", ""},
		{"How many daughters did Philip have?", "And the same man had four", "four"},
		// A first name is one word: no regiment.
		{"What was Major-General Stoner's first name?", "He married the young widow", ""},
		{"What was her sister's first name?", "Her sister, whose name", "Julia"},
		// A name is no word that opens a sentence or a quotation, nor
		// one written in capitals, that the book writes in lower case.
		{"What is the name of the cat?", "Now the cat", ""},
		{"What is the name of Mina's cat?", "Mina cried", ""},
		{"What is the name of Mina's cat?", "The cat was called", "Tibbles"},
		{"What is the name of the clerk?", "The clerk called", ""},
		// Nor one after a comma, where the King James Bible opens
		// speech without quotation marks; nor a place for a person's
		// name ("mount Ephraim").
		{"What was the name of the damsel?", "The king said unto the damsel", ""},
		{"What was the name of the old man?", "The old man came out", ""},
		{"What was the name of the major?", "The major married", "Julia"},
		{"What was the name of the captain?", "The captain came home", ""},
		// Not the owner of the one asked about, unless "whose"; no word
		// of address alone.
		{"Who was the lawyer?", "The lawyer was", ""},
		{"Whose friend was the lawyer?", "The lawyer was", "Tibbles's"},
		{"Who was the judge?", "\"Sir,\" said", ""},
		// No age in an hour struck, a table laid, old men counted, a
		// count's range or counting.
		{"How old was Basil?", "When the clock struck", ""},
		{"How old was Basil?", "The table was laid", ""},
		{"How old was Basil?", "Basil heard three", ""},
		{"How old was Basil?", "Basil sang a song", ""},
		{"How old was Basil?", "Basil counted", ""},
		{"How old was Basil?", "Basil was five", "five-and-twenty"},
		// A where-answer names a place in particular.
		{"Where did the fox stand?", "The fox stood", ""},
		{"Where did the fox go?", "The fox went", "Whitby"},
		// "A girl of fourteen" is not the son's age.
		{"How old was the squire's son?", "A girl of fourteen", ""},
		{"How old was the squire's daughter?", "A girl of fourteen", "fourteen"},
		{"How old was the girl?", "A girl of fourteen", "fourteen"},
		{"How old was she?", "A girl of fourteen", "fourteen"},
		// "…since he was four" is not a sister's age, nor "Darcy's" a
		// man's when the question asks about his sister.
		{"How old was the squire's sister?", "The squire's steward", ""},
		{"How old was Mr. Collins's little sister?", "The squire's steward", ""},
		{"How old was the squire's son?", "The squire's steward", "four years old"},
		{"How old was the steward's master?", "The squire's steward", "four years old"},
		// "ten years old" is an age, no length; "thirty minutes" no
		// weight; "the Second" no one's name.
		{"How long did the boy ride?", "The keeper's boy", ""},
		{"How old was the keeper's boy?", "The keeper's boy", "ten years old"},
		{"How heavy was Kerick?", "Kerick waited", ""},
		{"How many minutes did Kerick wait?", "Kerick waited", "thirty"},
		// "How many did they slay?" counts the slain, not "one day".
		{"How many did the Jews slay?", "The Jews slew their", ""},
		{"How many did the Jews slay?", "And the Jews slew", "three hundred"},
		{"Who did he read of?", "He read of Paul", "Paul"},
		{"Who was crowned?", "The king was", ""},
		{"Which friend was crowned?", "The king was", ""},
		// A month or a season for "what time of year", "which month".
		{"At what time of year did the geese come back?", "The geese came back", ""},
		{"In which month did the swallows come back?", "The swallows came back", "March"},
		// "a month after the fall" is a point in time, "for three months
		// after that night" a length.
		{"How long did the wound take to heal?", "The wound healed", ""},
		{"How long did the fox hide?", "For three months", "three months"},
		// Ages and numbers as old books write them: "an hundred and
		// ten", "fourscore and three", "nine hundred sixty and nine";
		// never "ten years old" out of "an hundred and ten years old".
		{"How old was Kerick when he died?", "So Kerick died", "an hundred and ten years old"},
		{"How old was Charlotte when they came?", "And Mr. Collins was fourscore", "fourscore and three years old"},
		{"How old was Mr. Collins when they came?", "And Mr. Collins was fourscore", "fourscore years old"},
		{"How many years did Kerick live?", "All the days of Kerick", "nine hundred sixty and nine"},
		// The age asked is that of the one after "how old was".
		{"How old was Mr. Collins when he married Charlotte?", "And Mr. Collins was forty", "forty years old"},
		{"How old was Charlotte when she married Mr. Collins?", "And Mr. Collins was forty", ""},
		// A word of a name is no colour, nor is a word a colour only by
		// its stem ("temperament", "tempera").
		{"What colour were Mr. Gray's eyes?", "The eyes of Mr. Gray", ""},
		{"What colour were Mr. Gray's eyes?", "Mr. Gray had frank blue", "blue"},
	} {
		q := ix.analyzeQuestion(Query{Text: tt.question})
		got := ""
		if sp, ok := ix.AnswerSpan(find(tt.sentence), &q); ok {
			got = ix.corpus.Sentences[find(tt.sentence)].Text[sp.Start:sp.End]
		}
		if got != tt.want {
			t.Errorf("%q in %q: span %q, want %q", tt.question, tt.sentence, got, tt.want)
		}
	}
	if !streetName("Charlottenstrasse") || !streetName("Baker Street") || streetName("Prague") {
		t.Error("streetName")
	}
}

func TestOpensClause(t *testing.T) {
	for _, tt := range []struct {
		text, word string
		want       bool
	}{
		{`No, never.`, "No", true},
		{`He said, "No, never."`, "No", true},
		{`He said, “Yet it moves.”`, "Yet", true},
		{`One thing: Yes.`, "Yes", true},
		{`It was--Then he left.`, "Then", true},
		{`She met Elizabeth there.`, "Elizabeth", false},
		{`"Go," Elizabeth said.`, "Elizabeth", false},
		{`“Go,” Elizabeth said.`, "Elizabeth", false},
		{`the Bennets' Lizzy`, "Lizzy", false},
	} {
		if got := opensClause(tt.text, strings.Index(tt.text, tt.word)); got != tt.want {
			t.Errorf("opensClause(%q, %q) = %v, want %v", tt.text, tt.word, got, tt.want)
		}
	}
}

func TestFamilyRelative(t *testing.T) {
	const (
		mr, mrs, miss                 = 1, 2, 3
		father, mother, husband, wife = 10, 11, 12, 13
		sister                        = 14
		tom, lydia, anne              = 20, 21, 22
		reed, bennet                  = 30, 31
	)
	f := &families{
		titleIDs: map[int32]uint8{mr: genderMale, mrs: genderFemale, miss: genderFemale},
		surname:  map[int32]int32{tom: reed, lydia: bennet},
		titled:   map[[2]int32]bool{{mr, reed}: true, {mrs, reed}: true, {mr, bennet}: true, {mrs, bennet}: true},
		roles:    map[int32]int32{father: mr, mother: mrs, husband: mr, wife: mrs},
		spouse:   map[int32]bool{husband: true, wife: true},
		parents:  map[int32]bool{mr: true, mrs: true},
		names:    map[[2]int32][]int32{},
	}
	for _, tt := range []struct {
		name string
		of   []int32
		role int32
		want []int32 // nil: no one
	}{
		{"Tom's father", []int32{tom}, father, []int32{mr, reed}},
		{"Tom's mother", []int32{tom}, mother, []int32{mrs, reed}},
		{"Miss Bennet's father", []int32{miss, bennet}, father, []int32{mr, bennet}},
		{"Mrs. Bennet's husband", []int32{mrs, bennet}, husband, []int32{mr, bennet}},
		{"Mr. Bennet's wife", []int32{mr, bennet}, wife, []int32{mrs, bennet}},
		{"Lydia's husband is not Mr. Bennet", []int32{lydia}, husband, nil},
		{"Mr. Bennet's mother is not Mrs. Bennet", []int32{mr, bennet}, mother, nil},
		{"Mrs. Reed's husband, the book has him", []int32{mrs, reed}, husband, []int32{mr, reed}},
		{"Anne has no family name", []int32{anne}, father, nil},
		{"a sister is no Mr. or Mrs.", []int32{tom}, sister, nil},
	} {
		p, ok := f.relative(person{terms: tt.of}, tt.role, genderAny)
		if ok != (tt.want != nil) || ok && !slices.Equal(p.terms, tt.want) {
			t.Errorf("%s: relative = %v, %v; want %v", tt.name, p.terms, ok, tt.want)
		}
	}
}
