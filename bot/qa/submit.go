package qa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/qa"
)

// askCommand submits /qa ask's question to the channel's session.
func (x *QA) askCommand(ctx context.Context, r *reply, text string) error {
	if msg, ok := checkQuestion(text); !ok {
		return r.send(ctx, notice(msg))
	}
	sess, err := x.st.ActiveSession(ctx, r.i.GuildID, r.i.ChannelID)
	if errors.Is(err, qa.ErrNotFound) {
		return r.send(ctx, x.noSession(ctx, r.i.GuildID))
	}
	if err != nil {
		return fmt.Errorf("find session: %w", err)
	}
	return x.submit(ctx, r, sess, text)
}

// askForm opens the question form of the banner's button.
func (x *QA) askForm(ctx context.Context, r *reply, sessionID int64) error {
	sess, err := x.st.SessionByID(ctx, r.i.GuildID, sessionID)
	if errors.Is(err, qa.ErrNotFound) {
		return r.send(ctx, notice(msgEnded))
	}
	if err != nil {
		return fmt.Errorf("find session %d: %w", sessionID, err)
	}
	if !sess.Open() {
		return r.send(ctx, notice(msgEnded))
	}
	return r.modal(ctx, &discordgo.InteractionResponseData{
		CustomID: makeID(verbAskForm, sess.ID),
		Title:    "Ask the Q&A",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: inputQuestion, Label: "Your question about the story",
				Style: discordgo.TextInputParagraph, Required: true, MinLength: 1, MaxLength: qa.MaxQuestionLen,
				Placeholder: "What would you like to know?"},
		}}},
	})
}

// askSubmit takes the question form of session sessionID.
func (x *QA) askSubmit(ctx context.Context, r *reply, sessionID int64) error {
	text := formValue(r.i, inputQuestion)
	if msg, ok := checkQuestion(text); !ok {
		return r.send(ctx, notice(msg))
	}
	sess, err := x.st.SessionByID(ctx, r.i.GuildID, sessionID)
	if errors.Is(err, qa.ErrNotFound) || err == nil && !sess.Open() {
		return r.send(ctx, notice(msgEnded+" Your question was not sent:\n"+quote(bot.Truncate(text, 1500))))
	}
	if err != nil {
		return fmt.Errorf("find session %d: %w", sessionID, err)
	}
	if sess.ChannelID != r.i.ChannelID {
		return r.send(ctx, notice(fmt.Sprintf("Please ask in <#%s>, where the session runs.", sess.ChannelID)))
	}
	return x.submit(ctx, r, sess, text)
}

// checkQuestion reports whether text can be submitted, and why not.
func checkQuestion(text string) (string, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "Please write a question, e.g. `/qa ask question: Where did they meet?`", false
	}
	if n := utf8.RuneCountInString(text); n > qa.MaxQuestionLen {
		return fmt.Sprintf("Your question is %d characters long; the limit is %d. Please shorten it.", n, qa.MaxQuestionLen), false
	}
	return "", true
}

