package library

import (
	"context"

	"storybot/answer"
	"storybot/bot"
	"storybot/library/shelf"
)

// Passages returns what answers the Sources buttons under answers
// ([bot.SourceButtons]): the passages of the server's books, as far as
// the member who clicks has read (later ones, which a spoilers:true
// answer cited, in spoiler markup), and those of the default corpus.
func Passages(sh *shelf.Shelf) bot.Passages { return passages{sh} }

type passages struct{ shelf *shelf.Shelf }

var _ bot.PassagesAt = passages{}

// Source implements [bot.Passages] from the default corpus.
func (ps passages) Source(id string) (answer.Source, error) { return ps.shelf.Default().Source(id) }

// SourceAt implements [bot.PassagesAt].
func (ps passages) SourceAt(ctx context.Context, x *bot.Interaction, id string) (answer.Source, error) {
	return ps.shelf.Source(ctx, reader(x), id, true)
}
