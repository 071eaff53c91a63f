package qa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/qa"
)

// CommandName is the slash command of moderated Q&A.
const CommandName = "qa"

// Commands implements [bot.Extension]: /qa with the subcommands start, end,
// status, ask, queue and next.
func (x *QA) Commands() []*discordgo.ApplicationCommand {
	one := 1
	maxTitle := qa.MaxTitleLen
	return []*discordgo.ApplicationCommand{{
		Name:        CommandName,
		Description: "Moderated Q&A sessions about the story",
		Contexts:    &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "start", Description: "Start a Q&A session in this channel (moderators)",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "title", Description: "What the session is about",
						MinLength: &one, MaxLength: maxTitle},
					{Type: discordgo.ApplicationCommandOptionChannel, Name: "queue-channel",
						Description:  "Where question cards go for moderators (default: this channel)",
						ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "end", Description: "End this channel's session and post the transcript (moderators)"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "status", Description: "Show this session's counts"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "ask", Description: "Submit a question to this channel's session",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question about the story",
						Required: true, MinLength: &one, MaxLength: qa.MaxQuestionLen},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "queue", Description: "List open questions by votes (moderators)"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "next", Description: "Post the top approved question waiting for an answer (moderators)"},
		},
	}}
}

// command runs a /qa subcommand.
func (x *QA) command(ctx context.Context, r *reply) error {
	data := r.i.ApplicationCommandData()
	if len(data.Options) == 0 {
		return r.send(ctx, notice("Use one of `/qa start`, `/qa ask`, `/qa status`, `/qa queue`, `/qa next`, `/qa end`."))
	}
	sub := data.Options[0]
	opts := map[string]string{}
	for _, o := range sub.Options {
		if s, ok := o.Value.(string); ok {
			opts[o.Name] = s
		}
	}
	switch sub.Name {
	case "ask":
		return x.askCommand(ctx, r, opts["question"])
	case "status":
		return x.status(ctx, r)
	}
	if !x.isModerator(r.i) {
		return r.send(ctx, notice(msgNotModerator))
	}
	switch sub.Name {
	case "start":
		return x.start(ctx, r, opts["title"], opts["queue-channel"])
	case "end":
		return x.end(ctx, r)
	case "queue":
		return x.queue(ctx, r)
	case "next":
		return x.next(ctx, r)
	}
	return r.send(ctx, notice("Unknown subcommand."))
}

// start opens a session in the channel and posts its banner.
func (x *QA) start(ctx context.Context, r *reply, title, queueChannel string) error {
	title = strings.TrimSpace(title)
	if n := utf8.RuneCountInString(title); n > qa.MaxTitleLen {
		return r.send(ctx, notice(fmt.Sprintf("The title is %d characters long; the limit is %d.", n, qa.MaxTitleLen)))
	}
	if queueChannel == "" {
		queueChannel = r.i.ChannelID
	}
	if err := r.deferReply(ctx); err != nil {
		return err
	}
	sess, err := x.st.StartSession(ctx, qa.NewSession{GuildID: r.i.GuildID, ChannelID: r.i.ChannelID,
		QueueChannelID: queueChannel, Title: title, StartedBy: userID(r.i), StartedByName: displayName(r.i)})
	if errors.Is(err, qa.ErrSessionActive) {
		return r.send(ctx, notice("A Q&A session is already running in this channel. End it with `/qa end` first."))
	}
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	x.log.Info("qa: session started", "guild", sess.GuildID, "session", sess.ID, "channel", sess.ChannelID, "queue", sess.QueueChannelID)
	banner, err := bot.Reply(ctx, r.s, sess.ChannelID, nil, renderBanner(sess))
	if err != nil {
		x.log.Error("qa: post banner", "session", sess.ID, "channel", sess.ChannelID, "err", err)
		return r.send(ctx, notice(fmt.Sprintf("The session (#%d) started, but I couldn't post its banner here (%s). "+
			"People can still ask with `/qa ask`.", sess.ID, postProblem(err))))
	}
	if err := x.st.SetBannerMessage(ctx, sess.GuildID, sess.ID, banner.ID); err != nil {
		x.log.Error("qa: record banner", "session", sess.ID, "err", err)
	}
	where := "here"
	if sess.QueueChannelID != sess.ChannelID {
		where = "in <#" + sess.QueueChannelID + ">"
	}
	return r.send(ctx, notice(fmt.Sprintf("Session #%d started. Question cards will appear %s.", sess.ID, where)))
}

