// Package ask is the bot's question answering, a [bot.Plugin]: /ask,
// /search, /source with its autocompletion, /story, the message command
// "Ask the story", mentions, replies and direct messages, questions in
// discussion channels and in threads the bot answered in (with the memory
// of the conversation), and the 👍/👎 feedback on answers.
//
// With [Options].Books, every one of them answers from the book of the
// server's library the channel talks about, as far as the asker or the
// channel has read (see storybot/library/shelf); /ask and /search take
// book:, /ask spoilers:.
//
// Each command is one file: its definition, its handler and one line in
// [Plugin.Register].
package ask

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/bot/internal/lru"
	"storybot/qa"
)

// Answerer answers questions.
type Answerer interface {
	Answer(ctx context.Context, q answer.Question) (answer.Answer, error)
	// HasModel reports whether answers can be written by a language model.
	HasModel() bool
}

// Library looks passages of the corpus up.
type Library interface {
	Search(query string, k int) ([]answer.Citation, error)
	// Source returns a passage by citation ID or reference.
	Source(id string) (answer.Source, error)
	// Suggest returns passages whose reference starts with or contains prefix.
	Suggest(prefix string, k int) []answer.Citation
	Stats() answer.Stats
}

// Engine is what the plugin answers from; *answer.Engine implements it.
type Engine interface {
	Answerer
	Library
}

var _ Engine = (*answer.Engine)(nil)

// FeedbackRecorder stores the 👍 (+1) and 👎 (-1) clicks on answers;
// storybot/qa/sqlite implements it.
type FeedbackRecorder interface {
	RecordFeedback(ctx context.Context, f qa.Feedback) error
}

// Options configure [New]. Zero values mean the documented defaults.
type Options struct {
	// Engine answers and looks passages up. Required.
	Engine Engine
	// Feedback records 👍/👎; nil logs feedback only.
	Feedback FeedbackRecorder
	// Logger receives the plugin's logs; nil means [slog.Default].
	Logger *slog.Logger
	// Sources encodes the custom IDs of the Sources buttons under answers;
	// give it the bot's [bot.Options.Sources]. Nil means a new one
	// remembering 2000 long lists.
	Sources *bot.SourceIDs

	// MaxQuestion caps a question's length in characters. Default
	// [bot.DefaultMaxQuestion].
	MaxQuestion int
	// DiscussionChannels are channel IDs where questions are answered
	// without a mention. They need the MESSAGE_CONTENT intent.
	DiscussionChannels []string
	// UserRate and ChannelRate are questions a minute per user and per
	// channel, with bursts UserBurst and ChannelBurst. Defaults 6/3 and
	// 30/10; a negative rate means no limit.
	UserRate, ChannelRate   float64
	UserBurst, ChannelBurst int

	// AnswerTimeout bounds one answer. Default 60s.
	AnswerTimeout time.Duration
	// EditInterval is the least time between two edits of a streaming
	// answer. Default 1s.
	EditInterval time.Duration
	// HistoryTurns and HistoryAge bound the earlier questions a follow-up is
	// answered with. Defaults 6 and 30 minutes.
	HistoryTurns int
	HistoryAge   time.Duration

	// Books, when set, picks the book every question is answered from: the
	// one the channel, its thread's channel or the server chose from its
	// library, or the one asked for with book:, seen as far as the asker
	// or the channel has read (see storybot/library/shelf). /ask and
	// /search then take book:, and /ask spoilers:. Nil answers everything
	// from Engine.
	Books Books
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Sources == nil {
		o.Sources = bot.NewSourceIDs(nil, o.Logger)
	}
	if o.MaxQuestion <= 0 {
		o.MaxQuestion = bot.DefaultMaxQuestion
	}
	if o.UserRate == 0 {
		o.UserRate, o.UserBurst = 6, max(o.UserBurst, 3)
	}
	if o.ChannelRate == 0 {
		o.ChannelRate, o.ChannelBurst = 30, max(o.ChannelBurst, 10)
	}
	if o.AnswerTimeout <= 0 {
		o.AnswerTimeout = 60 * time.Second
	}
	if o.EditInterval <= 0 {
		o.EditInterval = time.Second
	}
	if o.HistoryTurns <= 0 {
		o.HistoryTurns = 6
	}
	if o.HistoryAge <= 0 {
		o.HistoryAge = 30 * time.Minute
	}
}

