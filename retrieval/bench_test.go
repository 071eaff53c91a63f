package retrieval

import (
	"runtime"
	"testing"

	"storybot/internal/shareddir"

	"storybot/corpus"
)

// sharedDir returns a path in the shared folder beside the repository, or
// skips when it is absent.
func sharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	p, err := shareddir.Path(elem...)
	if err != nil {
		tb.Skip(err)
	}
	return p
}

// gutenberg loads the nine shared Gutenberg books as one corpus.
func gutenberg(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	c, err := corpus.LoadDir(sharedDir(tb, "corpora", "gutenberg"))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// gutenbergQuestions are realistic questions about the nine books.
var gutenbergQuestions = []string{
	"Who is Mr. Darcy's friend?",
	"What did the White Rabbit take out of its waistcoat-pocket?",
	"Where does Count Dracula live?",
	"Who wrote the letter to Jonathan Harker?",
	"What did Gregor Samsa turn into?",
	"How many sisters does Elizabeth Bennet have?",
	"Who is the captain of the Pequod?",
	"What is the name of the white whale?",
	"Who painted the portrait of Dorian Gray?",
	"Where does Peter Pan live?",
	"What did Tinker Bell drink to save Peter?",
	"Who raised Mowgli in the jungle?",
	"What does Shere Khan want?",
	"Who is Sherlock Holmes's friend and biographer?",
	"What did Irene Adler leave for the King of Bohemia?",
	"How long was Harker kept in the castle?",
	"When did Mr. Bingley come to Netherfield?",
	"Why did Alice cry?",
	"Who threw the harpoon at Moby Dick?",
	"What did Lord Henry give Dorian?",
}

func BenchmarkBuildGutenberg(b *testing.B) {
	dir := sharedDir(b, "corpora", "gutenberg")
	c, err := corpus.LoadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(c.Bytes)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := corpus.LoadDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		NewIndex(c)
	}
	b.ReportMetric(float64(len(c.Sentences)), "sentences")
}

func BenchmarkSearchGutenberg(b *testing.B) {
	ix := NewIndex(gutenberg(b))
	benchSearch(b, ix, gutenbergQuestions)
}

func BenchmarkSearchStory(b *testing.B) {
	ix := NewIndex(loadStory(b))
	benchSearch(b, ix, storyQuestions)
}

// benchSearch cycles through the questions, after one warm-up pass that
// fills the index's candidate cache.
func benchSearch(b *testing.B, ix *Index, questions []string) {
	for _, q := range questions {
		ix.Search(Query{Text: q})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Search(Query{Text: questions[i%len(questions)]})
		i++
	}
}

// BenchmarkMemoryGutenberg reports the heap that one index of the books
// retains, beyond the corpus itself.
func BenchmarkMemoryGutenberg(b *testing.B) {
	c := gutenberg(b)
	var before, after runtime.MemStats
	var total int64
	n := 0
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix := NewIndex(c)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(ix)
		total += int64(after.HeapAlloc) - int64(before.HeapAlloc)
		n++
	}
	b.ReportMetric(float64(total)/float64(n)/(1<<20), "heap-MB")
	b.ReportMetric(float64(len(c.Sentences)), "sentences")
}

// typedQuestions ask for an answer type, so that ranking looks for
// candidates in the sentences it reaches.
var typedQuestions = []string{
	"Who rented Netherfield Park?", "When did the Demeter reach Whitby?", "Where did Lydia's wedding take place?",
	"How many lodgers did the family take in?", "How old is Mr. Collins?", "How much did Mr. Bennet think Wickham was paid?",
	"How long had Jonathan been in the hospital?", "In what year did Ahab lose his leg?", "Who killed Shere Khan?",
	"Where does the Queen of Hearts play croquet?",
}

// BenchmarkTypedCold measures typed questions asked of a fresh index, the
// first questions it gets; BenchmarkTypedWarm the same questions asked
// again.
func BenchmarkTypedCold(b *testing.B) {
	c := gutenberg(b)
	NewIndex(c).Search(Query{Text: typedQuestions[0]}) // the tables, read once a process
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ix := NewIndex(c)
		runtime.GC() // the build's garbage is no query's
		b.StartTimer()
		for _, q := range typedQuestions {
			ix.Search(Query{Text: q, Limit: 8})
		}
	}
}

func BenchmarkTypedWarm(b *testing.B) {
	ix := NewIndex(gutenberg(b))
	for _, q := range typedQuestions {
		ix.Search(Query{Text: q, Limit: 8})
	}
	for b.Loop() {
		for _, q := range typedQuestions {
			ix.Search(Query{Text: q, Limit: 8})
		}
	}
}