// sessionFor finds the open session a moderator command in channelID is
// about: the channel's own, or the one whose queue is in that channel.
func (x *QA) sessionFor(ctx context.Context, guildID, channelID string) (qa.Session, error) {
	sess, err := x.st.ActiveSession(ctx, guildID, channelID)
	if err == nil || !errors.Is(err, qa.ErrNotFound) {
		return sess, err
	}
	all, err := x.st.ActiveSessions(ctx, guildID)
	if err != nil {
		return qa.Session{}, err
	}
	for _, s := range all {
		if s.QueueChannelID == channelID {
			return s, nil
		}
	}
	return qa.Session{}, qa.ErrNotFound
}

// noSession explains that no session runs in the channel and points to
// the guild's running ones.
func (x *QA) noSession(ctx context.Context, guildID string) bot.Message {
	all, err := x.st.ActiveSessions(ctx, guildID)
	if err != nil || len(all) == 0 {
		return notice(msgNoSession)
	}
	var chans []string
	for _, s := range all {
		if len(chans) == 10 {
			break
		}
		chans = append(chans, "<#"+s.ChannelID+">")
	}
	return notice(msgNoSession + " Sessions are running in " + strings.Join(chans, ", ") + ".")
}

// channelSession finds the session of the interaction's channel. When
// there is none it tells the user so and reports !ok, with the error of
// telling.
func (x *QA) channelSession(ctx context.Context, r *reply) (qa.Session, bool, error) {
	sess, err := x.sessionFor(ctx, r.i.GuildID, r.i.ChannelID)
	switch {
	case errors.Is(err, qa.ErrNotFound):
		return qa.Session{}, false, r.send(ctx, x.noSession(ctx, r.i.GuildID))
	case err != nil:
		return qa.Session{}, false, fmt.Errorf("find session: %w", err)
	}
	return sess, true, nil
}

// end closes the session, retires its banner and posts the summary with the
// transcript.
func (x *QA) end(ctx context.Context, r *reply) error {
	if err := r.deferReply(ctx); err != nil {
		return err
	}
	sess, ok, err := x.channelSession(ctx, r)
	if !ok {
		return err
	}
	sess, err = x.st.EndSession(ctx, r.i.GuildID, sess.ID, userID(r.i))
	if errors.Is(err, qa.ErrSessionEnded) {
		return r.send(ctx, notice(msgEnded))
	}
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	x.log.Info("qa: session ended", "guild", sess.GuildID, "session", sess.ID)
	if sess.BannerMessageID != "" {
		if err := editMessage(ctx, r.s, sess.ChannelID, sess.BannerMessageID, renderEndedBanner(sess)); err != nil {
			x.log.Warn("qa: retire banner", "session", sess.ID, "err", err)
		}
	}
	qs, err := x.st.Transcript(ctx, sess.GuildID, sess.ID)
	if err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	// Cards and public posts of undecided questions lose their buttons.
	for _, q := range qs {
		if !q.Duplicate() && (q.Status == qa.StatusPending || q.Status == qa.StatusApproved) {
			x.refreshCard(ctx, r.s, q, false)
		}
	}
	counts, err := x.st.SessionCounts(ctx, sess.GuildID, sess.ID)
	if err != nil {
		return fmt.Errorf("session counts: %w", err)
	}
	md := qa.RenderTranscript(sess, qs)
	m := renderSummary(sess, counts)
	_, err = r.s.ChannelMessageSendComplex(sess.ChannelID, &discordgo.MessageSend{
		Content:         m.Content,
		AllowedMentions: bot.NoMentions(),
		Files: []*discordgo.File{{Name: fmt.Sprintf("qa-session-%d.md", sess.ID),
			ContentType: "text/markdown; charset=utf-8", Reader: bytes.NewReader(md)}},
	}, discordgo.WithContext(ctx))
	if err != nil {
		x.log.Error("qa: post transcript", "session", sess.ID, "channel", sess.ChannelID, "err", err)
		// The moderator gets the transcript privately instead.
		_, ferr := r.s.FollowupMessageCreate(r.i, true, &discordgo.WebhookParams{
			Content: bot.Truncate(fmt.Sprintf("The session ended, but I couldn't post the summary in <#%s> (%s). Here is the transcript.",
				sess.ChannelID, postProblem(err)), bot.MaxContent),
			AllowedMentions: bot.NoMentions(),
			Flags:           discordgo.MessageFlagsEphemeral,
			Files: []*discordgo.File{{Name: fmt.Sprintf("qa-session-%d.md", sess.ID),
				ContentType: "text/markdown; charset=utf-8", Reader: bytes.NewReader(md)}},
		}, discordgo.WithContext(ctx))
		if ferr != nil {
			return fmt.Errorf("send transcript privately: %w", ferr)
		}
		return r.send(ctx, notice("Session ended; the transcript is in the message below."))
	}
	return r.send(ctx, notice(fmt.Sprintf("Session #%d ended; the summary and transcript are posted in <#%s>.", sess.ID, sess.ChannelID)))
}

