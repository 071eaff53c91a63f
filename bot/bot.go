// Package bot answers questions about a story on Discord: it turns slash
// commands, message commands, mentions and questions in chosen channels into
// [answer.Question]s, and answers into Discord messages that stay within
// Discord's limits and ping no one.
//
// A [Bot] is built on a discordgo session (see [NewSession]) and an [Engine];
// [Bot.Run] connects, registers the commands, serves until its context is
// cancelled and then shuts down gracefully. Packages that add commands (such
// as moderated Q&A) plug in as [Extension]s and reuse the rendering and
// response helpers ([RenderAnswer], [Respond], [Defer], [Edit], [Followup],
// [Reply], [NoMentions], [IsModerator]).
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
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

// Engine is what the bot answers from; *answer.Engine implements it.
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

// Extension adds commands and interactions to the bot, such as moderated
// Q&A sessions.
type Extension interface {
	// Commands returns the extension's application commands; they are
	// registered together with the bot's own.
	Commands() []*discordgo.ApplicationCommand
	// HandleInteraction handles i and reports true when it is the
	// extension's (one of its commands, or a custom_id prefix it owns). It is
	// called before the bot's own handlers, in the order of
	// [Options.Extensions], with a context that outlives the event for
	// graceful shutdown. A panic is recovered by the bot.
	HandleInteraction(ctx context.Context, s *discordgo.Session, i *discordgo.InteractionCreate) (handled bool)
}

// Options configure a [Bot]. Zero values mean the documented defaults.
type Options struct {
	// Engine answers and looks passages up. Required.
	Engine Engine
	// Feedback records 👍/👎; nil logs feedback only.
	Feedback FeedbackRecorder
	// Logger receives the bot's logs; nil means [slog.Default].
	Logger *slog.Logger

	// GuildID registers the commands in that server only (instantly);
	// empty registers them globally.
	GuildID string
	// DiscussionChannels are channel IDs where questions are answered
	// without a mention. They need the MESSAGE_CONTENT intent.
	DiscussionChannels []string
	// Extensions add commands; see [Extension].
	Extensions []Extension
	// Sources encodes the custom IDs of "Sources" buttons, which the bot
	// answers. Give extensions that render answers ([RenderAnswer]) the same
	// one. Nil means a new one remembering 2000 long lists.
	Sources *SourceIDs

	// MaxQuestion caps a question's length in characters. Default 500.
	MaxQuestion int
	// UserRate and ChannelRate are questions a minute per user and per
	// channel, with bursts UserBurst and ChannelBurst. Defaults 6/3 and
	// 30/10; a negative rate means no limit.
	UserRate, ChannelRate   float64
	UserBurst, ChannelBurst int

	// DeferAfter is how long an interaction waits for an answer before
	// acknowledging it with "thinking…" and editing later. Default 800ms;
	// Discord allows 3 s.
	DeferAfter time.Duration
	// AnswerTimeout bounds one answer. Default 60s.
	AnswerTimeout time.Duration
	// EditInterval is the least time between two edits of a streaming
	// answer. Default 1s.
	EditInterval time.Duration
	// ShutdownTimeout is how long running answers may finish after the
	// context of [Bot.Run] is cancelled. Default 20s.
	ShutdownTimeout time.Duration
	// HistoryTurns and HistoryAge bound the earlier questions a follow-up is
	// answered with. Defaults 6 and 30 minutes.
	HistoryTurns int
	HistoryAge   time.Duration
	// ReadyTimeout bounds connecting and registering commands. Default 10s.
	ReadyTimeout time.Duration
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Sources == nil {
		o.Sources = NewSourceIDs(2000)
	}
	if o.MaxQuestion <= 0 {
		o.MaxQuestion = 500
	}
	if o.UserRate == 0 {
		o.UserRate, o.UserBurst = 6, max(o.UserBurst, 3)
	}
	if o.ChannelRate == 0 {
		o.ChannelRate, o.ChannelBurst = 30, max(o.ChannelBurst, 10)
	}
	if o.DeferAfter <= 0 {
		o.DeferAfter = 800 * time.Millisecond
	}
	if o.AnswerTimeout <= 0 {
		o.AnswerTimeout = 60 * time.Second
	}
	if o.EditInterval <= 0 {
		o.EditInterval = time.Second
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 20 * time.Second
	}
	if o.HistoryTurns <= 0 {
		o.HistoryTurns = 6
	}
	if o.HistoryAge <= 0 {
		o.HistoryAge = 30 * time.Minute
	}
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = 10 * time.Second
	}
}

// Bot serves one Discord session.
type Bot struct {
	s          *discordgo.Session
	opts       Options
	log        *slog.Logger
	discussion map[string]bool
	sources    *SourceIDs
	users      *Limiter
	channels   *Limiter
	memory     *memory
	// convOf maps the bot's answer messages to their conversation, so a
	// reply to one continues it.
	convOf *lru[string, string]
	// threads holds the threads the bot has answered in.
	threads *lru[string, bool]
	// noticed remembers when a user was last told they ask too fast, so
	// the notice is not repeated in a channel on every message.
	noticed *lru[string, time.Time]

	mu      sync.Mutex
	closing bool
	running sync.WaitGroup
	work    context.Context // for handlers; outlives Run's context by ShutdownTimeout
	appID   string
	ready   chan *discordgo.Ready
}

