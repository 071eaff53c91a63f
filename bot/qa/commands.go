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

// command is /qa with the subcommands start, end, status, ask, queue and
// next.
func (p *Plugin) command() *discordgo.ApplicationCommand {
	one := 1
	maxTitle := qa.MaxTitleLen
	return &discordgo.ApplicationCommand{
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
						Required: true, MinLength: &one, MaxLength: p.maxQuestion},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "queue", Description: "List open questions by votes (moderators)"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "next", Description: "Post the top approved question waiting for an answer (moderators)"},
		},
	}
}

// usage answers /qa without a subcommand it knows.
func (p *Plugin) usage(ctx context.Context, x *bot.Interaction) error {
	if bot.Path(x.Interaction) != "/"+CommandName {
		return x.Respond(ctx, bot.RenderNotice("Unknown subcommand."))
	}
	return x.Respond(ctx, bot.RenderNotice("Use one of `/qa start`, `/qa ask`, `/qa status`, `/qa queue`, `/qa next`, `/qa end`."))
}

// start opens a session in the channel and posts its banner.
func (p *Plugin) start(ctx context.Context, x *bot.Interaction) error {
	title := strings.TrimSpace(x.StringOption("title"))
	queueChannel := x.StringOption("queue-channel")
	if n := utf8.RuneCountInString(title); n > qa.MaxTitleLen {
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("The title is %d characters long; the limit is %d.", n, qa.MaxTitleLen)))
	}
	if queueChannel == "" {
		queueChannel = x.ChannelID
	}
	if err := x.Defer(ctx); err != nil {
		return err
	}
	sess, err := p.st.StartSession(ctx, qa.NewSession{GuildID: x.GuildID, ChannelID: x.ChannelID,
		QueueChannelID: queueChannel, Title: title, StartedBy: x.UserID(), StartedByName: x.DisplayName()})
	if errors.Is(err, qa.ErrSessionActive) {
		return x.Respond(ctx, bot.RenderNotice("A Q&A session is already running in this channel. End it with `/qa end` first."))
	}
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	p.log.Info("qa: session started", "guild", sess.GuildID, "session", sess.ID, "channel", sess.ChannelID, "queue", sess.QueueChannelID)
	banner, err := bot.Reply(ctx, x.Session, sess.ChannelID, nil, renderBanner(sess))
	if err != nil {
		p.log.Error("qa: post banner", "session", sess.ID, "channel", sess.ChannelID, "err", err)
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("The session (#%d) started, but I couldn't post its banner here (%s). "+
			"People can still ask with `/qa ask`.", sess.ID, postProblem(err))))
	}
	if err := p.st.SetBannerMessage(ctx, sess.GuildID, sess.ID, banner.ID); err != nil {
		p.log.Error("qa: record banner", "session", sess.ID, "err", err)
	}
	where := "here"
	if sess.QueueChannelID != sess.ChannelID {
		where = "in <#" + sess.QueueChannelID + ">"
	}
	return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Session #%d started. Question cards will appear %s.", sess.ID, where)))
}

