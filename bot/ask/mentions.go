package ask

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/library/shelf"
)

// noticeEvery is how often a user is told, in a channel, that they ask too fast.
const noticeEvery = time.Minute

// onMessage answers messages that mention the bot, reply to it, are sent
// to it directly, or ask a question in a discussion channel or in a thread
// the bot answered in. The bot gives it no message of a bot.
func (p *Plugin) onMessage(ctx context.Context, s *discordgo.Session, m *discordgo.Message) error {
	me := bot.BotID(s)
	text, mentioned := StripMention(m.Content, me)
	for _, u := range m.Mentions {
		if u != nil && u.ID == me {
			mentioned = true
		}
	}
	ref := m.ReferencedMessage
	replyToBot := ref != nil && ref.Author != nil && ref.Author.ID == me
	direct := m.GuildID == ""
	inThread := p.threadAnswered(m.ChannelID)
	addressed := mentioned || replyToBot || direct
	if !addressed && !((p.discussion[m.ChannelID] || p.discussion[parentOf(s, m.ChannelID)] || inThread) && IsQuestion(text)) {
		return nil
	}
	if text == "" {
		return bot.Refuse("Ask me something about the story, e.g. “@me where did they meet?”, or try `/story`.")
	}
	if err := bot.CheckQuestion(text, p.opts.MaxQuestion); err != nil {
		return err
	}
	if err := p.allow(m.Author, m.ChannelID); err != nil {
		// Say so once in a while when asked directly; ignore ambient questions.
		if addressed && p.shouldNotice(m.Author.ID) {
			return err
		}
		return nil
	}

	conv := p.conversation(s, m, replyToBot)
	now := time.Now()
	q := answer.Question{Text: text, History: p.memory.history(conv, now)}
	actx, cancel := context.WithTimeout(ctx, p.opts.AnswerTimeout)
	defer cancel()
	// Every reply here is public: never beyond the channel's progress.
	pk, err := p.pick(actx, shelf.Reader{GuildID: m.GuildID, ChannelID: m.ChannelID, ParentID: parentOf(s, m.ChannelID),
		UserID: m.Author.ID, Public: true}, nil)
	if err != nil {
		return err
	}
	a, err := pk.eng.Answer(actx, q)
	if err != nil {
		return answerError(actx, err)
	}
	a = withOwnProgress(a, pk.view)
	p.memory.add(conv, text, now)
	if isThreadChannel(s, m.ChannelID) {
		p.threads.Put(m.ChannelID, true)
	}
	for n, part := range bot.RenderAnswer(ctx, a, p.sources) {
		target := m
		if n > 0 {
			target = nil
		}
		sent, err := bot.Reply(ctx, s, m.ChannelID, target, part)
		if err != nil {
			p.log.Error("send answer", "message", m.ID, "channel", m.ChannelID, "err", err)
			return nil
		}
		p.convOf.Put(sent.ID, conv)
	}
	p.log.Info("answered message", "message", m.ID, "mode", a.Mode, "found", a.Found,
		"citations", len(a.Citations), "history", len(q.History))
	return nil
}

// conversation returns the key of the conversation m continues: its thread
// when it is in one, the conversation of the bot message it replies to, or
// a new one starting at m.
func (p *Plugin) conversation(s *discordgo.Session, m *discordgo.Message, replyToBot bool) string {
	if isThreadChannel(s, m.ChannelID) {
		return "c:" + m.ChannelID
	}
	if replyToBot {
		ref := m.ReferencedMessage
		if c, ok := p.convOf.Get(ref.ID); ok {
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

func (p *Plugin) shouldNotice(userID string) bool {
	now := time.Now()
	if last, ok := p.noticed.Get(userID); ok && now.Sub(last) < noticeEvery {
		return false
	}
	p.noticed.Put(userID, now)
	return true
}

// isThreadChannel reports whether the gateway told s channelID is a thread.
func isThreadChannel(s *discordgo.Session, channelID string) bool {
	ch, err := s.State.Channel(channelID)
	return err == nil && ch.IsThread()
}

// threadAnswered reports whether channelID is a thread the bot answered in.
func (p *Plugin) threadAnswered(channelID string) bool {
	_, ok := p.threads.Get(channelID)
	return ok
}

// isThread reports whether channelID is a thread with a conversation.
func (p *Plugin) isThread(s *discordgo.Session, channelID string) bool {
	return isThreadChannel(s, channelID) || p.threadAnswered(channelID)
}

// parentOf returns the channel a thread belongs to, or "".
func parentOf(s *discordgo.Session, channelID string) string {
	ch, err := s.State.Channel(channelID)
	if err != nil || !ch.IsThread() {
		return ""
	}
	return ch.ParentID
}

// StripMention removes mentions of the user botID (<@id> and <@!id>) from
// content and reports whether there was one. The rest is trimmed and its
// inner whitespace kept.
func StripMention(content, botID string) (rest string, mentioned bool) {
	if botID == "" {
		return strings.TrimSpace(content), false
	}
	for _, m := range []string{"<@" + botID + ">", "<@!" + botID + ">"} {
		if strings.Contains(content, m) {
			mentioned = true
			content = strings.ReplaceAll(content, m, " ")
		}
	}
	return strings.Join(strings.Fields(content), " "), mentioned
}

// questionWords start a question in English.
var questionWords = map[string]bool{
	"who": true, "whom": true, "whose": true, "what": true, "when": true, "where": true,
	"why": true, "which": true, "how": true,
	"is": true, "are": true, "was": true, "were": true, "did": true, "does": true, "do": true,
	"can": true, "could": true, "will": true, "would": true, "should": true, "has": true, "have": true, "had": true,
}

var leadingMarkup = regexp.MustCompile(`^(?:<[@#][!&]?\d+>\s*)+`)

// IsQuestion reports whether a chat message asks something: it ends with a
// question mark, or starts with a question word such as "who", "how" or
// "did" and has at least three words. Greetings, thanks and short chatter
// ("what?", "lol?") are not questions.
func IsQuestion(text string) bool {
	text = strings.TrimSpace(leadingMarkup.ReplaceAllString(strings.TrimSpace(text), ""))
	if text == "" || strings.HasPrefix(text, "```") {
		return false
	}
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	if len(words) < 2 {
		return false
	}
	if strings.HasSuffix(strings.TrimRight(text, " )\"'*_"), "?") {
		return true
	}
	return len(words) >= 3 && questionWords[strings.ToLower(words[0])]
}