// submit drafts an answer, stores the question and posts or updates its
// card, then gives the asker a private receipt with the story's answer
// when it has one.
func (x *QA) submit(ctx context.Context, r *reply, sess qa.Session, text string) error {
	text = strings.TrimSpace(text)
	if x.limit != nil {
		if ok, wait := x.limit.Allow(sess.GuildID+"/"+userID(r.i), time.Now()); !ok {
			return r.send(ctx, notice(fmt.Sprintf("You're sending questions quickly: please wait %d seconds and try again. Nothing was submitted.",
				int(wait.Seconds())+1)))
		}
	}
	if err := r.deferReply(ctx); err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, x.timeout)
	a, err := x.ans.Answer(dctx, answer.Question{Text: text})
	cancel()
	if err != nil {
		// The moderators answer it themselves.
		x.log.Warn("qa: draft answer", "session", sess.ID, "err", err)
		a = answer.Answer{}
	}
	nq := qa.NewQuestion{GuildID: sess.GuildID, SessionID: sess.ID, AskerID: userID(r.i),
		AskerName: displayName(r.i), Text: text}
	if a.Found {
		nq.Draft = bot.Truncate(strings.TrimSpace(a.Text), qa.MaxAnswerLen)
		nq.DraftFound = nq.Draft != ""
		for _, c := range a.Citations {
			nq.DraftCitations = append(nq.DraftCitations, qa.Citation{Ref: c.Ref, Text: c.Text})
		}
	}
	q, dupOf, err := x.st.SubmitQuestion(ctx, nq)
	switch {
	case errors.Is(err, qa.ErrSessionEnded):
		return r.send(ctx, notice(msgEnded+" Your question was not sent."))
	case errors.Is(err, qa.ErrInvalidInput):
		return r.send(ctx, notice("That question can't be submitted: it is empty or too long."))
	case err != nil:
		return fmt.Errorf("submit question: %w", err)
	}
	x.notes.remember(q.ID, r.i)
	x.log.Info("qa: question submitted", "guild", q.GuildID, "session", sess.ID, "question", q.ID,
		"duplicate_of", q.GroupID, "draft_found", nq.DraftFound)

	cardErr := false
	if dupOf != nil {
		x.refreshCard(ctx, r.s, *dupOf, true)
	} else if err := x.postCard(ctx, r.s, sess, q); err != nil {
		cardErr = true
	}

	m := bot.Message{Content: renderReceipt(q, dupOf, cardErr)}
	if a.Found {
		if parts := bot.RenderAnswer(a, x.sources); len(parts) > 0 {
			m.Content += "\n\nThe story already answers it:"
			m.Embeds, m.Components = parts[0].Embeds, parts[0].Components
		}
	}
	m.Content = withNotices(m.Content, x.notes.take(q.GuildID, q.AskerID))
	return r.send(ctx, m)
}

// postCard posts a new question's card in the queue channel and records
// it, and when the queue is elsewhere, posts the question publicly in the
// session channel for votes.
func (x *QA) postCard(ctx context.Context, s *discordgo.Session, sess qa.Session, q qa.Question) error {
	queue := sess.QueueChannelID
	if queue == "" {
		queue = sess.ChannelID
	}
	card, err := bot.Reply(ctx, s, queue, nil, renderCard(q, true))
	if err != nil {
		x.log.Error("qa: post card", "question", q.ID, "channel", queue, "err", err)
		return err
	}
	if err := x.st.SetCard(ctx, q.GuildID, q.ID, queue, card.ID); err != nil {
		x.log.Error("qa: record card", "question", q.ID, "err", err)
	}
	if queue != sess.ChannelID {
		post, err := bot.Reply(ctx, s, sess.ChannelID, nil, renderPublicQuestion(q, true))
		if err != nil {
			x.log.Error("qa: post public question", "question", q.ID, "channel", sess.ChannelID, "err", err)
			return nil
		}
		if err := x.st.SetPublicPost(ctx, q.GuildID, q.ID, sess.ChannelID, post.ID); err != nil {
			x.log.Error("qa: record public question", "question", q.ID, "err", err)
		}
	}
	return nil
}

// refreshCard re-renders a question's card and public post from q, logging
// failures: the store holds the truth and the next change renders it again.
func (x *QA) refreshCard(ctx context.Context, s *discordgo.Session, q qa.Question, open bool) {
	if q.CardMessageID != "" {
		if err := editMessage(ctx, s, q.CardChannelID, q.CardMessageID, renderCard(q, open)); err != nil {
			x.log.Warn("qa: update card", "question", q.ID, "channel", q.CardChannelID, "err", err)
		}
	}
	if q.PublicMessageID != "" {
		if err := editMessage(ctx, s, q.PublicChannelID, q.PublicMessageID, renderPublicQuestion(q, open)); err != nil {
			x.log.Warn("qa: update public question", "question", q.ID, "channel", q.PublicChannelID, "err", err)
		}
	}
}

// formValue returns the value of a form's text input.
func formValue(i *discordgo.Interaction, id string) string {
	for _, row := range i.ModalSubmitData().Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if t, ok := c.(*discordgo.TextInput); ok && t.CustomID == id {
				return t.Value
			}
		}
	}
	return ""
}
