package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/bot/gateway"
	"storybot/bot/shard"
)

// Sharding runs a bot on shards of Discord's gateway shared by several
// processes: each runs the connections of the shards it holds (see
// storybot/bot/shard), and whichever process holds a guild's shard gets
// its messages and gateway interactions.
type Sharding struct {
	// Count is the number of shards; 0 means Discord's recommendation (GET
	// /gateway/bot), or the count the other processes run on.
	Count int
	// Leases and Gate are shared with the other processes
	// (storybot/cluster). Required.
	Leases shard.Leases
	Gate   shard.Gate
	// Holder names this process in the leases, differently from every
	// other. Required.
	Holder string
	// Lease is how long a shard's claim lasts unless renewed (every third
	// of it); a dead process's shards are taken over within 4/3 of it.
	// Default 15s.
	Lease time.Duration
}

// Connected reports whether a gateway connection is READY: events arrive.
func (b *Bot) Connected() bool {
	b.gwmu.Lock()
	defer b.gwmu.Unlock()
	for _, g := range b.gateways {
		if g.Ready() {
			return true
		}
	}
	return false
}

// Serving reports whether the plugins' routes are registered, so that
// interactions are served rather than kept waiting.
func (b *Bot) Serving() bool {
	select {
	case <-b.routed:
		return true
	default:
		return false
	}
}

// Shards returns the shards this process holds: none before they are
// taken, and [0] without sharding once connected.
func (b *Bot) Shards() []int {
	b.gwmu.Lock()
	held := b.shards
	n := len(b.gateways)
	b.gwmu.Unlock()
	if held != nil {
		return held()
	}
	if n > 0 {
		return []int{0}
	}
	return nil
}

// track records shard's gateway while it runs.
func (b *Bot) track(id int, g *gateway.Gateway) {
	b.gwmu.Lock()
	b.gateways[id] = g
	b.gwmu.Unlock()
}

func (b *Bot) untrack(id int, g *gateway.Gateway) {
	b.gwmu.Lock()
	if b.gateways[id] == g {
		delete(b.gateways, id)
	}
	b.gwmu.Unlock()
}

// handler returns a gateway's event handler: every event to dispatch, and
// a connection READY or RESUMED after its first counted as a reconnect.
func (b *Bot) handler() func(gateway.Event) {
	first := true // Handle is called from one goroutine per gateway
	return func(e gateway.Event) {
		if e.Type == "READY" || e.Type == "RESUMED" {
			if !first && b.opts.Metrics != nil {
				b.opts.Metrics.Reconnect()
			}
			first = false
		}
		b.dispatch(e)
	}
}

// ServeInteraction serves an interaction that arrived other than over the
// gateway, as an HTTP request to Discord's interactions endpoint, through
// the same router and middleware: send delivers its initial response (see
// [Interaction.SetInitial]) and the rest goes through the session. It
// returns when the handler has; while the bot is starting it waits for
// the routes, and once it is stopping it says so to the user.
func (b *Bot) ServeInteraction(i *discordgo.Interaction, send func(ctx context.Context, r *discordgo.InteractionResponse) error) {
	x := NewInteraction(b.s, i)
	x.SetInitial(func(ctx context.Context, r *discordgo.InteractionResponse) error {
		if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data == nil || len(r.Data.Files) == 0 {
			return send(ctx, r)
		}
		// An HTTP response is JSON: defer, then put the message with its
		// files in place of the "thinking…" state.
		if err := send(ctx, deferral(r.Data.Flags&discordgo.MessageFlagsEphemeral != 0)); err != nil {
			return err
		}
		_, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
			Content: &r.Data.Content, Embeds: &r.Data.Embeds, Components: &r.Data.Components,
			Files: r.Data.Files, AllowedMentions: NoMentions(),
		}, discordgo.WithContext(ctx))
		return err
	})
	b.whenRouted(func() { b.serveInteraction(x) })
}

