// Package answertest provides a deterministic [answer.Generator] for tests:
// it answers from the passages it is given, without a model or a network.
package answertest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"storybot/answer"
	"storybot/cite"
)

// Generator is a fake model. By default it quotes the first sentence of the
// first passage that holds a word of the question and cites it; Reply, when
// set, writes the answer instead. Each call is recorded. The zero value is
// ready to use and safe for concurrent use.
type Generator struct {
	// Reply, when not nil, writes the answer to in; an error fails the call.
	Reply func(in answer.GenerateInput) (string, error)
	// Chunk is how many bytes each streamed delta holds; 0 means 8.
	Chunk int

	mu    sync.Mutex
	calls []answer.GenerateInput
}

var _ answer.Generator = (*Generator)(nil)

// Generate implements [answer.Generator]. It honours ctx between deltas.
func (g *Generator) Generate(ctx context.Context, in answer.GenerateInput, onDelta func(string)) (string, error) {
	g.mu.Lock()
	g.calls = append(g.calls, in)
	g.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var text string
	if g.Reply != nil {
		var err error
		if text, err = g.Reply(in); err != nil {
			return "", err
		}
	} else {
		text = Quote(in)
	}
	if onDelta != nil {
		n := g.Chunk
		if n <= 0 {
			n = 8
		}
		for i := 0; i < len(text); i += n {
			if err := ctx.Err(); err != nil {
				return "", err
			}
			onDelta(text[i:min(i+n, len(text))])
		}
	}
	return text, nil
}

// Calls returns the inputs of every call so far, oldest first.
func (g *Generator) Calls() []answer.GenerateInput {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]answer.GenerateInput(nil), g.calls...)
}

// Quote is the default reply: the passage holding most words of the
// question (the first on a tie), quoted up to its first full stop and cited;
// [cite.NoAnswer] when no passage holds any.
func Quote(in answer.GenerateInput) string {
	words := strings.Fields(strings.ToLower(in.Question))
	best, bestN := -1, 0
	for i, p := range in.Passages {
		lp := strings.ToLower(p.Text)
		n := 0
		for _, w := range words {
			if w = strings.Trim(w, "?.,!;:'\""); len(w) > 3 && strings.Contains(lp, w) {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	if best < 0 {
		return cite.NoAnswer
	}
	p := in.Passages[best]
	s := p.Text
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return fmt.Sprintf("The story says: \"%s\" [%d]", s, p.N)
}
