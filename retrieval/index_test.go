package retrieval

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"storybot/seeds"

	"storybot/corpus"
)

// loadStory loads the embedded story.
func loadStory(t testing.TB) *corpus.Corpus {
	t.Helper()
	c, err := corpus.Load(seeds.FS)
	if err != nil {
		t.Fatalf("corpus.Load(seeds.FS): %v", err)
	}
	return c
}

// loadFiles loads a corpus from name, text pairs.
func loadFiles(t testing.TB, files ...string) *corpus.Corpus {
	t.Helper()
	fsys := fstest.MapFS{}
	for i := 0; i+1 < len(files); i += 2 {
		fsys[files[i]] = &fstest.MapFile{Data: []byte(files[i+1])}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatalf("corpus.Load(%v): %v", files, err)
	}
	return c
}

// TestBM25 checks the arithmetic of [Index.BM25] on a corpus small enough
// to score by hand.
//
// Sentences and their non-stop terms (length dl):
//
//	0 "Cat dog dog."             cat dog dog          dl 3
//	1 "Cat bird."                cat bird             dl 2
//	2 "Fish fish fish bird dog." fish×3 bird dog      dl 5
//	3 "Red fish."                red fish             dl 2
//
// N = 4, avgdl = 12/4 = 3. With idf = ln(1 + (N − df + 0.5)/(df + 0.5)):
//
//	df 2 (cat, dog, bird, fish): ln(1 + 2.5/2.5) = ln 2
//	df 1 (red):                  ln(1 + 3.5/1.5) = ln(10/3)
//
// The saturated tf is tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)), with
// k1 = 1.2, b = 0.75, so the length norm k1·(0.25 + 0.75·dl/3) is 0.9 for
// dl 2, 1.2 for dl 3 and 1.8 for dl 5.
func TestBM25(t *testing.T) {
	c := loadFiles(t, "a.txt", "Cat dog dog.\n\nCat bird.\n\nFish fish fish bird dog.\n\nRed fish.\n")
	// Lucene's k1 and b, not DefaultParams, which are being tuned.
	ix := NewIndexParams(c, Params{K1: 1.2, B: 0.75})
	ln2, ln103 := math.Log(2), math.Log(10.0/3)
	tests := []struct {
		query string
		sent  int
		want  float64
	}{
		// dog tf 2, dl 3: 2·2.2/(2+1.2) = 1.375; cat tf 1: 2.2/(1+1.2) = 1.
		{"dog", 0, ln2 * 1.375},
		{"cat dog", 0, ln2 * (1 + 1.375)},
		{"dog dog cat", 0, ln2 * (1 + 1.375)}, // repeated query terms count once
		{"Dogs and the cats?", 0, ln2 * (1 + 1.375)},
		// cat tf 1, dl 2: 2.2/(1+0.9) = 2.2/1.9.
		{"cat", 1, ln2 * 2.2 / 1.9},
		// dl 5: dog tf 1: 2.2/(1+1.8) = 2.2/2.8; fish tf 3: 6.6/(3+1.8) = 1.375.
		{"dog fish", 2, ln2 * (2.2/2.8 + 1.375)},
		{"fish", 2, ln2 * 1.375},
		// red has df 1.
		{"red", 3, ln103 * 2.2 / 1.9},
		{"red fish", 3, ln103*2.2/1.9 + ln2*2.2/1.9},
		// No shared term, unknown terms, stop words only.
		{"bird", 0, 0},
		{"unicorn", 3, 0},
		{"the and of", 0, 0},
	}
	for _, tt := range tests {
		if got := ix.BM25(tt.query, tt.sent); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("BM25(%q, %d) = %.12f, want %.12f", tt.query, tt.sent, got, tt.want)
		}
	}
}

