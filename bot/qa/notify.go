package qa

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/qa"
)

// followupWindow is how long after a submission its interaction token
// still takes a follow-up: Discord allows 15 minutes; keep a margin.
const followupWindow = 14 * time.Minute

// maxRemembered bounds the submissions and notes kept in memory.
const maxRemembered = 10000

// notices delivers rejection reasons privately: as a follow-up to the
// asker's submission while its token is valid, else by direct message, else
// (for askers who take no direct messages) on their next interaction with
// the package. It lives in memory only.
type notices struct {
	mu      sync.Mutex
	asked   map[int64]asked     // question ID → the submission
	pending map[string][]string // guild/user → notes not yet shown
}

type asked struct {
	i  *discordgo.Interaction
	at time.Time
}

func newNotices() *notices {
	return &notices{asked: map[int64]asked{}, pending: map[string][]string{}}
}

// remember keeps the interaction that submitted question id.
func (n *notices) remember(id int64, i *discordgo.Interaction) {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := time.Now()
	if len(n.asked) >= maxRemembered {
		for k, a := range n.asked {
			if now.Sub(a.at) > followupWindow {
				delete(n.asked, k)
			}
		}
	}
	if len(n.asked) < maxRemembered {
		n.asked[id] = asked{i: i, at: now}
	}
}

// submission returns the interaction that submitted question id while a
// follow-up to it is still possible.
func (n *notices) submission(id int64) (*discordgo.Interaction, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	a, ok := n.asked[id]
	if !ok || time.Since(a.at) > followupWindow {
		return nil, false
	}
	return a.i, true
}

// add keeps a note for the user's next interaction.
func (n *notices) add(guildID, userID, note string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.pending) >= maxRemembered {
		return
	}
	k := guildID + "/" + userID
	n.pending[k] = append(n.pending[k], note)
}

// take returns and forgets the user's pending notes.
func (n *notices) take(guildID, userID string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := guildID + "/" + userID
	notes := n.pending[k]
	delete(n.pending, k)
	return notes
}

// withNotices appends pending notes to a private message.
func withNotices(content string, notes []string) string {
	if len(notes) == 0 {
		return content
	}
	return bot.Truncate(content+"\n\n"+strings.Join(notes, "\n\n"), bot.MaxContent)
}

// rejectedNote tells an asker their question was rejected and why.
func rejectedNote(q qa.Question, text string) string {
	s := fmt.Sprintf("Your question was not taken by the moderators:\n%s", quote(bot.Truncate(text, 300)))
	if q.Reason != "" {
		s += "\nReason: " + oneLine(bot.Truncate(q.Reason, 1000))
	}
	return s
}

// tellRejected tells the askers of a rejected question (duplicates
// included) privately, and returns a line for the moderator saying how.
func (p *Plugin) tellRejected(ctx context.Context, s *discordgo.Session, q qa.Question) string {
	type target struct {
		qid        int64
		user, text string
	}
	targets := []target{{q.ID, q.AskerID, q.Text}}
	for _, a := range q.AlsoAsked {
		targets = append(targets, target{a.QuestionID, a.ID, a.Text})
	}
	now, later := 0, 0
	for _, t := range targets {
		note := rejectedNote(q, t.text)
		if i, ok := p.notes.submission(t.qid); ok {
			err := bot.Followup(ctx, s, i, bot.Message{Content: note}, true)
			if err == nil {
				now++
				continue
			}
			p.log.Warn("qa: tell asker of rejection", "question", t.qid, "err", err)
		}
		// Too late for a private follow-up (or after a restart): a direct
		// message, unless the asker does not accept them.
		if err := bot.DirectMessage(ctx, s, t.user, bot.Message{Content: note}); err == nil {
			now++
			continue
		} else {
			p.log.Info("qa: asker not reachable by direct message", "question", t.qid, "err", err)
		}
		p.notes.add(q.GuildID, t.user, note)
		later++
	}
	switch {
	case later == 0:
		return "The asker was told the reason privately."
	case now == 0:
		return "The asker will see the reason privately the next time they use the Q&A."
	default:
		return fmt.Sprintf("%d askers were told the reason privately; %d will see it the next time they use the Q&A.", now, later)
	}
}
