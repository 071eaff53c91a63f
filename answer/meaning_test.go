package answer_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"storybot/answer"
	"storybot/dense"
)

// conceptEmbedder places a text by whether it speaks of the lighthouse's
// light, in any words (what a word search cannot see), or of an old man,
// whom it places far from the light.
type conceptEmbedder struct {
	mu    sync.Mutex
	asked []string
	err   error
}

func (c *conceptEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked = append(c.asked, texts...)
	if c.err != nil {
		return nil, c.err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		t = strings.ToLower(t)
		switch {
		case strings.Contains(t, "lamp") || strings.Contains(t, "beacon"):
			out[i] = []float32{1, 0}
		case strings.Contains(t, "old man"):
			out[i] = []float32{-1, 0}
		default:
			out[i] = []float32{0, 1}
		}
	}
	return out, nil
}

// meaningEngine is [followUpEngine] with the sentences' vectors of e.
func meaningEngine(t *testing.T, e *conceptEmbedder) *answer.Engine {
	t.Helper()
	c := followUpEngine(t, answer.Options{}).Index().Corpus()
	texts := make([]string, len(c.Sentences))
	docs := make([]int, len(c.Sentences))
	for i, s := range c.Sentences {
		texts[i], docs[i] = s.Text, c.Paragraphs[s.Para].Doc
	}
	tab, err := dense.Build(context.Background(), &conceptEmbedder{}, texts, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return followUpEngine(t, answer.Options{Meaning: tab, Embedder: e})
}

// TestMeaningPassages checks that the sentence nearest a question's
// meaning is among its passages when its words find others; that the
// question is embedded once however often it is asked; and that a
// rewritten question, or one without a vector, has the words' passages
// alone.
func TestMeaningPassages(t *testing.T) {
	ctx := context.Background()
	// "beacon" the village never says; "old man" it says of many.
	q := answer.Question{Text: "Which old man looked after the beacon?"}
	plain, err := followUpEngine(t, answer.Options{}).Passages(ctx, q, 6)
	if err != nil {
		t.Fatal(err)
	}
	if at := tomAt(plain); at != 0 {
		t.Fatalf("the words alone find Tom at %d: the test needs a question they miss him with", at)
	}
	e := &conceptEmbedder{}
	eng := meaningEngine(t, e)
	for range 2 {
		ps, err := eng.Passages(ctx, q, 6)
		if err != nil {
			t.Fatal(err)
		}
		if at := tomAt(ps); at == 0 || len(ps) != 6 {
			t.Errorf("with meaning %d passages, Tom's at %d; want 6 with his", len(ps), at)
		}
	}
	if len(e.asked) != 1 || e.asked[0] != q.Text {
		t.Errorf("embedder asked %q, want the question once", e.asked)
	}
	// A follow-up is embedded with the question before it.
	fq := answer.Question{Text: "What did he eat?", History: []string{"Who kept the lamp?"}}
	if _, err := eng.Passages(ctx, fq, 4); err != nil {
		t.Fatal(err)
	}
	if got := e.asked[len(e.asked)-1]; got != "Who kept the lamp? What did he eat?" {
		t.Errorf("follow-up embedded as %q", got)
	}

	// A rewritten question's passages are the rewrite's and its words'.
	re := &conceptEmbedder{}
	rewritten := meaningEngine(t, re)
	withRewrite := followUpEngine(t, answer.Options{Rewriter: &rewriter{text: "An old man kept watch.\nold man, watch"}})
	rewrittenOpts := rewritten.Options()
	rewrittenOpts.Rewriter = &rewriter{text: "An old man kept watch.\nold man, watch"}
	rewritten = answer.New(rewritten.Index(), rewrittenOpts)
	got, err := rewritten.Passages(ctx, q, 6)
	if err != nil {
		t.Fatal(err)
	}
	want, err := withRewrite.Passages(ctx, q, 6)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if i >= len(got) || got[i].Text != want[i].Text {
			t.Fatalf("rewritten, with meaning: passages %d differ from the rewrite's alone", i+1)
		}
	}
	if len(re.asked) != 0 {
		t.Errorf("a rewritten question was embedded: %q", re.asked)
	}

	failing := meaningEngine(t, &conceptEmbedder{err: errors.New("server down")})
	ps, err := failing.Passages(ctx, q, 6)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ps {
		if ps[i].Text != plain[i].Text {
			t.Errorf("embedder down: passage %d is %q, by words alone %q", i+1, ps[i].Text, plain[i].Text)
		}
	}
}

// TestSetMeaning checks that vectors given to a running engine reach the
// questions asked after, safely while others are answered (go test -race).
func TestSetMeaning(t *testing.T) {
	ctx := context.Background()
	q := answer.Question{Text: "Which old man looked after the beacon?"}
	withVectors := meaningEngine(t, &conceptEmbedder{})
	tab := withVectors.Options().Meaning
	eng := followUpEngine(t, answer.Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if _, err := eng.Passages(ctx, q, 6); err != nil {
					t.Error(err)
				}
			}
		})
	}
	eng.SetMeaning(&conceptEmbedder{}, tab)
	wg.Wait()
	ps, err := eng.Passages(ctx, q, 6)
	if err != nil {
		t.Fatal(err)
	}
	if tomAt(ps) == 0 {
		t.Error("vectors given after the start are not used")
	}
	eng.SetMeaning(nil, nil)
	if ps, _ := eng.Passages(ctx, q, 6); tomAt(ps) != 0 {
		t.Error("vectors taken away are still used")
	}
}

// TestMeaningOfAnotherCorpus checks that vectors of another corpus, as
// when one engine's options make another's, are not used.
func TestMeaningOfAnotherCorpus(t *testing.T) {
	ctx := context.Background()
	village := meaningEngine(t, &conceptEmbedder{})
	story, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	opts := village.Options()
	other := answer.New(story.Index(), opts)
	e := opts.Embedder.(*conceptEmbedder)
	before := len(e.asked)
	if _, err := other.Passages(ctx, answer.Question{Text: "Who kept the lamp?"}, 30); err != nil {
		t.Fatal(err)
	}
	if len(e.asked) != before {
		t.Errorf("an engine over another corpus used the village's vectors")
	}
}
