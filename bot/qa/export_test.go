package qa

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"storybot/qa"
)

// RefreshCard is refreshCard, for the tests of package qa_test.
func (p *Plugin) RefreshCard(ctx context.Context, s *discordgo.Session, q qa.Question, open bool) {
	p.refreshCard(ctx, s, q, open)
}
