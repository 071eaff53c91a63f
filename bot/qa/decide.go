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

// component handles a click on one of the package's buttons.
func (x *QA) component(ctx context.Context, r *reply, id customID) error {
	switch id.verb {
	case verbSubmit:
		return x.askForm(ctx, r, id.id)
	case verbVote:
		return x.vote(ctx, r, id.id)
	}
	if !x.isModerator(r.i) {
		return r.send(ctx, notice(msgNotModerator))
	}
	switch id.verb {
	case verbApprove:
		return x.decide(ctx, r, qa.Decision{QuestionID: id.id, Action: qa.ActionApprove})
	case verbEdit, verbSelf, verbReject:
		return x.decisionForm(ctx, r, id)
	}
	return r.send(ctx, notice("That button no longer works."))
}

// modal handles a submitted form.
func (x *QA) modal(ctx context.Context, r *reply, id customID) error {
	if id.verb == verbAskForm {
		return x.askSubmit(ctx, r, id.id)
	}
	if !x.isModerator(r.i) {
		return r.send(ctx, notice(msgNotModerator))
	}
	switch id.verb {
	case verbEditForm:
		return x.decide(ctx, r, qa.Decision{QuestionID: id.id, Action: qa.ActionEditApprove, Answer: formValue(r.i, inputAnswer)})
	case verbSelfForm:
		return x.decide(ctx, r, qa.Decision{QuestionID: id.id, Action: qa.ActionAnswerSelf, Answer: formValue(r.i, inputAnswer)})
	case verbRejectForm:
		return x.decide(ctx, r, qa.Decision{QuestionID: id.id, Action: qa.ActionReject, Reason: formValue(r.i, inputReason)})
	}
	return r.send(ctx, notice("That form no longer works."))
}

// decisionForm opens the form of Edit & approve (pre-filled with the
// draft), Answer myself or Reject, after checking that the question can
// still take that decision.
func (x *QA) decisionForm(ctx context.Context, r *reply, id customID) error {
	q, sess, err := x.canonical(ctx, r.i.GuildID, id.id)
	if errors.Is(err, qa.ErrNotFound) {
		return r.send(ctx, notice("That question no longer exists."))
	}
	if err != nil {
		return err
	}
	if !sess.Open() {
		x.refreshCardFrom(ctx, r, q, false)
		return r.send(ctx, notice(msgEnded))
	}
	answerable := q.Status == qa.StatusPending || q.Status == qa.StatusApproved && id.verb != verbReject
	if !answerable {
		x.refreshCardFrom(ctx, r, q, true)
		return r.send(ctx, notice(decidedText(q.ID, q.Status, q.Action, q.DecidedByName, q.DecidedBy)))
	}
	title := fmt.Sprintf("Question #%d", q.ID)
	var input discordgo.TextInput
	var verb string
	switch id.verb {
	case verbEdit:
		verb, title = verbEditForm, "Edit & approve "+title
		input = discordgo.TextInput{CustomID: inputAnswer, Label: "Answer (posted in the session channel)",
			Style: discordgo.TextInputParagraph, Required: true, MinLength: 1, MaxLength: qa.MaxAnswerLen,
			Value: bot.Truncate(q.Draft, qa.MaxAnswerLen)}
	case verbSelf:
		verb, title = verbSelfForm, "Answer "+title
		input = discordgo.TextInput{CustomID: inputAnswer, Label: "Your answer (posted in the session channel)",
			Style: discordgo.TextInputParagraph, Required: true, MinLength: 1, MaxLength: qa.MaxAnswerLen}
	default:
		verb, title = verbRejectForm, "Reject "+title
		input = discordgo.TextInput{CustomID: inputReason, Label: "Reason (only the asker sees it)",
			Style: discordgo.TextInputParagraph, Required: false, MaxLength: qa.MaxReasonLen,
			Placeholder: "Optional, e.g. off topic"}
	}
	return r.modal(ctx, &discordgo.InteractionResponseData{
		CustomID:   makeID(verb, q.ID),
		Title:      bot.Truncate(title, 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{input}}},
	})
}

