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
	return gutenbergEngineWith(b, answer.Options{})
}

// gutenbergEngineWith is gutenbergEngine with opts.
func gutenbergEngineWith(b *testing.B, opts answer.Options) *answer.Engine {
	b.Helper()
	dir, err := shareddir.Path("corpora", "gutenberg")
	if err != nil {
		b.Skip(err)
	}
	c, err := corpus.LoadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	return answer.New(retrieval.NewIndex(c), opts)
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
		if _, err := eng.Passages(context.Background(), qs[i%len(qs)], 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPassagesRewrite measures the passages a model is given on the
// nine Gutenberg books, for the question alone and with a rewrite (kept
// after its first use, as the engine keeps it): the rewrite's search and
// the interleaving. The model's own time is not in it.
func BenchmarkPassagesRewrite(b *testing.B) {
	qs := []answer.Question{
		{Text: "Where did Wickham try to run off with Darcy's sister?"},
		{Text: "Who painted the portrait of Dorian Gray?"},
		{Text: "What did the White Rabbit take out of its waistcoat-pocket?"},
		{Text: "What did Gregor Samsa turn into?"},
	}
	rw := benchRewriter{
		qs[0].Text: "Mr. Wickham had designed to persuade Georgiana to an elopement at Ramsgate.\nelope, Ramsgate, Georgiana, Mrs. Younge",
		qs[1].Text: "Basil Hallward, the painter, stood before the full-length portrait of the young man.\npainter, Basil Hallward, studio, canvas",
		qs[2].Text: "The Rabbit actually took a watch out of its waistcoat-pocket, and looked at it.\nwatch, waistcoat-pocket, hurried",
		qs[3].Text: "He found himself transformed in his bed into a horrible vermin.\ntransformed, vermin, insect, bed",
	}
	for _, bb := range []struct {
		name string
		opts answer.Options
	}{{"question", answer.Options{}}, {"rewritten", answer.Options{Rewriter: rw}}} {
		b.Run(bb.name, func(b *testing.B) {
			eng := gutenbergEngineWith(b, bb.opts)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := eng.Passages(context.Background(), qs[i%len(qs)], 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchRewriter rewrites the questions it knows.
type benchRewriter map[string]string

func (r benchRewriter) Rewrite(_ context.Context, in answer.RewriteInput) (string, error) {
	return r[in.Question], nil
}
