package qa_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/fakediscord"
	"storybot/qa"
)

// TestE2ESession runs a whole session with the cards in a separate
// moderators' channel, restarting the bot in the middle.
func TestE2ESession(t *testing.T) {
	e := newEnv(t)
	f := e.fake
	stage, mods := f.ChannelID, f.OtherChannelID

	// A participant cannot start a session.
	e.replyHas(e.qa(f.Alice, stage, "start"), "Only moderators")

	// /qa start posts the banner.
	e.replyHas(e.qa(f.Moderator, stage, "start", fakediscord.StringOption("title", "Chapter 1 @everyone"),
		fakediscord.Option{Name: "queue-channel", Type: 7, Value: mods}), "Session #1 started")
	banner := e.waitMsg(stage, func(m *fakediscord.Message) bool { return hasButton(m, "qa:submit:1") })
	if !strings.Contains(banner.Text(), "Chapter 1") {
		t.Errorf("banner = %q", banner.Text())
	}
	e.replyHas(e.qa(f.Moderator, stage, "start"), "already running")

	// Submit by command: the story answers it, so the receipt shows the answer.
	ask1 := e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", "Where did Macron and Putin meet?"))
	r := e.replyHas(ask1, "sent to the moderators")
	if len(r.Embeds) == 0 || !strings.Contains(r.Content, "already answers") {
		t.Errorf("receipt of an answered question = %q with %d embeds, want the story's answer", r.Content, len(r.Embeds))
	}
	card1 := e.card(mods, "1", nil)
	for _, want := range []string{"qa:approve:1", "qa:edit:1", "qa:self:1", "qa:reject:1", "qa:vote:1"} {
		if !hasButton(card1, want) {
			t.Errorf("card 1 buttons = %v, want %s", card1.CustomIDs(), want)
		}
	}
	if !contains(card1.Text(), "Where did Macron and Putin meet?", "<@"+f.Alice.ID+">", "Draft answer", "Sources", "[1]") {
		t.Errorf("card 1 = %q", card1.Text())
	}
	pub1 := e.waitMsg(stage, func(m *fakediscord.Message) bool { return hasButton(m, "qa:vote:1") })

	// Submit by the banner's button and form: a near-duplicate joins card 1.
	form := e.modal(f.Button(e.bob, banner, "qa:submit:1"))
	if form.CustomID != "qa:ask:1" {
		t.Errorf("ask form custom_id = %q", form.CustomID)
	}
	e.replyHas(f.ModalSubmit(e.bob, stage, "qa:ask:1", map[string]string{"question": "Where did Putin and Macron meet?"}, banner),
		"joins it")
	e.card(mods, "1", func(m *fakediscord.Message) bool { return strings.Contains(m.Text(), "Also asked by 1") })

	ask := func(u fakediscord.User, q string) *fakediscord.Interaction {
		t.Helper()
		it := e.qa(u, stage, "ask", fakediscord.StringOption("question", q))
		e.replyHas(it, "sent to the moderators")
		return it
	}
	ask(f.Alice, "Is there a sequel planned?")             // 3: no answer in the story
	ask(e.bob, "Can you write me a poem?")                 // 4
	ask(f.Alice, "What did Macron warn Putin about?")      // 5
	ask6 := ask(e.bob, "What is the capital of Mongolia?") // 6
	card3 := e.card(mods, "3", nil)
	if !hasButton(card3, "qa:approve:3") || !strings.Contains(card3.Text(), "No draft") {
		t.Errorf("card 3 = %q %v", card3.Text(), card3.CustomIDs())
	}

	// Bad input.
	e.replyHas(e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", "   ")), "Please write a question")
	// One limit for every way of asking (MAX_QUESTION_CHARS, 500 by default):
	// a question the bot would cut when drafting is refused, not cut.
	e.replyHas(e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", strings.Repeat("why ", 300))), "the limit is 500")
	e.replyHas(e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", strings.Repeat("why ", 150))), "Your question is 599 characters long; the limit is 500.")
	// Outside the session channel.
	e.replyHas(e.qa(f.Alice, f.ThreadID, "ask", fakediscord.StringOption("question", "Who is Putin?")), "no Q&A session running in this channel")

	// Votes: one per person, toggled, on the public post or the card.
	pub3 := e.waitMsg(stage, func(m *fakediscord.Message) bool { return hasButton(m, "qa:vote:3") })
	e.replyHas(f.Button(e.bob, pub3, "qa:vote:3"), "1 vote")
	e.replyHas(f.Button(e.bob, pub3, "qa:vote:3"), "taken back: 0 votes")
	e.replyHas(f.Button(e.bob, pub3, "qa:vote:3"), "1 vote")
	e.replyHas(f.Button(f.Alice, card3, "qa:vote:3"), "2 votes")
	e.card(mods, "3", func(m *fakediscord.Message) bool { return strings.Contains(m.Text(), "Votes\n2") })
	e.replyHas(f.Button(f.Alice, pub1, "qa:vote:1"), "1 vote")

	// A participant pressing Approve is refused, and nothing changes.
	e.replyHas(f.Button(f.Alice, card1, "qa:approve:1"), "Only moderators")
	e.replyHas(f.Button(f.Alice, card1, "qa:reject:1"), "Only moderators")
	e.replyHas(f.ModalSubmit(f.Alice, mods, "qa:rejectf:1", map[string]string{"reason": "x"}, card1), "Only moderators")
	e.replyHas(e.qa(f.Alice, stage, "queue"), "Only moderators")

	// Approve posts the question with the bot's answer in the session channel.
	e.replyHas(f.Button(f.Moderator, card1, "qa:approve:1"), "is answered in")
	e.waitMsg(stage, func(m *fakediscord.Message) bool {
		return contains(m.Text(), "Question #1", "Where did Macron and Putin meet?", "also asked by 1", "[1]", "approved by mod")
	})
	e.card(mods, "1", func(m *fakediscord.Message) bool {
		return len(m.CustomIDs()) == 0 && strings.Contains(m.Text(), "Approved by mod")
	})
	// Approving a question the story can't answer keeps it for later.
	e.replyHas(f.Button(f.Moderator, card3, "qa:approve:3"), "waits for one")

	// Reject with a reason: the asker is told privately, on their submission.
	card6 := e.card(mods, "6", nil)
	if got := e.modal(f.Button(f.Moderator, card6, "qa:reject:6")).CustomID; got != "qa:rejectf:6" {
		t.Errorf("reject form = %q", got)
	}
	e.replyHas(f.ModalSubmit(f.Moderator, mods, "qa:rejectf:6", map[string]string{"reason": "Not about the story."}, card6), "told the reason privately")
	waitFollowup(t, e, ask6, "Not about the story.")

	// Restart: a new process on the same database; old cards still work.
	e.restart()

	// Edit & approve, by a moderator with the role only: the form holds the draft.
	card5 := e.card(mods, "5", nil)
	ef := e.modal(f.Button(e.mod2, card5, "qa:edit:5"))
	if ef.CustomID != "qa:editf:5" || len(ef.Components) != 1 || ef.Components[0].(interface{}) == nil {
		t.Errorf("edit form = %+v", ef)
	}
	draft := ef.Components[0].(discordgo.TextInput).Value
	if draft == "" {
		t.Errorf("edit form is not pre-filled with the draft")
	}
	e.replyHas(f.ModalSubmit(e.mod2, mods, "qa:editf:5", map[string]string{"answer": "Edited: a vase, says the story [1]."}, card5), "is answered in")
	e.waitMsg(stage, func(m *fakediscord.Message) bool {
		return contains(m.Text(), "Question #5", "Edited: a vase", "edited by mod2", "[1]")
	})

	// /qa next posts the approved question; Answer myself answers it.
	e.replyHas(e.qa(f.Moderator, mods, "next"), "Posted question #3")
	e.waitMsg(stage, func(m *fakediscord.Message) bool { return contains(m.Content, "Next question", "#3", "2 votes") })
	e.replyHas(e.qa(f.Moderator, mods, "next"), "No approved question")
	card3 = e.card(mods, "3", func(m *fakediscord.Message) bool { return hasButton(m, "qa:self:3") && !hasButton(m, "qa:approve:3") })
	e.modal(f.Button(f.Moderator, card3, "qa:self:3"))
	e.replyHas(f.ModalSubmit(f.Moderator, mods, "qa:selff:3", map[string]string{"answer": "   "}, card3), "answer is empty")
	e.replyHas(f.ModalSubmit(f.Moderator, mods, "qa:selff:3", map[string]string{"answer": strings.Repeat("a", 4001)}, card3), "the limit is 4000")
	e.replyHas(f.ModalSubmit(f.Moderator, mods, "qa:selff:3", map[string]string{"answer": "Not yet: the author is writing it. @everyone"}, card3), "is answered in")
	e.waitMsg(stage, func(m *fakediscord.Message) bool {
		return contains(m.Text(), "Question #3", "the author is writing it", "Answered by mod")
	})
	// The public post of the question, from before the restart, follows the decision.
	e.waitMsg(stage, func(m *fakediscord.Message) bool {
		return m.ID == pub3.ID && len(m.Components) == 0 && strings.Contains(m.Content, "Question #3** from") && strings.Contains(m.Content, "answered")
	})

	// Reject after the restart: too late for a follow-up to the submission,
	// so the asker gets a direct message.
	card4 := e.card(mods, "4", nil)
	e.replyHas(f.ModalSubmit(f.Moderator, mods, "qa:rejectf:4", map[string]string{"reason": "Off topic."}, card4), "told the reason privately")
	dm := e.waitMsg(f.DMChannel(e.bob), func(m *fakediscord.Message) bool { return strings.Contains(m.Text(), "Reason: Off topic.") })
	if dm.AllowedMentions == nil {
		t.Errorf("direct message sent without allowed_mentions")
	}

	// Two moderators decide at once: exactly one wins, the other is told who.
	ask(f.Alice, "Why did the presidents talk about Syria?") // 7
	card7 := e.card(mods, "7", nil)
	var its [2]*fakediscord.Interaction
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); its[0] = f.Button(f.Moderator, card7, "qa:approve:7") }()
	go func() {
		defer wg.Done()
		its[1] = f.ModalSubmit(e.mod2, mods, "qa:rejectf:7", map[string]string{"reason": "Duplicate of the talk."}, card7)
	}()
	wg.Wait()
	approve, reject := e.reply(its[0]).Text(), e.reply(its[1]).Text()
	switch {
	case !strings.Contains(approve, "Too late") && strings.Contains(reject, "already approved by mod."):
	case !strings.Contains(reject, "Too late") && strings.Contains(approve, "already rejected by mod2."):
	default:
		t.Errorf("concurrent decisions: approve got %q, reject got %q; want exactly one winner and the loser told who decided", approve, reject)
	}
	if q, err := e.bot.st.QuestionByID(e.ctx(5e9), f.GuildID, 7); err != nil || q.Status == qa.StatusPending {
		t.Errorf("question 7 after the race = %+v, %v", q.Status, err)
	}

	// The queue and the counts.
	ask(e.bob, "Which party did Le Pen found?") // 8: too unsure for a draft
	// Without a draft, the card shows the passages that come closest.
	e.card(mods, "8", func(m *fakediscord.Message) bool {
		return contains(m.Text(), "No draft", "Closest passages", "[1]", "Front National")
	})
	e.replyHas(e.qa(f.Moderator, mods, "queue"), "#8")
	e.replyHas(e.qa(f.Alice, stage, "status"), "8 questions submitted (1 grouped as duplicates)")

	// /qa end: the summary with the Markdown transcript.
	e.replyHas(e.qa(f.Moderator, stage, "end"), "Session #1 ended")
	sum := e.waitMsg(stage, func(m *fakediscord.Message) bool { return len(m.Attachments) > 0 })
	if !strings.Contains(sum.Content, "has ended") {
		t.Errorf("summary = %q", sum.Content)
	}
	at := sum.Attachments[0]
	md := string(at.Data)
	if at.Filename != "qa-session-1.md" {
		t.Errorf("attachment %q", at.Filename)
	}
	for _, want := range []string{
		"# Chapter 1",
		"> Where did Macron and Putin meet?", "Asked by **alice**", "Also asked by 1", "**bob**: \"Where did Putin and Macron meet?\"",
		"**Answered** with the bot's answer, approved by mod",
		"Edited: a vase, says the story [1].", "edited by mod2",
		"Not yet: the author is writing it.",
		"**Rejected** by mod", "Reason: Off topic.", "Reason: Not about the story.",
		"- [1] ",
		"> Which party did Le Pen found?", "**Pending**",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("transcript lacks %q:\n%s", want, md)
		}
	}
	e.waitMsg(stage, func(m *fakediscord.Message) bool { return m.ID == banner.ID && len(m.Components) == 0 })

	// The ended session: asking, deciding, voting and forms all say so.
	e.replyHas(e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", "One more?")), "no Q&A session running")
	// Its undecided question's card and public post lost their buttons at
	// the end, and the post says what became of the question.
	e.card(mods, "8", func(m *fakediscord.Message) bool { return len(m.Components) == 0 })
	e.waitMsg(stage, func(m *fakediscord.Message) bool {
		return strings.Contains(m.Content, "Question #8** from") && len(m.Components) == 0 &&
			strings.Contains(m.Content, "not answered before the session ended")
	})
	e.replyHas(f.ModalSubmit(f.Moderator, mods, "qa:rejectf:8", map[string]string{"reason": "Late."}, nil), "has ended")
	e.replyHas(f.ModalSubmit(e.bob, stage, "qa:ask:1", map[string]string{"question": "Late question?"}, nil), "has ended")
	e.replyHas(e.qa(f.Moderator, stage, "end"), "no Q&A session running")

	// Nothing was lost.
	st := e.bot.st
	q, err := st.QuestionByID(e.ctx(5e9), f.GuildID, 8)
	if err != nil || q.Status != qa.StatusPending {
		t.Errorf("question 8 = %+v, %v; want pending", q, err)
	}
}

// waitFollowup waits for a private follow-up to it containing want.
func waitFollowup(t *testing.T, e *env, it *fakediscord.Interaction, want string) {
	t.Helper()
	_, err := e.fake.WaitMessage(e.ctx(5e9), it.ChannelID, func(m *fakediscord.Message) bool {
		return m.InteractionID == it.ID && m.Ephemeral() && strings.Contains(m.Content, want)
	})
	if err != nil {
		t.Fatalf("no private follow-up with %q to interaction %s: %v", want, it.ID, err)
	}
}

// TestStaleCardUpdate checks that a card update rendered from a question
// read before a decision (a vote's, racing the approval) does not undo the
// decision on the card: every update renders the question as stored.
func TestStaleCardUpdate(t *testing.T) {
	e := newEnv(t)
	f := e.fake
	stage, mods := f.ChannelID, f.OtherChannelID
	e.replyHas(e.qa(f.Moderator, stage, "start", fakediscord.Option{Name: "queue-channel", Type: 7, Value: mods}), "Session #1 started")
	e.replyHas(e.qa(f.Alice, stage, "ask", fakediscord.StringOption("question", "Where did Macron and Putin meet?")), "sent to the moderators")
	card := e.card(mods, "1", func(m *fakediscord.Message) bool { return hasButton(m, "qa:approve:1") })
	stale, err := e.bot.st.QuestionByID(e.ctx(5e9), f.GuildID, 1)
	if err != nil || stale.Status != qa.StatusPending {
		t.Fatalf("question 1 = %+v, %v; want it pending", stale.Status, err)
	}
	e.replyHas(f.Button(f.Moderator, card, "qa:approve:1"), "is answered in")
	approved := func(m *fakediscord.Message) bool {
		return len(m.CustomIDs()) == 0 && strings.Contains(m.Text(), "Approved by mod")
	}
	e.card(mods, "1", approved)

	e.bot.plugin.RefreshCard(e.ctx(5e9), e.bot.run.Session, stale, true)
	if m := f.Message(card.ID); m == nil || !approved(m) {
		t.Errorf("after an update from the question read before the approval, card 1 = %q with buttons %v, want it approved with none",
			m.Text(), m.CustomIDs())
	}
}