// decide applies a moderator's decision: exactly one of concurrent
// decisions wins in the store; the winner's card is updated and the answer
// posted, the others are told privately who decided first.
func (x *QA) decide(ctx context.Context, r *reply, d qa.Decision) error {
	d.GuildID, d.Actor, d.ActorName = r.i.GuildID, userID(r.i), displayName(r.i)
	d.Answer, d.Reason = strings.TrimSpace(d.Answer), strings.TrimSpace(d.Reason)
	switch {
	case (d.Action == qa.ActionEditApprove || d.Action == qa.ActionAnswerSelf) && d.Answer == "":
		return r.send(ctx, notice("The answer is empty; nothing was changed."))
	case utf8.RuneCountInString(d.Answer) > qa.MaxAnswerLen:
		return r.send(ctx, notice(fmt.Sprintf("The answer is %d characters long; the limit is %d. Nothing was changed.",
			utf8.RuneCountInString(d.Answer), qa.MaxAnswerLen)))
	case utf8.RuneCountInString(d.Reason) > qa.MaxReasonLen:
		return r.send(ctx, notice(fmt.Sprintf("The reason is %d characters long; the limit is %d. Nothing was changed.",
			utf8.RuneCountInString(d.Reason), qa.MaxReasonLen)))
	}
	if err := r.deferReply(ctx); err != nil {
		return err
	}
	if d.Action == qa.ActionEditApprove {
		// Keep the draft's citations with the edit.
		q, err := x.st.QuestionByID(ctx, d.GuildID, d.QuestionID)
		if err == nil {
			d.Citations = q.DraftCitations
		}
	}
	q, err := x.st.Decide(ctx, d)
	var de *qa.DecidedError
	switch {
	case errors.As(err, &de):
		if cur, err := x.st.QuestionByID(ctx, d.GuildID, de.QuestionID); err == nil {
			x.refreshCard(ctx, r.s, cur, true)
		}
		return r.send(ctx, notice(decidedText(de.QuestionID, de.Status, de.Action, de.ByName, de.By)))
	case errors.Is(err, qa.ErrSessionEnded):
		if cur, err := x.st.QuestionByID(ctx, d.GuildID, d.QuestionID); err == nil {
			x.refreshCard(ctx, r.s, cur, false)
		}
		return r.send(ctx, notice(msgEnded+" Nothing was changed."))
	case errors.Is(err, qa.ErrNotFound):
		return r.send(ctx, notice("That question no longer exists."))
	case errors.Is(err, qa.ErrInvalidInput):
		return r.send(ctx, notice("That can't be done: the answer or reason is empty or too long. Nothing was changed."))
	case err != nil:
		return fmt.Errorf("decide: %w", err)
	}
	x.log.Info("qa: question decided", "guild", q.GuildID, "question", q.ID, "action", d.Action,
		"status", q.Status, "by", d.Actor, "duplicates", len(q.AlsoAsked))
	x.refreshCard(ctx, r.s, q, true)

	switch q.Status {
	case qa.StatusRejected:
		told := x.tellRejected(ctx, r.s, q)
		return r.send(ctx, notice(fmt.Sprintf("Rejected question #%d. %s", q.ID, told)))
	case qa.StatusApproved:
		return r.send(ctx, notice(fmt.Sprintf("Approved question #%d; the story has no answer, so it waits for one. "+
			"Post it with `/qa next` and answer it with “Answer myself”.", q.ID)))
	}
	sess, err := x.st.SessionByID(ctx, q.GuildID, q.SessionID)
	if err != nil {
		return fmt.Errorf("find session %d: %w", q.SessionID, err)
	}
	if _, err := bot.Reply(ctx, r.s, sess.ChannelID, nil, renderAnswered(q)); err != nil {
		x.log.Error("qa: post answer", "question", q.ID, "channel", sess.ChannelID, "err", err)
		return r.send(ctx, notice(fmt.Sprintf("Question #%d is approved and saved, but I couldn't post the answer in <#%s> (%s). "+
			"It is in the transcript.", q.ID, sess.ChannelID, postProblem(err))))
	}
	return r.send(ctx, notice(fmt.Sprintf("Question #%d is answered in <#%s>.", q.ID, sess.ChannelID)))
}

// refreshCardFrom re-renders the card of q when the click came from it.
func (x *QA) refreshCardFrom(ctx context.Context, r *reply, q qa.Question, open bool) {
	if r.i.Message != nil && r.i.Message.ID == q.CardMessageID {
		x.refreshCard(ctx, r.s, q, open)
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
func (x *QA) vote(ctx context.Context, r *reply, id int64) error {
	uid := userID(r.i)
	votes, voted, err := x.st.ToggleVote(ctx, r.i.GuildID, id, uid)
	var msg string
	switch {
	case errors.Is(err, qa.ErrVotingClosed):
		msg = "Voting is closed for this question: it has been answered or rejected."
	case errors.Is(err, qa.ErrSessionEnded):
		msg = msgEnded
	case errors.Is(err, qa.ErrNotFound):
		return r.send(ctx, notice("That question no longer exists."))
	case err != nil:
		return fmt.Errorf("vote: %w", err)
	case voted:
		msg = fmt.Sprintf("Thanks, your vote counts: %s now. Click again to take it back.", plural(votes, "vote"))
	default:
		msg = fmt.Sprintf("Your vote was taken back: %s now.", plural(votes, "vote"))
	}
	if err := r.send(ctx, notice(withNotices(msg, x.notes.take(r.i.GuildID, uid)))); err != nil {
		return err
	}
	q, sess, err := x.canonical(ctx, r.i.GuildID, id)
	if err != nil {
		return err
	}
	x.refreshCard(ctx, r.s, q, sess.Open())
	// A public post from before its place was recorded follows the click.
	if m := r.i.Message; m != nil && m.ID != q.CardMessageID && m.ID != q.PublicMessageID {
		if err := editMessage(ctx, r.s, r.i.ChannelID, m.ID, renderPublicQuestion(q, sess.Open())); err != nil {
			x.log.Warn("qa: update public question", "question", q.ID, "err", err)
		}
	}
	return nil
}

// canonical returns the question a card stands for, the canonical one when
// id is a duplicate's, and its session.
func (x *QA) canonical(ctx context.Context, guildID string, id int64) (qa.Question, qa.Session, error) {
	q, err := x.st.QuestionByID(ctx, guildID, id)
	if err != nil {
		return qa.Question{}, qa.Session{}, fmt.Errorf("find question %d: %w", id, err)
	}
	if q.Duplicate() {
		group := q.GroupID
		if q, err = x.st.QuestionByID(ctx, guildID, group); err != nil {
			return qa.Question{}, qa.Session{}, fmt.Errorf("find question %d: %w", group, err)
		}
	}
	sess, err := x.st.SessionByID(ctx, guildID, q.SessionID)
	if err != nil {
		return qa.Question{}, qa.Session{}, fmt.Errorf("find session %d: %w", q.SessionID, err)
	}
	return q, sess, nil
}