// New returns a bot serving s with opts. Configure the session's intents
// with [Intents] and its REST base with [NewSession].
func New(s *discordgo.Session, opts Options) (*Bot, error) {
	if s == nil {
		return nil, errors.New("bot: nil session")
	}
	if opts.Engine == nil {
		return nil, errors.New("bot: no engine")
	}
	opts.setDefaults()
	b := &Bot{
		s:          s,
		opts:       opts,
		log:        opts.Logger,
		discussion: make(map[string]bool),
		sources:    opts.Sources,
		users:      NewLimiter(opts.UserRate, opts.UserBurst, 10000),
		channels:   NewLimiter(opts.ChannelRate, opts.ChannelBurst, 10000),
		memory:     newMemory(5000, opts.HistoryTurns, opts.HistoryAge),
		convOf:     newLRU[string, string](20000),
		threads:    newLRU[string, bool](5000),
		noticed:    newLRU[string, time.Time](10000),
		work:       context.Background(),
		ready:      make(chan *discordgo.Ready, 1),
	}
	for _, id := range opts.DiscussionChannels {
		b.discussion[id] = true
	}
	return b, nil
}

// Commands returns every application command: the bot's and its extensions'.
func (b *Bot) Commands() []*discordgo.ApplicationCommand {
	cmds := Commands(b.opts.Engine.HasModel(), b.opts.MaxQuestion)
	for _, x := range b.opts.Extensions {
		cmds = append(cmds, x.Commands()...)
	}
	return cmds
}

// Run connects to Discord, registers the commands by bulk overwrite (in
// [Options.GuildID] or globally), logs the invite link, and answers until
// ctx is cancelled. Then it takes no new work, lets running answers finish
// for up to [Options.ShutdownTimeout], and closes the session.
func (b *Bot) Run(ctx context.Context) error {
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	b.mu.Lock()
	b.work = work
	b.mu.Unlock()

	removers := []func(){
		b.s.AddHandler(b.onReady),
		b.s.AddHandler(b.onInteraction),
		b.s.AddHandler(b.onMessage),
	}
	defer func() {
		for _, r := range removers {
			r()
		}
	}()

	start := time.Now()
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("connect to Discord: %w", err)
	}
	if err := b.register(ctx, start); err != nil {
		b.s.Close()
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}

	<-ctx.Done()
	b.log.Info("shutting down", "running_answers_timeout", b.opts.ShutdownTimeout)
	b.shutdown(cancelWork)
	if err := b.s.Close(); err != nil {
		return fmt.Errorf("close Discord session: %w", err)
	}
	b.log.Info("stopped")
	return nil
}

// register waits for READY and overwrites the commands.
func (b *Bot) register(ctx context.Context, start time.Time) error {
	rctx, cancel := context.WithTimeout(ctx, b.opts.ReadyTimeout)
	defer cancel()
	var r *discordgo.Ready
	select {
	case r = <-b.ready:
	case <-rctx.Done():
		return fmt.Errorf("wait for Discord READY: %w", rctx.Err())
	}
	appID := r.User.ID
	if r.Application != nil && r.Application.ID != "" {
		appID = r.Application.ID
	}
	b.mu.Lock()
	b.appID = appID
	b.mu.Unlock()
	cmds := b.Commands()
	if _, err := b.s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, cmds, discordgo.WithContext(rctx)); err != nil {
		return fmt.Errorf("register commands: %w", err)
	}
	scope := "global"
	if b.opts.GuildID != "" {
		scope = "guild " + b.opts.GuildID
	}
	b.log.Info("ready",
		"user", r.User.Username, "application", appID, "commands", len(cmds), "scope", scope,
		"discussion_channels", len(b.discussion), "model", b.opts.Engine.HasModel(),
		"elapsed", time.Since(start).Round(time.Millisecond))
	b.log.Info("invite the bot with this link", "url", InviteURL(appID, b.opts.GuildID), "permissions", Permissions)
	return nil
}

func (b *Bot) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	if r.User == nil {
		return
	}
	select {
	case b.ready <- r:
	default: // a later READY (re-identify): commands are registered already
	}
}

// begin registers a unit of work, or reports false when shutting down.
func (b *Bot) begin() (context.Context, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return nil, false
	}
	b.running.Add(1)
	return b.work, true
}

func (b *Bot) end() { b.running.Done() }

// shutdown stops new work and waits for running work, cancelling it after
// the shutdown timeout.
func (b *Bot) shutdown(cancelWork context.CancelFunc) {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.running.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(b.opts.ShutdownTimeout):
		b.log.Warn("running answers did not finish in time; cancelling them")
		cancelWork()
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		b.log.Error("running answers did not stop after cancellation")
	}
}

func (b *Bot) botID() string {
	b.s.State.RLock()
	defer b.s.State.RUnlock()
	if u := b.s.State.User; u != nil {
		return u.ID
	}
	return ""
}
