package qa_test

import (
	"fmt"
	"strings"
	"testing"

	"storybot/internal/fakediscord"
	"storybot/qa"
)

// TestE2EDeletedChannel: when the session channel is gone, approving still
// records the decision and the moderator is told the post failed.
func TestE2EDeletedChannel(t *testing.T) {
	e := newEnv(t)
	f := e.fake
	stage, mods := f.ChannelID, f.OtherChannelID
	e.replyHas(e.qa(f.Moderator, stage, "start", fakediscord.Option{Name: "queue-channel", Type: 7, Value: mods}), "started")
	e.replyHas(e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", "Where did Macron and Putin meet?")), "sent to the moderators")
	card := e.card(mods, "1", nil)

	f.DeleteChannel(stage)
	e.replyHas(f.Button(f.Moderator, card, "qa:approve:1"), "channel seems to be deleted")
	q, err := e.bot.st.QuestionByID(e.ctx(5e9), f.GuildID, 1)
	if err != nil || q.Status != qa.StatusAnswered || q.Answer == "" {
		t.Errorf("question after a failed post = %+v, %v; want answered and kept", q, err)
	}
	if !strings.Contains(e.logs.String(), "qa: post answer") {
		t.Errorf("failed post not logged")
	}
	// The session can still end; the transcript comes privately.
	it := e.qa(f.Moderator, mods, "end")
	e.replyHas(it, "transcript")
}

// TestE2ETwoSessions runs sessions in two channels at once, each with its
// cards in its own channel (the default).
func TestE2ETwoSessions(t *testing.T) {
	e := newEnv(t)
	f := e.fake
	a, b := f.ChannelID, f.OtherChannelID
	e.replyHas(e.qa(e.mod2, a, "start", fakediscord.StringOption("title", "A")), "Question cards will appear here")
	e.replyHas(e.qa(f.Moderator, b, "start", fakediscord.StringOption("title", "B")), "Session #2 started")

	e.replyHas(e.qa(f.Alice, a, "ask", fakediscord.StringOption("question", "Is there a sequel planned?")), "(#1)")
	// The same words in the other session are not a duplicate there.
	e.replyHas(e.qa(e.bob, b, "ask", fakediscord.StringOption("question", "Is there a sequel planned?")), "(#2)")
	card1 := e.card(a, "1", nil)
	e.card(b, "2", nil)

	e.replyHas(e.qa(f.Alice, a, "status"), "1 question submitted")
	e.replyHas(e.qa(f.Alice, b, "status"), "“B”")
	// A form of session 1 can't submit from session 2's channel.
	e.replyHas(f.ModalSubmit(e.bob, b, "qa:ask:1", map[string]string{"question": "Who?"}, nil), "Please ask in")
	// Voting on the card, the only public post when cards stay in the session channel.
	e.replyHas(f.Button(e.bob, card1, "qa:vote:1"), "1 vote")

	e.replyHas(e.qa(f.Moderator, a, "end"), "Session #1 ended")
	e.replyHas(e.qa(f.Alice, b, "status"), "“B”")
	e.replyHas(e.qa(f.Alice, a, "status"), "Sessions are running in <#"+b+">")
}

// TestE2ERejectNoDMs: an asker who takes no direct messages, rejected after
// a restart, sees the reason privately the next time they use the Q&A.
func TestE2ERejectNoDMs(t *testing.T) {
	e := newEnv(t)
	f := e.fake
	stage := f.ChannelID
	e.replyHas(e.qa(f.Moderator, stage, "start"), "started")
	e.replyHas(e.qa(e.carol, stage, "ask", fakediscord.StringOption("question", "Is there a sequel planned?")), "(#1)")
	card := e.card(stage, "1", nil)
	e.restart()
	e.replyHas(f.ModalSubmit(f.Moderator, stage, "qa:rejectf:1", map[string]string{"reason": "Not about the story."}, card), "next time")
	e.replyHas(e.qa(e.carol, stage, "ask", fakediscord.StringOption("question", "Who wrote the story?")), "Not about the story.")
}

// TestE2ESubmitRateLimit: a member who sends questions too fast is told to
// wait, and the extra question is not stored.
func TestE2ESubmitRateLimit(t *testing.T) {
	e := newEnv(t)
	f := e.fake
	stage := f.ChannelID
	e.replyHas(e.qa(f.Moderator, stage, "start"), "started")
	for i, q := range []string{"Who is Marine Le Pen?", "Where is the Kremlin?", "What is sarin?"} {
		e.replyHas(e.qa(e.bob, stage, "ask", fakediscord.StringOption("question", q)), fmt.Sprintf("(#%d)", i+1))
	}
	e.replyHas(e.qa(e.bob, stage, "ask", fakediscord.StringOption("question", "What is a red line?")), "please wait")
	e.replyHas(e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", "What is a red line?")), "(#4)")
	if _, err := e.bot.st.QuestionByID(e.ctx(5e9), f.GuildID, 5); err == nil {
		t.Errorf("a rate-limited question was stored")
	}
}
