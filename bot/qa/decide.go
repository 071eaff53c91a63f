package qa

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/qa"
)

// approve approves question id from its card.
func (p *Plugin) approve(ctx context.Context, x *bot.Interaction, id int64) error {
	return p.decide(ctx, x, qa.Decision{QuestionID: id, Action: qa.ActionApprove})
}

// editSubmit takes the form of Edit & approve.
func (p *Plugin) editSubmit(ctx context.Context, x *bot.Interaction, id int64) error {
	return p.decide(ctx, x, qa.Decision{QuestionID: id, Action: qa.ActionEditApprove, Answer: x.FormValue(inputAnswer)})
}

// selfSubmit takes the form of Answer myself.
func (p *Plugin) selfSubmit(ctx context.Context, x *bot.Interaction, id int64) error {
	return p.decide(ctx, x, qa.Decision{QuestionID: id, Action: qa.ActionAnswerSelf, Answer: x.FormValue(inputAnswer)})
}

// rejectSubmit takes the form of Reject.
func (p *Plugin) rejectSubmit(ctx context.Context, x *bot.Interaction, id int64) error {
	return p.decide(ctx, x, qa.Decision{QuestionID: id, Action: qa.ActionReject, Reason: x.FormValue(inputReason)})
}

// editForm, selfForm and rejectForm open the forms of the card buttons.
func (p *Plugin) editForm(ctx context.Context, x *bot.Interaction, id int64) error {
	return p.decisionForm(ctx, x, id, prefixEdit)
}

func (p *Plugin) selfForm(ctx context.Context, x *bot.Interaction, id int64) error {
	return p.decisionForm(ctx, x, id, prefixSelf)
}

func (p *Plugin) rejectForm(ctx context.Context, x *bot.Interaction, id int64) error {
	return p.decisionForm(ctx, x, id, prefixReject)
}

// decisionForm opens the form of Edit & approve (pre-filled with the
// draft), Answer myself or Reject, after checking that the question can
// still take that decision.
func (p *Plugin) decisionForm(ctx context.Context, x *bot.Interaction, id int64, button string) error {
	q, sess, err := p.canonical(ctx, x.GuildID, id)
	if errors.Is(err, qa.ErrNotFound) {
		return x.Respond(ctx, bot.RenderNotice("That question no longer exists."))
	}
	if err != nil {
		return err
	}
	if !sess.Open() {
		p.refreshCardFrom(ctx, x, q, false)
		return x.Respond(ctx, bot.RenderNotice(msgEnded))
	}
	answerable := q.Status == qa.StatusPending || q.Status == qa.StatusApproved && button != prefixReject
	if !answerable {
		p.refreshCardFrom(ctx, x, q, true)
		return x.Respond(ctx, bot.RenderNotice(decidedText(q.ID, q.Status, q.Action, q.DecidedByName, q.DecidedBy)))
	}
	title := fmt.Sprintf("Question #%d", q.ID)
	var input discordgo.TextInput
	var form string
	switch button {
	case prefixEdit:
		form, title = prefixEditForm, "Edit & approve "+title
		input = discordgo.TextInput{CustomID: inputAnswer, Label: "Answer (posted in the session channel)",
			Style: discordgo.TextInputParagraph, Required: true, MinLength: 1, MaxLength: qa.MaxAnswerLen,
			Value: bot.Truncate(q.Draft, qa.MaxAnswerLen)}
	case prefixSelf:
		form, title = prefixSelfForm, "Answer "+title
		input = discordgo.TextInput{CustomID: inputAnswer, Label: "Your answer (posted in the session channel)",
			Style: discordgo.TextInputParagraph, Required: true, MinLength: 1, MaxLength: qa.MaxAnswerLen}
	default:
		form, title = prefixRejectForm, "Reject "+title
		input = discordgo.TextInput{CustomID: inputReason, Label: "Reason (only the asker sees it)",
			Style: discordgo.TextInputParagraph, Required: false, MaxLength: qa.MaxReasonLen,
			Placeholder: "Optional, e.g. off topic"}
	}
	return x.OpenForm(ctx, &discordgo.InteractionResponseData{
		CustomID:   bot.CustomID(form, q.ID),
		Title:      bot.Truncate(title, 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{input}}},
	})
}