// TestBM25Params checks that BM25 uses the index's k1 and b: with b = 0
// length does not matter, and with k1 = 0 only presence does.
func TestBM25Params(t *testing.T) {
	c := loadFiles(t, "a.txt", "Cat dog dog.\n\nCat bird.\n\nFish fish fish bird dog.\n\nRed fish.\n")
	ln2 := math.Log(2)
	p := Params{K1: 1.2, B: 0}
	ix := NewIndexParams(c, p)
	// tf 3: 3·2.2/(3+1.2); tf 1: 2.2/2.2 = 1.
	if got, want := ix.BM25("fish", 2), ln2*6.6/4.2; math.Abs(got-want) > 1e-9 {
		t.Errorf("b=0: BM25(fish, 2) = %.12f, want %.12f", got, want)
	}
	if got, want := ix.BM25("cat", 1), ln2; math.Abs(got-want) > 1e-9 {
		t.Errorf("b=0: BM25(cat, 1) = %.12f, want %.12f", got, want)
	}
	p.K1 = 0
	ix.SetParams(p)
	if got, want := ix.BM25("fish dog", 2), 2*ln2; math.Abs(got-want) > 1e-9 {
		t.Errorf("k1=0: BM25(fish dog, 2) = %.12f, want %.12f", got, want)
	}
}

// hitTexts returns the sentence texts of a result's hits.
func hitTexts(c *corpus.Corpus, r Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, c.Sentences[h.Sentence].Text)
	}
	return out
}

func TestSearchStory(t *testing.T) {
	c := loadStory(t)
	ix := NewIndex(c)
	tests := []struct {
		q    Query
		typ  AnswerType
		want string // a part of the best hit
	}{
		{Query{Text: "How long did the Presidents speak?"}, TypeDuration, "for two hours"},
		{Query{Text: "Who did Putin invite to the Kremlin?"}, TypePerson, "inviting Marine Le Pen"},
		{Query{Text: "What gas did the Assad regime deploy?"}, TypeNone, "sarin gas"},
		{Query{Text: "What did Macron call a red line?"}, TypeNone, "“red line,”"},
		// A follow-up with no word of its own leans on the conversation.
		{Query{Text: "When did that happen?", History: []string{"Who did the Russian President invite to the Kremlin?"}}, TypeTime, "a month before"},
		{Query{Text: "Where?", History: []string{"What gas did the Assad regime deploy?"}}, TypePlace, "Khan Sheikhun"},
		// "name" only asks for one: the question leans on the conversation
		// ("naming ISIS in particular" is not it).
		{Query{Text: "What's its name?", History: []string{"Is Marine Le Pen's party far-right?"}}, TypeNone, "Front National"},
		// The latest question counts most.
		{Query{Text: "And where was that?", History: []string{"What did Macron call a red line?", "What gas did the Assad regime deploy?"}}, TypePlace, "sarin gas"},
		// "Macron" matches "the French President" by a learnt alias.
		{Query{Text: "What did Macron desire?"}, TypeNone, "expressed his desire"},
	}
	for _, tt := range tests {
		r := ix.Search(tt.q)
		if r.Type != tt.typ {
			t.Errorf("Search(%q).Type = %v, want %v", tt.q.Text, r.Type, tt.typ)
		}
		if len(r.Hits) == 0 {
			t.Errorf("Search(%q, history %q) has no hits, want one with %q", tt.q.Text, tt.q.History, tt.want)
			continue
		}
		if got := c.Sentences[r.Hits[0].Sentence].Text; !strings.Contains(got, tt.want) {
			t.Errorf("Search(%q, history %q) best hit = %q, want one with %q", tt.q.Text, tt.q.History, got, tt.want)
		}
		for i := 1; i < len(r.Hits); i++ {
			if r.Hits[i].Score > r.Hits[i-1].Score {
				t.Errorf("Search(%q) hits out of order: %v", tt.q.Text, r.Hits)
			}
		}
	}
}