// status shows the counts of the channel's session.
func (x *QA) status(ctx context.Context, r *reply) error {
	sess, ok, err := x.channelSession(ctx, r)
	if !ok {
		return err
	}
	c, err := x.st.SessionCounts(ctx, r.i.GuildID, sess.ID)
	if err != nil {
		return fmt.Errorf("session counts: %w", err)
	}
	return r.send(ctx, renderStatus(sess, c))
}

// queue lists the open questions by votes, privately.
func (x *QA) queue(ctx context.Context, r *reply) error {
	sess, ok, err := x.channelSession(ctx, r)
	if !ok {
		return err
	}
	qs, err := x.st.Queue(ctx, r.i.GuildID, sess.ID, "", 0)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return r.send(ctx, renderQueue(sess, qs))
}

// next posts the top approved question still waiting for an answer.
func (x *QA) next(ctx context.Context, r *reply) error {
	if err := r.deferReply(ctx); err != nil {
		return err
	}
	sess, ok, err := x.channelSession(ctx, r)
	if !ok {
		return err
	}
	q, err := x.st.NextApproved(ctx, r.i.GuildID, sess.ID, userID(r.i))
	switch {
	case errors.Is(err, qa.ErrNotFound):
		return r.send(ctx, notice("No approved question is waiting for an answer."))
	case errors.Is(err, qa.ErrSessionEnded):
		return r.send(ctx, notice(msgEnded))
	case err != nil:
		return fmt.Errorf("next approved: %w", err)
	}
	x.refreshCard(ctx, r.s, q, true)
	if _, err := bot.Reply(ctx, r.s, sess.ChannelID, nil, renderNext(q)); err != nil {
		x.log.Error("qa: post next question", "question", q.ID, "channel", sess.ChannelID, "err", err)
		return r.send(ctx, notice(fmt.Sprintf("Question #%d is next, but I couldn't post it in <#%s> (%s). It is marked as posted; here it is:\n%s",
			q.ID, sess.ChannelID, postProblem(err), quote(bot.Truncate(q.Text, 1000)))))
	}
	return r.send(ctx, notice(fmt.Sprintf("Posted question #%d in <#%s>. Answer it with the card's “Answer myself” button.", q.ID, sess.ChannelID)))
}

// editMessage replaces a bot message in a channel, pinging no one.
func editMessage(ctx context.Context, s *discordgo.Session, channelID, messageID string, m bot.Message) error {
	content := m.Content
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	components := m.Components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	_, err := s.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: messageID, Channel: channelID,
		Content: &content, Embeds: &embeds, Components: &components,
		AllowedMentions: bot.NoMentions(),
	}, discordgo.WithContext(ctx))
	return err
}

// postProblem names why posting failed, in words for a moderator.
func postProblem(err error) string {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		switch re.Response.StatusCode {
		case 404:
			return "the channel seems to be deleted"
		case 403:
			return "I lack the permission to post there"
		}
	}
	return "Discord refused the message"
}