// sessionFor finds the open session a moderator command in channelID is
// about: the channel's own, or the one whose queue is in that channel.
func (p *Plugin) sessionFor(ctx context.Context, guildID, channelID string) (qa.Session, error) {
	sess, err := p.st.ActiveSession(ctx, guildID, channelID)
	if err == nil || !errors.Is(err, qa.ErrNotFound) {
		return sess, err
	}
	all, err := p.st.ActiveSessions(ctx, guildID)
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
func (p *Plugin) noSession(ctx context.Context, guildID string) bot.Message {
	all, err := p.st.ActiveSessions(ctx, guildID)
	if err != nil || len(all) == 0 {
		return bot.RenderNotice(msgNoSession)
	}
	var chans []string
	for _, s := range all {
		if len(chans) == 10 {
			break
		}
		chans = append(chans, "<#"+s.ChannelID+">")
	}
	return bot.RenderNotice(msgNoSession + " Sessions are running in " + strings.Join(chans, ", ") + ".")
}

// channelSession finds the session of the interaction's channel. When
// there is none it tells the user so and reports !ok, with the error of
// telling.
func (p *Plugin) channelSession(ctx context.Context, x *bot.Interaction) (qa.Session, bool, error) {
	sess, err := p.sessionFor(ctx, x.GuildID, x.ChannelID)
	switch {
	case errors.Is(err, qa.ErrNotFound):
		return qa.Session{}, false, x.Respond(ctx, p.noSession(ctx, x.GuildID))
	case err != nil:
		return qa.Session{}, false, fmt.Errorf("find session: %w", err)
	}
	return sess, true, nil
}

// end closes the session, retires its banner and posts the summary with the
// transcript.
func (p *Plugin) end(ctx context.Context, x *bot.Interaction) error {
	if err := x.Defer(ctx); err != nil {
		return err
	}
	sess, ok, err := p.channelSession(ctx, x)
	if !ok {
		return err
	}
	sess, err = p.st.EndSession(ctx, x.GuildID, sess.ID, x.UserID())
	if errors.Is(err, qa.ErrSessionEnded) {
		return x.Respond(ctx, bot.RenderNotice(msgEnded))
	}
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	p.log.Info("qa: session ended", "guild", sess.GuildID, "session", sess.ID)
	if sess.BannerMessageID != "" {
		if err := bot.EditMessage(ctx, x.Session, sess.ChannelID, sess.BannerMessageID, renderEndedBanner(sess)); err != nil {
			p.log.Warn("qa: retire banner", "session", sess.ID, "err", err)
		}
	}
	qs, err := p.st.Transcript(ctx, sess.GuildID, sess.ID)
	if err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	// Cards and public posts of undecided questions lose their buttons.
	for _, q := range qs {
		if !q.Duplicate() && (q.Status == qa.StatusPending || q.Status == qa.StatusApproved) {
			p.refreshCard(ctx, x.Session, q, false)
		}
	}
	counts, err := p.st.SessionCounts(ctx, sess.GuildID, sess.ID)
	if err != nil {
		return fmt.Errorf("session counts: %w", err)
	}
	md := qa.RenderTranscript(sess, qs)
	transcript := func() []*discordgo.File {
		return []*discordgo.File{{Name: fmt.Sprintf("qa-session-%d.md", sess.ID),
			ContentType: "text/markdown; charset=utf-8", Reader: bytes.NewReader(md)}}
	}
	m := renderSummary(sess, counts)
	m.Files = transcript()
	if _, err := bot.Reply(ctx, x.Session, sess.ChannelID, nil, m); err != nil {
		p.log.Error("qa: post transcript", "session", sess.ID, "channel", sess.ChannelID, "err", err)
		// The moderator gets the transcript privately instead.
		if err := x.Followup(ctx, bot.Message{
			Content: bot.Truncate(fmt.Sprintf("The session ended, but I couldn't post the summary in <#%s> (%s). Here is the transcript.",
				sess.ChannelID, postProblem(err)), bot.MaxContent),
			Files: transcript(),
		}); err != nil {
			return fmt.Errorf("send transcript privately: %w", err)
		}
		return x.Respond(ctx, bot.RenderNotice("Session ended; the transcript is in the message below."))
	}
	return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Session #%d ended; the summary and transcript are posted in <#%s>.", sess.ID, sess.ChannelID)))
}

// status shows the counts of the channel's session.
func (p *Plugin) status(ctx context.Context, x *bot.Interaction) error {
	sess, ok, err := p.channelSession(ctx, x)
	if !ok {
		return err
	}
	c, err := p.st.SessionCounts(ctx, x.GuildID, sess.ID)
	if err != nil {
		return fmt.Errorf("session counts: %w", err)
	}
	return x.Respond(ctx, renderStatus(sess, c))
}

// queue lists the open questions by votes, privately.
func (p *Plugin) queue(ctx context.Context, x *bot.Interaction) error {
	sess, ok, err := p.channelSession(ctx, x)
	if !ok {
		return err
	}
	qs, err := p.st.Queue(ctx, x.GuildID, sess.ID, "", 0)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return x.Respond(ctx, renderQueue(sess, qs))
}

// next posts the top approved question still waiting for an answer.
func (p *Plugin) next(ctx context.Context, x *bot.Interaction) error {
	if err := x.Defer(ctx); err != nil {
		return err
	}
	sess, ok, err := p.channelSession(ctx, x)
	if !ok {
		return err
	}
	q, err := p.st.NextApproved(ctx, x.GuildID, sess.ID, x.UserID())
	switch {
	case errors.Is(err, qa.ErrNotFound):
		return x.Respond(ctx, bot.RenderNotice("No approved question is waiting for an answer."))
	case errors.Is(err, qa.ErrSessionEnded):
		return x.Respond(ctx, bot.RenderNotice(msgEnded))
	case err != nil:
		return fmt.Errorf("next approved: %w", err)
	}
	p.refreshCard(ctx, x.Session, q, true)
	if _, err := bot.Reply(ctx, x.Session, sess.ChannelID, nil, renderNext(q)); err != nil {
		p.log.Error("qa: post next question", "question", q.ID, "channel", sess.ChannelID, "err", err)
		return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Question #%d is next, but I couldn't post it in <#%s> (%s). It is marked as posted; here it is:\n%s",
			q.ID, sess.ChannelID, postProblem(err), quote(bot.Truncate(q.Text, 1000)))))
	}
	return x.Respond(ctx, bot.RenderNotice(fmt.Sprintf("Posted question #%d in <#%s>. Answer it with the card's “Answer myself” button.", q.ID, sess.ChannelID)))
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
