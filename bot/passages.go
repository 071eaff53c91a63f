package bot

import (
	"context"

	"storybot/answer"
)

// PassagesAt looks passages up as the member who clicked may see them:
// in the book of their server and channel, as far as they have read. A
// [SourceButtons].Passages that implements it is asked through it
// (storybot/bot/library's does).
type PassagesAt interface {
	SourceAt(ctx context.Context, x *Interaction, id string) (answer.Source, error)
}

// source looks a passage of a Sources button up for x.
func (sb SourceButtons) source(ctx context.Context, x *Interaction, id string) (answer.Source, error) {
	if pa, ok := sb.Passages.(PassagesAt); ok {
		return pa.SourceAt(ctx, x, id)
	}
	return sb.Passages.Source(id)
}