// Plugin answers questions on Discord. It is safe for concurrent use.
type Plugin struct {
	opts       Options
	eng        Engine
	books      Books // nil: Engine answers everything
	log        *slog.Logger
	sources    *bot.SourceIDs
	discussion map[string]bool
	users      *bot.Limiter
	channels   *bot.Limiter
	memory     *memory
	// convOf maps the bot's answer messages to their conversation, so a
	// reply to one continues it.
	convOf *lru.Cache[string, string]
	// threads holds the threads the bot has answered in.
	threads *lru.Cache[string, bool]
	// noticed remembers when a user was last told they ask too fast, so
	// the notice is not repeated in a channel on every message.
	noticed *lru.Cache[string, time.Time]
}

var _ bot.Plugin = (*Plugin)(nil)

// New returns the plugin.
func New(opts Options) (*Plugin, error) {
	if opts.Engine == nil {
		return nil, errors.New("ask: no engine")
	}
	opts.setDefaults()
	p := &Plugin{
		opts:       opts,
		eng:        opts.Engine,
		books:      opts.Books,
		log:        opts.Logger,
		sources:    opts.Sources,
		discussion: make(map[string]bool),
		users:      bot.NewLimiter(opts.UserRate, opts.UserBurst, 10000),
		channels:   bot.NewLimiter(opts.ChannelRate, opts.ChannelBurst, 10000),
		memory:     newMemory(5000, opts.HistoryTurns, opts.HistoryAge),
		convOf:     lru.New[string, string](20000),
		threads:    lru.New[string, bool](5000),
		noticed:    lru.New[string, time.Time](10000),
	}
	for _, id := range opts.DiscussionChannels {
		p.discussion[id] = true
	}
	return p, nil
}

// Register implements [bot.Plugin].
func (p *Plugin) Register(r *bot.Router) {
	r.Command(askCommand(p.eng.HasModel(), p.opts.MaxQuestion, p.books != nil), p.ask)
	r.Command(searchCommand(p.opts.MaxQuestion, p.books != nil), p.search)
	if p.books != nil {
		r.Autocomplete("/"+CommandAsk, p.suggestBook)
		r.Autocomplete("/"+CommandSearch, p.suggestBook)
	}
	r.Command(sourceCommand, p.source)
	r.Autocomplete("/"+CommandSource, p.suggest)
	r.Command(storyCommand, p.story)
	r.Command(askStoryCommand, p.askMessage)
	r.Component(bot.FeedbackPrefix, p.feedback)
	r.Message(p.onMessage)
	p.log.Info("answering questions", "discussion_channels", len(p.discussion), "model", p.eng.HasModel(), "library", p.books != nil)
}

// Texts shown to users.
const (
	msgTimeout = "Sorry, that took too long to answer. Please try again, or ask more simply."
	msgEmpty   = "Please ask a question, e.g. `/ask question: Where did they meet?`"
)

// allow applies the per-user and per-channel rate limits and refuses a
// question asked too fast.
func (p *Plugin) allow(u *discordgo.User, channelID string) error {
	now := time.Now()
	if u != nil {
		if ok, wait := p.users.Allow(u.ID, now); !ok {
			return bot.RateLimitedf("You're asking quickly. Please wait %s and try again.", waitText(wait))
		}
	}
	if ok, wait := p.channels.Allow(channelID, now); !ok {
		return bot.RateLimitedf("This channel is asking a lot right now. Please wait %s and try again.", waitText(wait))
	}
	return nil
}

func waitText(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s <= 1 {
		return "a second"
	}
	return fmt.Sprintf("%d seconds", s)
}

// answerError is what the user is told of an engine's error: what is wrong
// with their question, that the answer took too long, or the default
// apology.
func answerError(actx context.Context, err error) error {
	switch {
	case errors.Is(err, answer.ErrEmptyQuestion) || errors.Is(err, answer.ErrInvalidQuestion) || errors.Is(err, answer.ErrUnknownRef):
		return bot.Refuse(capitalize(err.Error()) + ".")
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(actx.Err(), context.DeadlineExceeded):
		return bot.Explain(msgTimeout, fmt.Errorf("answer timed out: %w", err))
	}
	return fmt.Errorf("answer: %w", err)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
