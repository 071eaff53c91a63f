package answer

import (
	"context"
	"errors"

	"storybot/retrieval"
)

func (e *Engine) modelAnswer(ctx context.Context, q string, history []string, res retrieval.Result, stream func(string)) (Answer, error) {
	return Answer{}, errors.New("model answers are not wired yet")
}
