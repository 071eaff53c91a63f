package answer_test

import (
	"context"
	"testing"

	"storybot/answer"
	"storybot/corpus"
	"storybot/internal/shareddir"
	"storybot/retrieval"
)

var storyQuestions = []string{
	"Where did the two presidents have lunch?",
	"What gas was used in the attack on Khan Sheikhun?",
	"Who leads France's far-right nationalist party?",
	"How long did the lunch last?",
	"What did the United States launch against Assad?",
	"What would France exhibit if a party crossed the line?",
	"How old is Macron?",
	"Who won the football World Cup?",
}

// BenchmarkAnswerStory measures the whole keyword answer path on the
// built-in story: cleaning, search, choosing, quoting, citing.
func BenchmarkAnswerStory(b *testing.B) {
	eng, err := answer.Story()
	if err != nil {
		b.Fatal(err)
	}
	benchAnswers(b, eng, storyQuestions)
}

// BenchmarkAnswerGutenberg measures it on the nine shared Gutenberg books
// loaded as one corpus.
func BenchmarkAnswerGutenberg(b *testing.B) {
	benchAnswers(b, gutenbergEngine(b), []string{
		"Who is Mr. Darcy's friend?", "What did the White Rabbit take out of its waistcoat-pocket?",
		"Where does Count Dracula live?", "What did Gregor Samsa turn into?", "Who is the captain of the Pequod?",
		"Who painted the portrait of Dorian Gray?", "Who raised Mowgli in the jungle?", "How many sisters does Elizabeth Bennet have?",
	})
}

// gutenbergEngine is the engine over the nine shared Gutenberg books
// loaded as one corpus; without ../shared the benchmark is skipped.
func gutenbergEngine(b *testing.B) *answer.Engine {
	b.Helper()
	dir, err := shareddir.Path("corpora", "gutenberg")
	if err != nil {
		b.Skip(err)
	}
	c, err := corpus.LoadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	return answer.New(retrieval.NewIndex(c), answer.Options{})
}

func benchAnswers(b *testing.B, eng *answer.Engine, qs []string) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := eng.Answer(ctx, answer.Question{Text: qs[i%len(qs)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPassagesFollowUp measures the passages a model is given for a
// follow-up on the nine Gutenberg books: its own search and the previous
// question's.
func BenchmarkPassagesFollowUp(b *testing.B) {
	eng := gutenbergEngine(b)
	qs := []answer.Question{
		{Text: "How old was she then?", History: []string{"Where did Wickham try to run off with Darcy's sister?"}},
		{Text: "What did he do next?", History: []string{"Who painted the portrait of Dorian Gray?"}},
		{Text: "Where was it kept?", History: []string{"What did the White Rabbit take out of its waistcoat-pocket?"}},
		{Text: "And how long did it take?", History: []string{"What did Gregor Samsa turn into?"}},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := eng.Passages(qs[i%len(qs)], 0); err != nil {
			b.Fatal(err)
		}
	}
}
