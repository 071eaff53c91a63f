package answertest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"storybot/answer"
	"storybot/answer/answertest"
	"storybot/corpus"
	"storybot/retrieval"
	"storybot/seeds"
)

func storyEngine(t *testing.T, g answer.Generator) *answer.Engine {
	t.Helper()
	c, err := corpus.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	return answer.New(retrieval.NewIndex(c), answer.Options{Generator: g})
}

func TestGeneratorThroughEngine(t *testing.T) {
	tests := []struct {
		name      string
		reply     func(answer.GenerateInput) (string, error)
		wantMode  answer.Mode
		wantFound bool
		want      string
	}{
		{name: "default quote", wantMode: answer.ModeLLM, wantFound: true, want: "[1]"},
		{name: "no answer", reply: func(answer.GenerateInput) (string, error) { return "The passages do not answer this question.", nil },
			wantMode: answer.ModeLLM, wantFound: false, want: "doesn't say"},
		{name: "failure falls back", reply: func(answer.GenerateInput) (string, error) { return "", errors.New("boom") },
			wantMode: answer.ModeFallback, wantFound: true, want: "**two hours**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &answertest.Generator{Reply: tt.reply}
			eng := storyEngine(t, g)
			var streamed []string
			a, err := eng.Answer(context.Background(), answer.Question{Text: "How long did the presidents talk over lunch?",
				Stream: func(p string) { streamed = append(streamed, p) }})
			if err != nil {
				t.Fatal(err)
			}
			if a.Mode != tt.wantMode || a.Found != tt.wantFound || !strings.Contains(a.Text, tt.want) {
				t.Errorf("Answer = mode %q found %v %q, want mode %q found %v holding %q", a.Mode, a.Found, a.Text, tt.wantMode, tt.wantFound, tt.want)
			}
			calls := g.Calls()
			if len(calls) != 1 || len(calls[0].Passages) == 0 {
				t.Fatalf("generator called %d times with %v, want once with passages", len(calls), calls)
			}
			if tt.wantMode == answer.ModeLLM && tt.wantFound {
				if len(streamed) < 2 {
					t.Errorf("streamed %q, want several parts", streamed)
				}
				for i := 1; i < len(streamed); i++ {
					if !strings.HasPrefix(streamed[i], streamed[i-1]) {
						t.Errorf("streamed part %q does not extend %q", streamed[i], streamed[i-1])
					}
				}
				for _, c := range a.Citations {
					if !strings.Contains(c.Text, "two hours") {
						t.Errorf("citation %q does not hold the quoted passage", c.Text)
					}
				}
			}
		})
	}
}

func TestGeneratorCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := &answertest.Generator{}
	if _, err := g.Generate(ctx, answer.GenerateInput{Question: "q"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate after cancel = %v, want context.Canceled", err)
	}
}

func TestQuote(t *testing.T) {
	in := answer.GenerateInput{Question: "Where did the presidents meet?", Passages: []answer.Passage{
		{N: 1, Text: "It rained. Nobody came."},
		{N: 2, Text: "The presidents met at Versailles. Then they ate."},
	}}
	if got, want := answertest.Quote(in), `The story says: "The presidents met at Versailles." [2]`; got != want {
		t.Errorf("Quote = %q, want %q", got, want)
	}
	in.Question = "Why?"
	if got := answertest.Quote(in); got != "The passages do not answer this question." {
		t.Errorf("Quote with no shared word = %q, want the no-answer sentence", got)
	}
}
