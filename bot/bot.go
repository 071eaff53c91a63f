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
// With [Options.Sharding] a bot runs as one of several processes sharing
// the gateway's shards (storybot/bot/shard), and [Bot.ServeInteraction]
// serves interactions that arrive over HTTP (storybot/bot/interactions)
// through the same router.
//
// The plugins are storybot/bot/ask (/ask, /search, /source, /story,
// mentions and threads), storybot/bot/qa (moderated Q&A sessions) and
// storybot/bot/library (/book: the servers' libraries).
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
	"storybot/bot/gateway"
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
	// context of [Bot.Run] is cancelled; then they are cancelled and given
	// 1.5 s more, and the connection 1.5 s to close. Default 5s, so that
	// the bot stops within 10 s.
	ShutdownTimeout time.Duration
	// RegisterTimeout bounds registering the commands once READY.
	// Default 10s.
	RegisterTimeout time.Duration
	// Gateway tunes the gateway connection: its waits, backoff and attempts
	// (see storybot/bot/gateway); zero values mean its defaults. The token,
	// intents, URL look-up and event handler are the bot's own; a nil
	// Logger means the bot's.
	Gateway gateway.Options

	// Prepare, when set, runs once the gateway is READY, before the
	// commands are registered and events are served, and returns more
	// plugins: those that need a database, so that a bot that cannot
	// connect creates none. Events that arrive meanwhile wait. With
	// Sharding it runs at once, before connecting.
	Prepare func(ctx context.Context) ([]Plugin, error)

	// Sharding, when set, runs the bot on the shards of Discord's gateway
	// that this process holds among those it shares with other processes
	// (see [Sharding]); nil runs one connection without shards, which
	// Discord allows up to 2,500 servers.
	Sharding *Sharding
	// Commands, when set, registers the commands only when they changed
	// since a process last registered them: once among processes started
	// together, and not again at a restart. Nil registers them at every
	// start.
	Commands Once
	// Metrics, when set, receives what the bot measures (see [Metrics]).
	Metrics Metrics
}

// Once runs work once per version, whichever process gets there first;
// storybot/cluster's coordinators implement it.
type Once interface {
	Once(ctx context.Context, key, version string, do func(context.Context) error) (ran bool, err error)
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Sources == nil {
		o.Sources = NewSourceIDs(nil, o.Logger)
	}
	if o.DeferAfter <= 0 {
		o.DeferAfter = 800 * time.Millisecond
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 5 * time.Second
	}
	if o.RegisterTimeout <= 0 {
		o.RegisterTimeout = 10 * time.Second
	}
	if o.Gateway.Logger == nil {
		o.Gateway.Logger = o.Logger
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
	routed  chan struct{} // closed once every plugin's routes are registered
	stopped chan struct{} // closed when Run returns
	gateway *gateway.Gateway

	gwmu     sync.Mutex
	gateways map[int]*gateway.Gateway // by shard, 0 without sharding
	shards   func() []int             // the shards held, with Sharding
}

// New returns a bot serving s with opts, its plugins registered. Configure
// the session's intents with [Intents] and its REST base with
// [NewSession]. The bot uses s for REST and for its State; the gateway
// connection is the bot's own (storybot/bot/gateway), so s.Open is never
// called.
func New(s *discordgo.Session, opts Options) (*Bot, error) {
	if s == nil {
		return nil, errors.New("bot: nil session")
	}
	opts.setDefaults()
	b := &Bot{
		s:       s,
		opts:    opts,
		log:     opts.Logger,
		router:  NewRouter(),
		work:    context.Background(),
		ready:   make(chan *discordgo.Ready, 1),
		routed:  make(chan struct{}),
		stopped: make(chan struct{}),

		gateways: map[int]*gateway.Gateway{},
	}
	b.router.Use(Observe(opts.Metrics), Recover(b.log), Report(b.log), Defer(opts.DeferAfter))
	if opts.Passages != nil {
		SourceButtons{IDs: opts.Sources, Passages: opts.Passages, Logger: b.log}.Register(b.router)
	}
	for _, p := range opts.Plugins {
		p.Register(b.router)
	}
	return b, nil
}

// Commands returns every application command of the plugins.
func (b *Bot) Commands() []*discordgo.ApplicationCommand { return b.router.Commands() }

// Run connects to Discord, runs [Options.Prepare], registers the commands
// by bulk overwrite (in [Options.GuildID] or globally), logs the invite
// link, and serves until ctx is cancelled. Then it takes no new work, lets
// running handlers finish for up to [Options.ShutdownTimeout], and closes
// the connection. It returns an error when it cannot connect (the
// gateway's, such as a [*gateway.CloseError] for a rejected token), when
// Prepare or registering fails, or when Discord closes the connection for
// good while serving; nil after ctx is cancelled. Run may be called once.
func (b *Bot) Run(ctx context.Context) error {
	defer close(b.stopped)
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	b.mu.Lock()
	b.work = work
	b.mu.Unlock()
	if b.opts.Sharding != nil {
		return b.runSharded(ctx, cancelWork)
	}

	gopts := b.opts.Gateway
	gopts.Token = b.s.Token
	gopts.Intents = int(b.s.Identify.Intents)
	gopts.Lookup = b.lookup
	gopts.Handle = b.handler()
	b.gateway = gateway.New(gopts)
	b.track(0, b.gateway)
	gw := runGateway(ctx, b.gateway)
	defer gw.stop(b.log)

	start := time.Now()
	var r *discordgo.Ready
	select {
	case r = <-b.ready:
	case <-gw.done:
		if gw.err != nil {
			return fmt.Errorf("connect to Discord: %w", gw.err)
		}
		return nil
	case <-ctx.Done():
		return nil
	}
	if err := b.prepare(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	if err := b.register(ctx, r, start); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}

	var lost error
	select {
	case <-ctx.Done():
	case <-gw.done:
		lost = fmt.Errorf("disconnected from Discord: %w", gw.err)
		b.log.Error("the gateway connection ended for good", "err", gw.err)
	}
	b.log.Info("shutting down", "running_answers_timeout", b.opts.ShutdownTimeout)
	b.shutdown(cancelWork)
	gw.stop(b.log)
	st := b.gateway.Stats()
	b.log.Info("stopped", "connections", st.Connections, "identifies", st.Identifies, "resumes", st.Resumes)
	return lost
}

// runningGateway is a gateway's Run in its own goroutine.
type runningGateway struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned; err is set then
	err    error
	once   sync.Once
}