// decide applies a moderator's decision: exactly one of concurrent
// decisions wins in the store; the winner's card is updated and the answer
// posted, the others are told privately who decided first.
func (p *Plugin) decide(ctx context.Context, x *bot.Interaction, d qa.Decision) error {
	d.GuildID, d.Actor, d.ActorName = x.GuildID, x.UserID(), x.DisplayName()
	d.Answer, d.Reason = strings.TrimSpace(d.Answer), strings.TrimSpace(d.Reason)
	switch {
	case (d.Action == qa.ActionEditApprove || d.Action == qa.ActionAnswerSelf) && d.Answer == "":
		return x.Respond(ctx, bot.RenderNotice("The answer is empty; nothing was changed."))
	case utf8.RuneCountInString(d.Answer) > qa.MaxAnswerLen:
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("The answer is %d characters long; the limit is %d. Nothing was changed.",
			utf8.RuneCountInString(d.Answer), qa.MaxAnswerLen)))
	case utf8.RuneCountInString(d.Reason) > qa.MaxReasonLen:
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("The reason is %d characters long; the limit is %d. Nothing was changed.",
			utf8.RuneCountInString(d.Reason), qa.MaxReasonLen)))
	}
	if err := x.Defer(ctx); err != nil {
		return err
	}
	if d.Action == qa.ActionEditApprove {
		// Keep the draft's citations with the edit; without a draft they
		// are only the closest passages, which the edit need not cite.
		q, err := p.st.QuestionByID(ctx, d.GuildID, d.QuestionID)
		if err == nil && q.DraftFound {
			d.Citations = q.DraftCitations
		}
	}
	q, err := p.st.Decide(ctx, d)
	var de *qa.DecidedError
	switch {
	case errors.As(err, &de):
		if cur, err := p.st.QuestionByID(ctx, d.GuildID, de.QuestionID); err == nil {
			p.refreshCard(ctx, x.Session, cur, true)
		}
		return x.Respond(ctx, bot.RenderNotice(decidedText(de.QuestionID, de.Status, de.Action, de.ByName, de.By)))
	case errors.Is(err, qa.ErrSessionEnded):
		if cur, err := p.st.QuestionByID(ctx, d.GuildID, d.QuestionID); err == nil {
			p.refreshCard(ctx, x.Session, cur, false)
		}
		return x.Respond(ctx, bot.RenderNotice(msgEnded+" Nothing was changed."))
	case errors.Is(err, qa.ErrNotFound):
		return x.Respond(ctx, bot.RenderNotice("That question no longer exists."))
	case errors.Is(err, qa.ErrInvalidInput):
		return x.Respond(ctx, bot.RenderNotice("That can't be done: the answer or reason is empty or too long. Nothing was changed."))
	case err != nil:
		return fmt.Errorf("decide: %w", err)
	}
	p.log.Info("qa: question decided", "guild", q.GuildID, "question", q.ID, "action", d.Action,
		"status", q.Status, "by", d.Actor, "duplicates", len(q.AlsoAsked))
	p.refreshCard(ctx, x.Session, q, true)

	switch q.Status {
	case qa.StatusRejected:
		told := p.tellRejected(ctx, x.Session, q)
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Rejected question #%d. %s", q.ID, told)))
	case qa.StatusApproved:
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Approved question #%d; the story has no answer, so it waits for one. "+
			"Post it with `/qa next` and answer it with “Answer myself”.", q.ID)))
	}
	sess, err := p.st.SessionByID(ctx, q.GuildID, q.SessionID)
	if err != nil {
		return fmt.Errorf("find session %d: %w", q.SessionID, err)
	}
	if _, err := bot.Reply(ctx, x.Session, sess.ChannelID, nil, renderAnswered(q)); err != nil {
		p.log.Error("qa: post answer", "question", q.ID, "channel", sess.ChannelID, "err", err)
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Question #%d is approved and saved, but I couldn't post the answer in <#%s> (%s). "+
			"It is in the transcript.", q.ID, sess.ChannelID, postProblem(err))))
	}
	return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Question #%d is answered in <#%s>.", q.ID, sess.ChannelID)))
}

