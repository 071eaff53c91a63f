package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
)

// noticeEvery is how often a user is told, in a channel, that they ask too fast.
const noticeEvery = time.Minute

// onMessage answers messages that mention the bot, reply to it, are sent
// to it directly, or ask a question in a discussion channel or in a thread
// the bot answered in. Messages of bots, the bot's own included, are ignored.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	if m == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" {
		return
	}
	me := b.botID()
	if me == "" || m.Author.ID == me {
		return
	}
	text, mentioned := StripMention(m.Content, me)
	for _, u := range m.Mentions {
		if u != nil && u.ID == me {
			mentioned = true
		}
	}
	ref := m.ReferencedMessage
	replyToBot := ref != nil && ref.Author != nil && ref.Author.ID == me
	direct := m.GuildID == ""
	inThread := b.threadAnswered(m.ChannelID)
	addressed := mentioned || replyToBot || direct
	if !addressed && !((b.discussion[m.ChannelID] || b.discussion[b.parentOf(m.ChannelID)] || inThread) && IsQuestion(text)) {
		return
	}

	ctx, ok := b.begin()
	if !ok {
		return
	}
	defer b.end()
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("panic handling message", "panic", r, "message", m.ID, "stack", string(debug.Stack()))
			b.reply(ctx, m, RenderNotice(msgSorry))
		}
	}()

	if text == "" {
		b.reply(ctx, m, RenderNotice("Ask me something about the story, e.g. “@me where did they meet?”, or try `/story`."))
		return
	}
	if n := runes(text); n > b.opts.MaxQuestion {
		b.reply(ctx, m, RenderNotice(fmt.Sprintf("Your question is %d characters long; the limit is %d. Please shorten it.", n, b.opts.MaxQuestion)))
		return
	}
	if msg, ok := b.allow(m.Author, m.ChannelID); !ok {
		// Say so once in a while when asked directly; ignore ambient questions.
		if addressed && b.shouldNotice(m.Author.ID) {
			b.reply(ctx, m, RenderNotice(msg))
		}
		return
	}

	conv := b.conversation(m, replyToBot)
	now := time.Now()
	q := answer.Question{Text: text, History: b.memory.history(conv, now)}
	actx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	a, err := b.opts.Engine.Answer(actx, q)
	cancel()
	if err != nil {
		msg := msgSorry
		switch {
		case userErr(err):
			msg = capitalize(err.Error()) + "."
		case actx.Err() != nil:
			msg = msgTimeout
			b.log.Error("answer timed out", "message", m.ID, "err", err)
		default:
			b.log.Error("answer", "message", m.ID, "err", err)
		}
		b.reply(ctx, m, RenderNotice(msg))
		return
	}
	b.memory.add(conv, text, now)
	if b.isThreadChannel(m.ChannelID) {
		b.threads.put(m.ChannelID, true)
	}
	for n, part := range RenderAnswer(a, b.sources) {
		target := m
		if n > 0 {
			target = nil
		}
		sent, err := Reply(ctx, s, m.ChannelID, target, part)
		if err != nil {
			b.log.Error("send answer", "message", m.ID, "channel", m.ChannelID, "err", err)
			return
		}
		b.convOf.put(sent.ID, conv)
	}
	b.log.Info("answered message", "message", m.ID, "mode", a.Mode, "found", a.Found,
		"citations", len(a.Citations), "history", len(q.History))
}

// conversation returns the key of the conversation m continues: its thread
// when it is in one, the conversation of the bot message it replies to, or
// a new one starting at m.
func (b *Bot) conversation(m *discordgo.Message, replyToBot bool) string {
	if b.isThreadChannel(m.ChannelID) {
		return "c:" + m.ChannelID
	}
	if replyToBot {
		ref := m.ReferencedMessage
		if c, ok := b.convOf.get(ref.ID); ok {
			return c
		}
		// The bot's answer replies to the question that started it.
		if r := ref.MessageReference; r != nil && r.MessageID != "" {
			return "m:" + r.MessageID
		}
		return "m:" + ref.ID
	}
	return "m:" + m.ID
}

func (b *Bot) reply(ctx context.Context, m *discordgo.Message, msg Message) {
	if _, err := Reply(ctx, b.s, m.ChannelID, m, msg); err != nil {
		b.log.Error("reply", "message", m.ID, "channel", m.ChannelID, "err", err)
	}
}

func (b *Bot) shouldNotice(userID string) bool {
	now := time.Now()
	if last, ok := b.noticed.get(userID); ok && now.Sub(last) < noticeEvery {
		return false
	}
	b.noticed.put(userID, now)
	return true
}

// isThreadChannel reports whether the gateway told us channelID is a thread.
func (b *Bot) isThreadChannel(channelID string) bool {
	ch, err := b.s.State.Channel(channelID)
	return err == nil && ch.IsThread()
}

// threadAnswered reports whether channelID is a thread the bot answered in.
func (b *Bot) threadAnswered(channelID string) bool {
	_, ok := b.threads.get(channelID)
	return ok
}

// isThread reports whether channelID is a thread with a conversation.
func (b *Bot) isThread(channelID string) bool {
	return b.isThreadChannel(channelID) || b.threadAnswered(channelID)
}

// parentOf returns the channel a thread belongs to, or "".
func (b *Bot) parentOf(channelID string) string {
	ch, err := b.s.State.Channel(channelID)
	if err != nil || !ch.IsThread() {
		return ""
	}
	return ch.ParentID
}