func TestSearchHistory(t *testing.T) {
	ix := NewIndex(loadStory(t))
	q := Query{Text: "When did that happen?"}
	if r := ix.Search(q); len(r.Hits) != 0 {
		t.Errorf("Search(%q) without history = %d hits, want none", q.Text, len(r.Hits))
	}
	q.History = []string{"Who did the Russian President invite to the Kremlin?"}
	r := ix.Search(q)
	for _, qt := range r.Terms {
		if !qt.History {
			t.Errorf("Search(%q).Terms has %+v from the question, want only history terms", q.Text, qt)
		}
		if qt.Weight != DefaultParams.HistoryAlone {
			t.Errorf("Search(%q).Terms has %+v, want weight HistoryAlone = %v", q.Text, qt, DefaultParams.HistoryAlone)
		}
	}
	// With a known word of its own, the question's terms weigh 1 and the
	// history's History, halving for each step back.
	q = Query{Text: "Where did Macron go?", History: []string{"Who met Putin?", "What gas did Assad deploy?"}}
	weights := map[string]float64{}
	for _, qt := range ix.Search(q).Terms {
		weights[qt.Term] = qt.Weight
	}
	want := map[string]float64{"macron": 1, "gas": DefaultParams.History, "assad": DefaultParams.History, "deploy": DefaultParams.History,
		"meet": DefaultParams.History / 2, "putin": DefaultParams.History / 2}
	for term, w := range want {
		if math.Abs(weights[term]-w) > 1e-12 {
			t.Errorf("Search(%q, history %q) weight of %q = %v, want %v (all: %v)", q.Text, q.History, term, weights[term], w, weights)
		}
	}
}