// refreshCardFrom re-renders the card of q when the click came from it.
func (p *Plugin) refreshCardFrom(ctx context.Context, x *bot.Interaction, q qa.Question, open bool) {
	if x.Message != nil && x.Message.ID == q.CardMessageID {
		p.refreshCard(ctx, x.Session, q, open)
	}
}

// decidedText tells a moderator who decided a question first.
func decidedText(id int64, status qa.Status, action qa.Action, byName, by string) string {
	who := nameOr(byName, by)
	what := string(status)
	switch action {
	case qa.ActionApprove:
		what = "approved"
	case qa.ActionEditApprove:
		what = "approved with an edited answer"
	case qa.ActionAnswerSelf:
		what = "answered"
	case qa.ActionReject:
		what = "rejected"
	}
	return fmt.Sprintf("Too late: question #%d was already %s by %s. Nothing was changed.", id, what, who)
}

// vote toggles the user's upvote on a question and updates its card and,
// when the click came from the public post, that post.
func (p *Plugin) vote(ctx context.Context, x *bot.Interaction, id int64) error {
	uid := x.UserID()
	votes, voted, err := p.st.ToggleVote(ctx, x.GuildID, id, uid)
	var msg string
	switch {
	case errors.Is(err, qa.ErrVotingClosed):
		msg = "Voting is closed for this question: it has been answered or rejected."
	case errors.Is(err, qa.ErrSessionEnded):
		msg = msgEnded
	case errors.Is(err, qa.ErrNotFound):
		return x.Respond(ctx, bot.RenderNotice("That question no longer exists."))
	case err != nil:
		return fmt.Errorf("vote: %w", err)
	case voted:
		msg = fmt.Sprintf("Thanks, your vote counts: %s now. Click again to take it back.", plural(votes, "vote"))
	default:
		msg = fmt.Sprintf("Your vote was taken back: %s now.", plural(votes, "vote"))
	}
	if err := x.Respond(ctx, bot.RenderNotice(withNotices(msg, p.notes.take(x.GuildID, uid)))); err != nil {
		return err
	}
	q, sess, err := p.canonical(ctx, x.GuildID, id)
	if err != nil {
		return err
	}
	p.refreshCard(ctx, x.Session, q, sess.Open())
	// A public post from before its place was recorded follows the click.
	if m := x.Message; m != nil && m.ID != q.CardMessageID && m.ID != q.PublicMessageID {
		if err := bot.EditMessage(ctx, x.Session, x.ChannelID, m.ID, renderPublicQuestion(q, sess.Open())); err != nil {
			p.log.Warn("qa: update public question", "question", q.ID, "err", err)
		}
	}
	return nil
}

// canonical returns the question a card stands for, the canonical one when
// id is a duplicate's, and its session.
func (p *Plugin) canonical(ctx context.Context, guildID string, id int64) (qa.Question, qa.Session, error) {
	q, err := p.st.QuestionByID(ctx, guildID, id)
	if err != nil {
		return qa.Question{}, qa.Session{}, fmt.Errorf("find question %d: %w", id, err)
	}
	if q.Duplicate() {
		group := q.GroupID
		if q, err = p.st.QuestionByID(ctx, guildID, group); err != nil {
			return qa.Question{}, qa.Session{}, fmt.Errorf("find question %d: %w", group, err)
		}
	}
	sess, err := p.st.SessionByID(ctx, guildID, q.SessionID)
	if err != nil {
		return qa.Question{}, qa.Session{}, fmt.Errorf("find session %d: %w", q.SessionID, err)
	}
	return q, sess, nil
}
