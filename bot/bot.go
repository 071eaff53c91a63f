// Package bot is storybot's Discord host and the toolkit of its plugins.
//
// A [Bot] serves one discordgo session (see [NewSession]): [Bot.Run]
// connects, registers the commands of its [Plugin]s, serves until its
// context is cancelled and then shuts down gracefully. Every interaction
// goes through one [Router] (command path or custom-ID prefix → [Handler])
// within the same middleware: [Recover] from panics, [Report] errors as
// the short text [ErrorMessage] picks, and [Defer] what is not answered
// within [Options.DeferAfter]. A handler answers through one responder,
// [Interaction].
//
// The toolkit is what plugins share: rendering answers within Discord's
// message limits, with their Sources buttons ([RenderAnswer],
// [SourceIDs], which the bot answers itself), messages that ping no one
// ([Reply], [EditMessage], [NoMentions]), a rate [Limiter], the question
// limit ([CheckQuestion]) and the moderator check ([IsModerator],
// [ModeratorsOnly]).
//
// The plugins are storybot/bot/ask (/ask, /search, /source, /story,
// mentions and threads) and storybot/bot/qa (moderated Q&A sessions).
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
)

// Plugin adds commands, buttons, forms and message handlers to a bot.
type Plugin interface {
	// Register adds the plugin's routes to r; [New] calls it once.
	Register(r *Router)
}

// Passages looks up the passages behind Sources buttons; *answer.Engine
// implements it.
type Passages interface {
	// Source returns a passage by citation ID or reference.
	Source(id string) (answer.Source, error)
}

var _ Passages = (*answer.Engine)(nil)

// Options configure a [Bot]. Zero values mean the documented defaults.
type Options struct {
	// Logger receives the bot's logs; nil means [slog.Default].
	Logger *slog.Logger
	// GuildID registers the commands in that server only (instantly);
	// empty registers them globally.
	GuildID string
	// Plugins add the commands; see [Plugin].
	Plugins []Plugin

	// Sources decodes the custom IDs of the Sources buttons under answers,
	// which the bot answers with the passages from Passages. Give plugins
	// that render answers ([RenderAnswer]) the same one. Nil means a new one
	// remembering 2000 long lists.
	Sources *SourceIDs
	// Passages looks up the passages of Sources buttons; nil leaves the
	// buttons to say they no longer work.
	Passages Passages

	// DeferAfter is how long an interaction waits for its handler's
	// response before it is acknowledged with "thinking…" and answered by
	// an edit later. Default 800ms; Discord allows 3 s.
	DeferAfter time.Duration
	// ShutdownTimeout is how long running handlers may finish after the
	// context of [Bot.Run] is cancelled. Default 20s.
	ShutdownTimeout time.Duration
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
	if o.DeferAfter <= 0 {
		o.DeferAfter = 800 * time.Millisecond
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 20 * time.Second
	}
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = 10 * time.Second
	}
}

// Bot serves one Discord session.
type Bot struct {
	s      *discordgo.Session
	opts   Options
	log    *slog.Logger
	router *Router

	mu      sync.Mutex
	closing bool
	running sync.WaitGroup
	work    context.Context // for handlers; outlives Run's context by ShutdownTimeout
	ready   chan *discordgo.Ready
}

// New returns a bot serving s with opts, its plugins registered. Configure
// the session's intents with [Intents] and its REST base with
// [NewSession].
func New(s *discordgo.Session, opts Options) (*Bot, error) {
	if s == nil {
		return nil, errors.New("bot: nil session")
	}
	opts.setDefaults()
	b := &Bot{
		s:      s,
		opts:   opts,
		log:    opts.Logger,
		router: NewRouter(),
		work:   context.Background(),
		ready:  make(chan *discordgo.Ready, 1),
	}
	b.router.Use(Recover(b.log), Report(b.log), Defer(opts.DeferAfter))
	if opts.Passages != nil {
		registerSources(b.router, opts.Sources, opts.Passages, b.log)
	}
	for _, p := range opts.Plugins {
		p.Register(b.router)
	}
	return b, nil
}

// Commands returns every application command of the plugins.
func (b *Bot) Commands() []*discordgo.ApplicationCommand { return b.router.Commands() }

// Run connects to Discord, registers the commands by bulk overwrite (in
// [Options.GuildID] or globally), logs the invite link, and serves until
// ctx is cancelled. Then it takes no new work, lets running handlers finish
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

// onInteraction serves an interaction through the router, or tells the
// user the bot is restarting.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic.Interaction == nil {
		return
	}
	x := NewInteraction(s, ic.Interaction)
	ctx, ok := b.begin()
	if !ok {
		if ic.Type != discordgo.InteractionApplicationCommandAutocomplete {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = x.Notice(sctx, msgShuttingDown)
		}
		return
	}
	defer b.end()
	if err := b.router.Serve(ctx, x); err != nil {
		b.log.Error("interaction failed", "err", err, "interaction", ic.ID, "type", ic.Type.String())
	}
}

// onMessage gives the message handlers every message not sent by a bot
// (the bot itself included) or a webhook.
func (b *Bot) onMessage(s *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	if m == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" {
		return
	}
	if me := BotID(s); me == "" || m.Author.ID == me {
		return
	}
	ctx, ok := b.begin()
	if !ok {
		return
	}
	defer b.end()
	defer b.recoverMessage(ctx, s, m)
	b.reportMessage(ctx, s, m, b.router.ServeMessage(ctx, s, m))
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

// BotID returns the ID of the bot user of s, "" before READY.
func BotID(s *discordgo.Session) string {
	s.State.RLock()
	defer s.State.RUnlock()
	if u := s.State.User; u != nil {
		return u.ID
	}
	return ""
}