// runSharded is Run with Sharding: the plugins are prepared at once, the
// shards' connections come and go with their leases, and the commands are
// registered after the first READY of any shard.
func (b *Bot) runSharded(ctx context.Context, cancelWork context.CancelFunc) error {
	sh := b.opts.Sharding
	if sh.Leases == nil || sh.Gate == nil || sh.Holder == "" {
		return errors.New("bot: Sharding needs Leases, Gate and Holder")
	}
	start := time.Now()
	info, err := b.gatewayBot(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("connect to Discord: %w", err)
	}
	count := sh.Count
	if count <= 0 {
		count = max(info.Shards, 1)
	}
	mc := 1
	if info.SessionStartLimit.MaxConcurrency > 0 {
		mc = info.SessionStartLimit.MaxConcurrency
	}
	b.log.Info("sharding", "shards", count, "recommended", info.Shards, "max_concurrency", mc,
		"identifies_left", info.SessionStartLimit.Remaining, "holder", sh.Holder)
	if info.SessionStartLimit.Total > 0 && info.SessionStartLimit.Remaining < count {
		b.log.Warn("few IDENTIFYs left today; Discord resets the token when they run out",
			"left", info.SessionStartLimit.Remaining, "reset_after", time.Duration(info.SessionStartLimit.ResetAfter)*time.Millisecond)
	}
	mgr, err := shard.New(shard.Options{
		Count: count, Adopt: sh.Count <= 0, MaxConcurrency: mc,
		Leases: sh.Leases, Gate: sh.Gate, Holder: sh.Holder, Lease: sh.Lease,
		Connect: b.connectShard, Logger: b.log,
	})
	if err != nil {
		return err
	}
	b.gwmu.Lock()
	b.shards = mgr.Held
	b.gwmu.Unlock()
	if err := b.prepare(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	mctx, stopShards := context.WithCancel(context.WithoutCancel(ctx))
	defer stopShards()
	shards := make(chan error, 1)
	go func() { shards <- mgr.Run(mctx) }()
	registered := make(chan error, 1)
	go func() {
		select {
		case r := <-b.ready:
			registered <- b.register(ctx, r, start)
		case <-mctx.Done():
		}
	}()

	var lost error
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case err := <-registered:
			if err != nil && ctx.Err() == nil {
				lost, done = err, true
			}
		case err := <-shards:
			shards <- err // for below
			if err == nil {
				err = errors.New("the shards stopped")
			}
			lost, done = fmt.Errorf("disconnected from Discord: %w", err), true
			b.log.Error("the gateway connections ended for good", "err", err)
		}
	}
	b.log.Info("shutting down", "running_answers_timeout", b.opts.ShutdownTimeout)
	b.shutdown(cancelWork)
	stopShards()
	select {
	case <-shards:
	case <-time.After(4 * time.Second):
		b.log.Warn("the shards did not stop within 4s")
	}
	b.log.Info("stopped", "shards_released", true)
	return lost
}

// gatewayBot asks Discord for the recommended shards and the session start
// limit (GET /gateway/bot), within the gateway's look-up timeout.
func (b *Bot) gatewayBot(ctx context.Context) (*discordgo.GatewayBotResponse, error) {
	timeout := b.opts.Gateway.LookupTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	b.log.Info("asking Discord for the shards to run", "timeout", timeout)
	type result struct {
		r   *discordgo.GatewayBotResponse
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := b.s.GatewayBot(discordgo.WithContext(lctx))
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			return nil, fmt.Errorf("GET /gateway/bot: %w", RESTError(res.err))
		}
		return res.r, nil
	case <-lctx.Done():
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("GET /gateway/bot: no answer within %v", timeout)
	}
}

// connectShard runs the gateway connection of shard s until ctx ends.
func (b *Bot) connectShard(ctx context.Context, s shard.Shard) error {
	gopts := b.opts.Gateway
	gopts.Token = b.s.Token
	gopts.Intents = int(b.s.Identify.Intents)
	gopts.Lookup = b.lookup
	gopts.Handle = b.handler()
	gopts.Shard, gopts.ShardCount = s.ID, s.Count
	gopts.BeforeIdentify = s.BeforeIdentify
	gopts.Logger = gopts.Logger.With("shard", s.ID)
	g := gateway.New(gopts)
	b.track(s.ID, g)
	defer b.untrack(s.ID, g)
	return g.Run(ctx)
}

// commandsKey names the registration of an application's commands in a
// guild, or globally.
func commandsKey(appID, guildID string) string {
	if guildID == "" {
		return "commands/" + appID + "/global"
	}
	return "commands/" + appID + "/guild/" + guildID
}

// commandsVersion is a hash of the commands as registered.
func commandsVersion(cmds []*discordgo.ApplicationCommand) string {
	b, err := json.Marshal(cmds)
	if err != nil { // cannot happen for commands that Discord takes
		return time.Now().String()
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:12])
}