// runGateway runs g until stop; its context outlives ctx so that the
// connection stays up while running answers finish.
func runGateway(ctx context.Context, g *gateway.Gateway) *runningGateway {
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rg := &runningGateway{cancel: cancel, done: make(chan struct{})}
	go func() {
		rg.err = g.Run(gctx)
		close(rg.done)
	}()
	return rg
}

// stop closes the connection and waits for it, at most 1.5 s; later
// calls do nothing.
func (rg *runningGateway) stop(log *slog.Logger) {
	rg.once.Do(func() {
		rg.cancel()
		select {
		case <-rg.done:
		case <-time.After(1500 * time.Millisecond):
			log.Warn("the gateway connection did not close within 1.5s")
		}
	})
}

// lookup asks Discord for the gateway's URL (GET /gateway).
func (b *Bot) lookup(ctx context.Context) (string, error) {
	u, err := b.s.Gateway(discordgo.WithContext(ctx))
	if err != nil {
		err = RESTError(err)
		if errors.Is(err, ErrTokenRejected) {
			return "", gateway.Permanent(err)
		}
		return "", err
	}
	return u, nil
}

// prepare runs Options.Prepare and registers the routes of the plugins it
// returns; then events are served.
func (b *Bot) prepare(ctx context.Context) error {
	if b.opts.Prepare != nil {
		plugins, err := b.opts.Prepare(ctx)
		if err != nil {
			return err
		}
		for _, p := range plugins {
			p.Register(b.router)
		}
	}
	close(b.routed)
	return nil
}

// register overwrites the commands, within RegisterTimeout.
func (b *Bot) register(ctx context.Context, r *discordgo.Ready, start time.Time) error {
	rctx, cancel := context.WithTimeout(ctx, b.opts.RegisterTimeout)
	defer cancel()
	appID := r.User.ID
	if r.Application != nil && r.Application.ID != "" {
		appID = r.Application.ID
	}
	cmds := b.Commands()
	overwrite := func(ctx context.Context) error {
		b.log.Info("registering commands", "commands", len(cmds))
		// discordgo sleeps through a 429 without looking at the context:
		// wait for the answer beside it.
		done := make(chan error, 1)
		go func() {
			_, err := b.s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, cmds, discordgo.WithContext(ctx))
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("register commands: %w", RESTError(err))
			}
			return nil
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return fmt.Errorf("register commands: no answer within %v", b.opts.RegisterTimeout)
			}
			return ctx.Err()
		}
	}
	var err error
	if b.opts.Commands != nil {
		var ran bool
		ran, err = b.opts.Commands.Once(rctx, commandsKey(appID, b.opts.GuildID), commandsVersion(cmds), overwrite)
		if err == nil && !ran {
			b.log.Info("commands already registered, unchanged", "commands", len(cmds))
		}
	} else {
		err = overwrite(rctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
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
	b.serveInteraction(NewInteraction(s, ic.Interaction))
}

// serveInteraction serves x through the router, or tells the user the bot
// is restarting.
func (b *Bot) serveInteraction(x *Interaction) {
	ctx, ok := b.begin()
	if !ok {
		if x.Type != discordgo.InteractionApplicationCommandAutocomplete {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = x.Notice(sctx, msgShuttingDown)
		}
		return
	}
	defer b.end()
	if err := b.router.Serve(ctx, x); err != nil {
		b.log.Error("interaction failed", "err", err, "interaction", x.ID, "type", x.Type.String())
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
	start := time.Now()
	err := b.router.ServeMessage(ctx, s, m)
	if err != nil && b.opts.Metrics != nil {
		b.opts.Metrics.Message(Outcome(err), time.Since(start))
	}
	b.reportMessage(ctx, s, m, err)
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
	case <-time.After(1500 * time.Millisecond):
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
