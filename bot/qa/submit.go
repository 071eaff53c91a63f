package qa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/library/shelf"
	"storybot/qa"
)

// askCommand submits /qa ask's question to the channel's session.
func (p *Plugin) askCommand(ctx context.Context, x *bot.Interaction) error {
	text := x.StringOption("question")
	if err := p.checkQuestion(text); err != nil {
		return err
	}
	sess, err := p.st.ActiveSession(ctx, x.GuildID, x.ChannelID)
	if errors.Is(err, qa.ErrNotFound) {
		return x.Respond(ctx, p.noSession(ctx, x.GuildID))
	}
	if err != nil {
		return fmt.Errorf("find session: %w", err)
	}
	return p.submit(ctx, x, sess, text)
}

// askForm opens the question form of the banner's button.
func (p *Plugin) askForm(ctx context.Context, x *bot.Interaction, sessionID int64) error {
	sess, err := p.st.SessionByID(ctx, x.GuildID, sessionID)
	if errors.Is(err, qa.ErrNotFound) {
		return x.Respond(ctx, bot.RenderNotice(msgEnded))
	}
	if err != nil {
		return fmt.Errorf("find session %d: %w", sessionID, err)
	}
	if !sess.Open() {
		return x.Respond(ctx, bot.RenderNotice(msgEnded))
	}
	return x.OpenForm(ctx, &discordgo.InteractionResponseData{
		CustomID: bot.CustomID(prefixAskForm, sess.ID),
		Title:    "Ask the Q&A",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: inputQuestion, Label: "Your question about the story",
				Style: discordgo.TextInputParagraph, Required: true, MinLength: 1, MaxLength: p.maxQuestion,
				Placeholder: "What would you like to know?"},
		}}},
	})
}

// askSubmit takes the question form of session sessionID.
func (p *Plugin) askSubmit(ctx context.Context, x *bot.Interaction, sessionID int64) error {
	text := x.FormValue(inputQuestion)
	if err := p.checkQuestion(text); err != nil {
		return err
	}
	sess, err := p.st.SessionByID(ctx, x.GuildID, sessionID)
	if errors.Is(err, qa.ErrNotFound) || err == nil && !sess.Open() {
		return x.Respond(ctx, bot.RenderNotice(msgEnded+" Your question was not sent:\n"+quote(bot.Truncate(text, 1500))))
	}
	if err != nil {
		return fmt.Errorf("find session %d: %w", sessionID, err)
	}
	if sess.ChannelID != x.ChannelID {
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Please ask in <#%s>, where the session runs.", sess.ChannelID)))
	}
	return p.submit(ctx, x, sess, text)
}

// checkQuestion refuses an empty question or one over the limit.
func (p *Plugin) checkQuestion(text string) error {
	if strings.TrimSpace(text) == "" {
		return bot.Refuse("Please write a question, e.g. `/qa ask question: Where did they meet?`")
	}
	return bot.CheckQuestion(strings.TrimSpace(text), p.maxQuestion)
}

// submit drafts an answer, stores the question and posts or updates its
// card, then gives the asker a private receipt with the story's answer
// when it has one.
func (p *Plugin) submit(ctx context.Context, x *bot.Interaction, sess qa.Session, text string) error {
	text = strings.TrimSpace(text)
	if p.limit != nil {
		if ok, wait := p.limit.Allow(sess.GuildID+"/"+x.UserID(), time.Now()); !ok {
			return bot.RateLimitedf("You're sending questions quickly: please wait %d seconds and try again. Nothing was submitted.",
				int(wait.Seconds())+1)
		}
	}
	if err := x.Defer(ctx); err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, p.timeout)
	a, err := p.draft(dctx, x, sess, text)
	cancel()
	if err != nil {
		// The moderators answer it themselves.
		p.log.Warn("qa: draft answer", "session", sess.ID, "err", err)
		a = answer.Answer{}
	}
	nq := qa.NewQuestion{GuildID: sess.GuildID, SessionID: sess.ID, AskerID: x.UserID(),
		AskerName: x.DisplayName(), Text: text}
	if a.Found {
		nq.Draft = bot.Truncate(strings.TrimSpace(a.Text), qa.MaxAnswerLen)
		nq.DraftFound = nq.Draft != ""
		for _, c := range a.Citations {
			nq.DraftCitations = append(nq.DraftCitations, qa.Citation{Ref: c.Ref, Text: c.Text})
		}
	} else {
		// No draft: the passages that come closest, for the moderators to
		// answer from.
		for _, c := range a.Related {
			nq.DraftCitations = append(nq.DraftCitations, qa.Citation{Ref: c.Ref, Text: c.Text, Focus: c.Focus})
		}
	}
	q, dupOf, err := p.st.SubmitQuestion(ctx, nq)
	switch {
	case errors.Is(err, qa.ErrSessionEnded):
		return x.Respond(ctx, bot.RenderNotice(msgEnded+" Your question was not sent."))
	case errors.Is(err, qa.ErrInvalidInput):
		return x.Respond(ctx, bot.RenderNotice("That question can't be submitted: it is empty or too long."))
	case err != nil:
		return fmt.Errorf("submit question: %w", err)
	}
	p.notes.remember(q.ID, x.Interaction)
	p.log.Info("qa: question submitted", "guild", q.GuildID, "session", sess.ID, "question", q.ID,
		"duplicate_of", q.GroupID, "draft_found", nq.DraftFound)

	cardErr := false
	if dupOf != nil {
		p.refreshCard(ctx, x.Session, *dupOf, true)
	} else if err := p.postCard(ctx, x.Session, sess, q); err != nil {
		cardErr = true
	}

	m := bot.Message{Content: renderReceipt(q, dupOf, cardErr)}
	if a.Found {
		if parts := bot.RenderAnswer(ctx, a, p.sources); len(parts) > 0 {
			m.Content += "\n\nThe story already answers it:"
			m.Embeds, m.Components = parts[0].Embeds, parts[0].Components
		}
	}
	m.Content = withNotices(m.Content, p.notes.take(q.GuildID, q.AskerID))
	return x.Respond(ctx, m)
}