func TestAliases(t *testing.T) {
	ix := NewIndex(loadStory(t))
	tests := []struct {
		name string
		want []string
	}{
		{"Macron", []string{"french presid"}},
		{"Emmanuel Macron", []string{"french presid"}},
		{"macron", []string{"french presid"}},
		{"Putin", []string{"russian presid"}},
		{"Vladimir Putin", []string{"russian presid"}},
		{"Assad", nil},
		{"French President", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := ix.Aliases(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("Aliases(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}

	// A title shared by two names is no alias.
	c := loadFiles(t, "a.txt", "Prime Minister Theresa May spoke.\n\nPrime Minister Boris Johnson spoke.\n\nThe Prime Minister resigned.\n")
	ix = NewIndex(c)
	for _, name := range []string{"May", "Johnson"} {
		if got := ix.Aliases(name); got != nil {
			t.Errorf("two prime ministers: Aliases(%q) = %q, want none", name, got)
		}
	}
}

// TestSearchTies checks that equal scores are never ordered by position:
// the same sentences in the other order of documents rank the same.
func TestSearchTies(t *testing.T) {
	texts := []string{"The fox jumps high.", "The fox runs fast.", "The fox sleeps late.", "The fox eats well.", "The fox jumps high."}
	build := func(order []int) *Index {
		var files []string
		for i, k := range order {
			files = append(files, fmt.Sprintf("doc%d.txt", i), texts[k])
		}
		return NewIndex(loadFiles(t, files...))
	}
	forward := build([]int{0, 1, 2, 3, 4})
	backward := build([]int{4, 3, 2, 1, 0})
	rotated := build([]int{2, 3, 4, 0, 1})
	q := Query{Text: "Where is the fox?", Limit: 10}
	want := hitTexts(forward.Corpus(), forward.Search(q))
	if len(want) != len(texts) {
		t.Fatalf("Search(%q) = %q, want all %d sentences", q.Text, want, len(texts))
	}
	for _, ix := range []*Index{backward, rotated} {
		if got := hitTexts(ix.Corpus(), ix.Search(q)); !slices.Equal(got, want) {
			t.Errorf("Search(%q) over documents in another order = %q, want %q", q.Text, got, want)
		}
	}
}

func TestSearchLimit(t *testing.T) {
	ix := NewIndex(loadStory(t))
	tests := []struct {
		limit, want int
	}{{0, 5}, {-1, 5}, {1, 1}, {3, 3}, {100, 12}}
	for _, tt := range tests {
		// Twelve sentences hold "French" or "Russian" or a word of their
		// stems (France, Russia).
		r := ix.Search(Query{Text: "French Russian", Limit: tt.limit})
		if len(r.Hits) != tt.want {
			t.Errorf("Search(Limit %d) = %d hits, want %d", tt.limit, len(r.Hits), tt.want)
		}
	}
	if r := ix.Search(Query{Text: "the of and?"}); len(r.Terms) != 0 || len(r.Hits) != 0 {
		t.Errorf("Search(stop words) = %d terms, %d hits, want none", len(r.Terms), len(r.Hits))
	}
	if r := ix.Search(Query{Text: "zebra quantum"}); len(r.Hits) != 0 {
		t.Errorf("Search(unknown words) = %d hits, want none", len(r.Hits))
	}
}

// TestSearchConcurrent checks under -race that concurrent searches agree
// with serial ones.
func TestSearchConcurrent(t *testing.T) {
	ix := NewIndex(loadStory(t))
	want := map[string][]Hit{}
	for _, q := range storyQuestions {
		want[q] = ix.Search(Query{Text: q}).Hits
	}
	ix = NewIndex(loadStory(t)) // a fresh candidate cache
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range storyQuestions {
				q := storyQuestions[(i+g)%len(storyQuestions)]
				if got := ix.Search(Query{Text: q}).Hits; !slices.Equal(got, want[q]) {
					t.Errorf("concurrent Search(%q) = %v, want %v", q, got, want[q])
				}
			}
		}()
	}
	wg.Wait()
}

// storyQuestions are realistic questions about the story.
var storyQuestions = []string{
	"Where did Macron meet Putin?",
	"Who did Macron meet at Versailles?",
	"How long did the Presidents speak?",
	"What did Macron call the use of chemical weapons?",
	"What would France do if chemical weapons were used in Syria?",
	"Who did Putin invite to the Kremlin?",
	"When did Putin invite Marine Le Pen to the Kremlin?",
	"What gas did the Assad regime deploy?",
	"Where was sarin gas used?",
	"How did the United States respond to the attack?",
	"What does Macron think of failed states?",
	"What did Macron blame Russia for?",
	"Which party does Marine Le Pen lead?",
	"What did the French President hope for?",
	"What group did Macron name in particular?",
	"How should the Syrian peace process happen?",
}

func TestWordNetTable(t *testing.T) {
	wn := wordnet()
	if len(wn) < 20000 {
		t.Fatalf("wordnet table has %d terms, want the whole generated table", len(wn))
	}
	tests := []struct {
		term, related string
		derived       bool
	}{
		{"respond", "respons", true},
		{"respons", "respond", true},
		{"talk", "speak", false},
		{"describ", "depict", false},
	}
	for _, tt := range tests {
		r := wn[tt.term]
		list := r.synonyms
		if tt.derived {
			list = r.derived
		}
		if !slices.Contains(list, tt.related) {
			t.Errorf("wordnet()[%q] = %+v, want %q among its %s", tt.term, r, tt.related, map[bool]string{true: "derived terms", false: "synonyms"}[tt.derived])
		}
	}
}

// TestSearchMeaningWords checks that words which change what a question
// asks ("against", "not") count in the ranking.
func TestSearchMeaningWords(t *testing.T) {
	c := loadFiles(t, "a.txt", "Gaul fought for Rome in the war.\n\nCarthage fought against Rome in the war.\n\n"+
		"The senate did approve the treaty.\n\nThe king did not approve the treaty.\n")
	ix := NewIndex(c)
	for _, tt := range []struct{ q, want string }{
		{"Who fought against Rome in the war?", "Carthage fought against Rome in the war."},
		{"Who did not approve the treaty?", "The king did not approve the treaty."},
	} {
		r := ix.Search(Query{Text: tt.q})
		if len(r.Hits) == 0 || c.Sentences[r.Hits[0].Sentence].Text != tt.want {
			t.Errorf("Search(%q) = %q, want %q first", tt.q, hitTexts(c, r), tt.want)
		}
	}
}

// TestTieBefore checks that ties between equal texts fall as the sentence
// IDs compare as strings ("a/10/1" before "a/2/1", "a-b/1/1" before "a/1/1").
func TestTieBefore(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"a.txt", "a-b.txt", "ab.txt", "a/x.txt"} {
		var b strings.Builder
		for i := 0; i < 12; i++ {
			b.WriteString("Same words here. Other words.\n\n")
		}
		fsys[name] = &fstest.MapFile{Data: []byte(b.String())}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	for a := range c.Sentences {
		for b := range c.Sentences {
			if ix.tieKey[a] != ix.tieKey[b] {
				continue
			}
			if got, want := ix.tieBefore(a, b), c.SentenceID(a) < c.SentenceID(b); got != want {
				t.Fatalf("tieBefore(%s, %s) = %v, want %v", c.SentenceID(a), c.SentenceID(b), got, want)
			}
		}
	}
}

// TestSearchHyponyms checks that a question word the text never uses finds
// a kind of it the text does ("vote": "election"), and only with
// Params.Hyponym.
func TestSearchHyponyms(t *testing.T) {
	c := loadFiles(t, "a.txt", "The weather in Paris was fine that spring.\n\nThere was tension in Paris over the election.\n")
	q := "Why was Paris angry about the vote?"
	want := "There was tension in Paris over the election."
	for _, tt := range []struct {
		hyponym float64
		first   bool
	}{{DefaultParams.Hyponym, true}, {0, false}} {
		p := DefaultParams
		p.Hyponym = tt.hyponym
		ix := NewIndexParams(c, p)
		r := ix.Search(Query{Text: q})
		first := len(r.Hits) > 1 && c.Sentences[r.Hits[0].Sentence].Text == want && r.Hits[0].Score > r.Hits[1].Score
		if first != tt.first {
			t.Errorf("Hyponym %.1f: Search(%q) = %q; %q first and ahead: %v, want %v", tt.hyponym, q, hitTexts(c, r), want, first, tt.first)
		}
	}
}

// TestBook checks which corpora read as books for the rules of books: a
// long one, or a short one in chapters; not the story, nor a short text
// in sections or in headings that only name.
func TestBook(t *testing.T) {
	line := "Esther went in unto the king. The king loved her above all the women.\n\n"
	chapters := func(heading string, n, lines int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, heading+"\n\n%s", i, strings.Repeat(line, lines))
		}
		return b.String()
	}
	for _, tt := range []struct {
		name, text string
		want       bool
	}{
		{"ten chapters", chapters("CHAPTER %d", 10, 20), true},
		{"ten short chapters", chapters("CHAPTER %d", 10, 2), false},
		{"two chapters", chapters("CHAPTER %d", 2, 100), false},
		{"sections", chapters("Section %d", 10, 20), false},
		{"no headings", strings.Repeat(line, 200), false},
		{"long", strings.Repeat("The king loved her above all the women in the land. ", 1600), true},
	} {
		c, err := corpus.Load(fstest.MapFS{"book.txt": {Data: []byte(tt.text)}})
		if err != nil {
			t.Fatal(err)
		}
		if got := NewIndex(c).Book(); got != tt.want {
			t.Errorf("%s: Book() = %v, want %v", tt.name, got, tt.want)
		}
	}
	if NewIndex(loadStory(t)).Book() {
		t.Error("the story reads as a book")
	}
}

// TestNarrative checks the genre a text without chapters and shorter than
// half a book is read as: a story told (dialogue, a narrator, no figures)
// or an article.
func TestNarrative(t *testing.T) {
	story := strings.Repeat(`"I will find you," said the mongoose. He ran into the garden, and we watched him go. `, 120)
	article := strings.Repeat("The tower was built in 1889 and is 330 metres tall. It was the tallest structure in the world until 1930. ", 100)
	interview := strings.Repeat(`"We will win," the president said on 7 May 2017, when 66 percent voted for him. `, 120)
	for _, tt := range []struct {
		name, text string
		want       bool
	}{
		{"story", story, true},
		{"short story", story[:len(story)/20], false},
		{"article", article, false},
		{"interview with figures", interview, false},
	} {
		c, err := corpus.Load(fstest.MapFS{"text.txt": {Data: []byte(tt.text)}})
		if err != nil {
			t.Fatal(err)
		}
		if got := NewIndex(c).Book(); got != tt.want {
			t.Errorf("%s: Book() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