// postCard posts a new question's card in the queue channel and records
// it, and when the queue is elsewhere, posts the question publicly in the
// session channel for votes.
func (p *Plugin) postCard(ctx context.Context, s *discordgo.Session, sess qa.Session, q qa.Question) error {
	queue := sess.QueueChannelID
	if queue == "" {
		queue = sess.ChannelID
	}
	card, err := bot.Reply(ctx, s, queue, nil, renderCard(q, true))
	if err != nil {
		p.log.Error("qa: post card", "question", q.ID, "channel", queue, "err", err)
		return err
	}
	if err := p.st.SetCard(ctx, q.GuildID, q.ID, queue, card.ID); err != nil {
		p.log.Error("qa: record card", "question", q.ID, "err", err)
	}
	if queue != sess.ChannelID {
		post, err := bot.Reply(ctx, s, sess.ChannelID, nil, renderPublicQuestion(q, true))
		if err != nil {
			p.log.Error("qa: post public question", "question", q.ID, "channel", sess.ChannelID, "err", err)
			return nil
		}
		if err := p.st.SetPublicPost(ctx, q.GuildID, q.ID, sess.ChannelID, post.ID); err != nil {
			p.log.Error("qa: record public question", "question", q.ID, "err", err)
		}
	}
	return nil
}

// refreshCard re-renders question q's card and public post, logging
// failures: the store holds the truth and the next change renders it again.
//
// Interactions run at once, so an update rendered from a question read
// before a decision could land after the decision's own and undo it (a
// vote's card showing the buttons again after the approval). So updates
// of one question take turns, and each renders the question and session as
// stored then, q and open only when they cannot be read.
func (p *Plugin) refreshCard(ctx context.Context, s *discordgo.Session, q qa.Question, open bool) {
	mu := &p.cards[uint64(q.ID)%uint64(len(p.cards))]
	mu.Lock()
	defer mu.Unlock()
	if cur, err := p.st.QuestionByID(ctx, q.GuildID, q.ID); err == nil {
		q = cur
		if sess, err := p.st.SessionByID(ctx, q.GuildID, q.SessionID); err == nil {
			open = sess.Open()
		}
	}
	if q.CardMessageID != "" {
		if err := bot.EditMessage(ctx, s, q.CardChannelID, q.CardMessageID, renderCard(q, open)); err != nil {
			p.log.Warn("qa: update card", "question", q.ID, "channel", q.CardChannelID, "err", err)
		}
	}
	if q.PublicMessageID != "" {
		if err := bot.EditMessage(ctx, s, q.PublicChannelID, q.PublicMessageID, renderPublicQuestion(q, open)); err != nil {
			p.log.Warn("qa: update public question", "question", q.ID, "channel", q.PublicChannelID, "err", err)
		}
	}
}

// draft answers a question of sess from the book of the session's
// channel, as far as the channel (or the asker, when less far) has read.
func (p *Plugin) draft(ctx context.Context, x *bot.Interaction, sess qa.Session, text string) (answer.Answer, error) {
	ans := p.ans
	if p.books != nil {
		v, err := p.books.Pick(ctx, shelf.Reader{GuildID: sess.GuildID, ChannelID: sess.ChannelID, ParentID: bot.ThreadParent(x),
			UserID: x.UserID(), Public: true})
		if err != nil {
			return answer.Answer{}, fmt.Errorf("pick the session's book: %w", err)
		}
		ans = v.Engine
	}
	return ans.Answer(ctx, answer.Question{Text: text})
}
