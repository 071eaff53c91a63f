package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/bot/gateway"
	"storybot/internal/fakediscord"
	"storybot/internal/logbuf"
)

// lookup asks the fake for its gateway URL, as GET /gateway does.
func lookup(fake *fakediscord.Server) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", fake.URL()+"/api/v9/gateway", nil)
		if err != nil {
			return "", err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var v struct{ URL string }
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			return "", err
		}
		return v.URL, nil
	}
}

// client runs a gateway client against fake until the test ends.
type client struct {
	g      *gateway.Gateway
	done   chan error
	cancel context.CancelFunc
	logs   *logbuf.Buffer

	mu     sync.Mutex
	events []string
}

func (c *client) seen() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.events...)
}

// fast are options for tests: short waits everywhere.
func fast(o gateway.Options) gateway.Options {
	if o.HelloTimeout == 0 {
		o.HelloTimeout = 300 * time.Millisecond
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 300 * time.Millisecond
	}
	if o.MinBackoff == 0 {
		o.MinBackoff = 50 * time.Millisecond
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 400 * time.Millisecond
	}
	if o.IdentifyInterval == 0 {
		o.IdentifyInterval = time.Millisecond
	}
	if o.InvalidSessionWait == 0 {
		o.InvalidSessionWait = 20 * time.Millisecond
	}
	return o
}

func start(t *testing.T, fake *fakediscord.Server, o gateway.Options) *client {
	t.Helper()
	c := &client{done: make(chan error, 1), logs: &logbuf.Buffer{}}
	o.Token = "Bot " + fake.Token
	o.Intents = fakediscord.IntentGuilds
	o.Lookup = lookup(fake)
	o.Logger = slog.New(slog.NewTextHandler(c.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Handle = func(e gateway.Event) {
		c.mu.Lock()
		c.events = append(c.events, e.Type)
		c.mu.Unlock()
	}
	c.g = gateway.New(o)
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.done <- c.g.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return within 5s of cancel")
		}
		if t.Failed() {
			t.Logf("gateway logs:\n%s", c.logs.String())
		}
	})
	return c
}

// wait returns Run's error, failing after d.
func (c *client) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-c.done:
		c.done <- err // for Cleanup
		return err
	case <-time.After(d):
		t.Fatalf("Run still running after %v", d)
		return nil
	}
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func waitConns(t *testing.T, fake *fakediscord.Server, what string, check func([]fakediscord.GatewayConn) bool) []fakediscord.GatewayConn {
	t.Helper()
	if err := fake.WaitGateway(ctxFor(t, 10*time.Second), check); err != nil {
		t.Fatalf("%s: %v; connections: %+v", what, err, fake.GatewayConns())
	}
	return fake.GatewayConns()
}

func TestConnect(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 100 * time.Millisecond})
	c := start(t, fake, fast(gateway.Options{}))
	if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	// Heartbeats are acknowledged; nothing reconnects.
	time.Sleep(500 * time.Millisecond)
	conns := fake.GatewayConns()
	if len(conns) != 1 || !conns[0].Identified || conns[0].Heartbeats < 3 || !strings.HasPrefix(conns[0].Path, "/ws") {
		t.Errorf("connections = %+v, want one identified on /ws/ with heartbeats", conns)
	}
	if ev := c.seen(); len(ev) < 2 || ev[0] != "READY" || ev[1] != "GUILD_CREATE" {
		t.Errorf("events = %q, want READY, GUILD_CREATE", ev)
	}
	if id := fake.Identify(); id.Token != "Bot fake-token" || id.Intents != fakediscord.IntentGuilds {
		t.Errorf("IDENTIFY = %+v", id)
	}
	for _, step := range []string{"looking up the gateway URL", "connecting to the gateway", "waiting for HELLO", "HELLO received", "identifying", "READY"} {
		if !strings.Contains(c.logs.String(), step) {
			t.Errorf("no log line for %q:\n%s", step, c.logs.String())
		}
	}
	// Stopping closes with 1000, which ends the session.
	c.cancel()
	if err := c.wait(t, 2*time.Second); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	conns = waitConns(t, fake, "closed", func(cs []fakediscord.GatewayConn) bool { return !cs[0].Closed.IsZero() })
	if conns[0].ClientClose != 1000 {
		t.Errorf("close code on shutdown = %d, want 1000", conns[0].ClientClose)
	}
}

// TestReconnectStorm closes connection after connection right after
// RESUMED. Each close brings exactly one new connection, later and later,
// never two at once, and no IDENTIFY: no storm.
func TestReconnectStorm(t *testing.T) {
	const closes = 6
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond})
	start(t, fake, fast(gateway.Options{}))
	if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // a heartbeat acknowledged: the connection worked
	fake.CloseAfterResumed(closes, 4000)
	fake.CloseGateway(4000)
	want := 1 + closes + 1 // the first, those closed right after RESUMED, the one that stays
	waitConns(t, fake, "storm over", func(cs []fakediscord.GatewayConn) bool {
		return len(cs) >= want && cs[len(cs)-1].Resumed && cs[len(cs)-1].Closed.IsZero()
	})
	time.Sleep(time.Second) // nothing more happens
	conns := fake.GatewayConns()
	if len(conns) != want {
		t.Errorf("%d connections, want %d", len(conns), want)
	}
	if ids, resumes := fake.GatewayStats(); ids != 1 || resumes != closes+1 {
		t.Errorf("GatewayStats = %d identifies, %d resumes; want 1, %d", ids, resumes, closes+1)
	}
	for i := 1; i < len(conns); i++ {
		if conns[i].Opened.Before(conns[i-1].Closed) {
			t.Errorf("connection %d opened before connection %d closed", i, i-1)
		}
		if !strings.HasPrefix(conns[i].Path, "/resume") {
			t.Errorf("connection %d dialled %s, want resume_gateway_url (/resume/)", i, conns[i].Path)
		}
	}
	// The waits grow: the last gap is longer than the first.
	first := conns[2].Opened.Sub(conns[1].Closed)
	last := conns[len(conns)-1].Opened.Sub(conns[len(conns)-2].Closed)
	if last <= first {
		t.Errorf("waits before reconnecting: first %v, last %v; want growing", first, last)
	}
}

// TestZombie stops acknowledging heartbeats: the connection is dropped
// after one missed ACK, closed with a code other than 1000, and the session
// resumed on resume_gateway_url.
func TestZombie(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 100 * time.Millisecond})
	start(t, fake, fast(gateway.Options{}))
	if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(250 * time.Millisecond)
	fake.DropAcks()
	conns := waitConns(t, fake, "resumed", func(cs []fakediscord.GatewayConn) bool { return len(cs) == 2 && cs[1].Resumed })
	z := conns[0]
	if z.Unacked != 1 {
		t.Errorf("the zombie connection got %d unacknowledged heartbeats, want 1", z.Unacked)
	}
	if z.ClientClose == 0 || z.ClientClose == 1000 || z.ClientClose == 1001 {
		t.Errorf("zombie closed with code %d, want one that keeps the session (not 1000 or 1001)", z.ClientClose)
	}
	if !strings.HasPrefix(conns[1].Path, "/resume") {
		t.Errorf("resumed on %s, want resume_gateway_url (/resume/)", conns[1].Path)
	}
	if ids, resumes := fake.GatewayStats(); ids != 1 || resumes != 1 {
		t.Errorf("GatewayStats = %d, %d; want 1 identify and 1 resume", ids, resumes)
	}
}

// TestInvalidSession: op 9 with d true resumes; with d false the client
// waits 1–5 s (scaled here) and identifies.
func TestInvalidSession(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond})
	start(t, fake, fast(gateway.Options{InvalidSessionWait: 200 * time.Millisecond}))
	if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	fake.InvalidSession(true)
	waitConns(t, fake, "resumed", func(cs []fakediscord.GatewayConn) bool { return len(cs) == 2 && cs[1].Resumed })
	if ids, _ := fake.GatewayStats(); ids != 1 {
		t.Errorf("%d identifies after op 9 d:true, want 1 (resumed)", ids)
	}
	time.Sleep(300 * time.Millisecond)
	sent := fake.InvalidSession(false)
	waitConns(t, fake, "identified", func(cs []fakediscord.GatewayConn) bool { return len(cs) == 3 && cs[2].Identified })
	ids := fake.Identifies()
	if len(ids) != 2 {
		t.Fatalf("%d identifies, want 2", len(ids))
	}
	if wait := ids[1].Sub(sent); wait < 200*time.Millisecond || wait > 1200*time.Millisecond {
		t.Errorf("identified %v after op 9 d:false, want 1–5 times InvalidSessionWait (200ms–1s)", wait)
	}
}

// TestInvalidSessionWaitDefault checks the unscaled wait: 1–5 s.
func TestInvalidSessionWaitDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("waits up to 5 s")
	}
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond})
	o := fast(gateway.Options{})
	o.InvalidSessionWait = 0 // the default: 1–5 s
	start(t, fake, o)
	if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	sent := fake.InvalidSession(false)
	waitConns(t, fake, "identified", func(cs []fakediscord.GatewayConn) bool { return len(cs) == 2 && cs[1].Identified })
	if wait := fake.Identifies()[1].Sub(sent); wait < time.Second || wait > 5200*time.Millisecond {
		t.Errorf("identified %v after op 9 d:false, want 1–5 s", wait)
	}
}

func TestFatalCloseCodes(t *testing.T) {
	for _, code := range []int{4004, 4010, 4011, 4012, 4013, 4014} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			fake := fakediscord.New(t, fakediscord.Options{})
			fake.CloseOnIdentify(code)
			c := start(t, fake, fast(gateway.Options{}))
			err := c.wait(t, 5*time.Second)
			var ce *gateway.CloseError
			if !errors.As(err, &ce) || ce.Code != code {
				t.Fatalf("Run = %v, want a CloseError with code %d", err, code)
			}
			if n := len(fake.GatewayConns()); n != 1 {
				t.Errorf("%d connections, want 1: no reconnect after %d", n, code)
			}
		})
	}
	t.Run("while connected", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{})
		c := start(t, fake, fast(gateway.Options{}))
		if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
			t.Fatal(err)
		}
		fake.CloseGateway(4004)
		var ce *gateway.CloseError
		if err := c.wait(t, 5*time.Second); !errors.As(err, &ce) || ce.Code != 4004 || !strings.Contains(err.Error(), "authentication failed") {
			t.Errorf("Run = %v, want close code 4004, authentication failed", err)
		}
	})
}

// TestNewSessionCodes: 4007 and 4009 cannot be resumed; 4000 can.
func TestNewSessionCodes(t *testing.T) {
	for _, tt := range []struct {
		code     int
		identify bool
	}{{4000, false}, {4007, true}, {4009, true}} {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			fake := fakediscord.New(t, fakediscord.Options{})
			start(t, fake, fast(gateway.Options{}))
			if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
				t.Fatal(err)
			}
			fake.CloseGateway(tt.code)
			cs := waitConns(t, fake, "reconnected", func(cs []fakediscord.GatewayConn) bool {
				return len(cs) == 2 && (cs[1].Identified || cs[1].Resumed)
			})
			if cs[1].Identified != tt.identify {
				t.Errorf("after %d: identified %v, resumed %v; want identify %v", tt.code, cs[1].Identified, cs[1].Resumed, tt.identify)
			}
		})
	}
}

// TestSilentGateway: a gateway that goes silent at each step is given up
// on after StartAttempts, with an error naming what did not arrive and the
// address dialled.
func TestSilentGateway(t *testing.T) {
	for _, tt := range []struct {
		step fakediscord.GatewayStep
		want string
	}{
		{fakediscord.StepHello, "no HELLO from the gateway at ws://127.0.0.1:"},
		{fakediscord.StepReady, "no READY from the gateway at ws://127.0.0.1:"},
	} {
		t.Run(tt.want[3:8], func(t *testing.T) {
			fake := fakediscord.New(t, fakediscord.Options{})
			fake.SilenceGateway(tt.step)
			c := start(t, fake, fast(gateway.Options{StartAttempts: 3}))
			err := c.wait(t, 5*time.Second)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "after 3 attempts") {
				t.Errorf("Run = %v, want %q after 3 attempts", err, tt.want)
			}
			if n := len(fake.GatewayConns()); n != 3 {
				t.Errorf("%d connections, want 3", n)
			}
			if n := strings.Count(c.logs.String(), "gateway connection ended"); n != 2 {
				t.Errorf("%d retries logged, want 2", n)
			}
		})
	}
	t.Run("closed port", func(t *testing.T) {
		g := gateway.New(gateway.Options{Token: "Bot x", Lookup: func(context.Context) (string, error) { return "ws://127.0.0.1:1/ws", nil },
			Handle: func(gateway.Event) {}, Logger: slog.New(slog.DiscardHandler), MinBackoff: 10 * time.Millisecond, StartAttempts: 2})
		err := g.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "connect to the gateway at ws://127.0.0.1:1/ws?") {
			t.Errorf("Run = %v, want the address dialled", err)
		}
	})
}

// TestCancelInEveryState: Run returns soon after its context is cancelled,
// whatever it is waiting for.
func TestCancelInEveryState(t *testing.T) {
	for _, tt := range []struct {
		name string
		step fakediscord.GatewayStep
	}{
		{"lookup", fakediscord.StepLookup},
		{"HELLO", fakediscord.StepHello},
		{"READY", fakediscord.StepReady},
		{"connected", fakediscord.StepNone},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakediscord.New(t, fakediscord.Options{})
			fake.SilenceGateway(tt.step)
			// Default (long) timeouts: only the cancel can end the wait.
			c := start(t, fake, gateway.Options{})
			time.Sleep(300 * time.Millisecond)
			begin := time.Now()
			c.cancel()
			if err := c.wait(t, 3*time.Second); err != nil {
				t.Errorf("Run = %v after cancel, want nil", err)
			}
			t.Logf("%s: returned %v after cancel", tt.name, time.Since(begin).Round(time.Millisecond))
		})
	}
}

// TestShards: two gateways of a bot of two shards each identify with their
// shard, after BeforeIdentify lets them (its error is retried), are Ready
// once READY, and get only their own guild.
func TestShards(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 100 * time.Millisecond, Shards: 2})
	var mu sync.Mutex
	turns := 0
	gate := func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		turns++
		if turns == 1 {
			return errors.New("the database is away")
		}
		return nil
	}
	c0 := start(t, fake, fast(gateway.Options{Shard: 0, ShardCount: 2, BeforeIdentify: gate}))
	if err := fake.WaitGateway(ctxFor(t, 5*time.Second), func(cs []fakediscord.GatewayConn) bool {
		return len(cs) > 0 && cs[len(cs)-1].Identified
	}); err != nil {
		t.Fatal(err)
	}
	// The fake wants 5 s between the IDENTIFYs of one max_concurrency bucket.
	time.Sleep(fakediscord.IdentifyInterval)
	c1 := start(t, fake, fast(gateway.Options{Shard: 1, ShardCount: 2, BeforeIdentify: gate}))
	if err := fake.WaitReady(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	count := func(c *client, typ string) int {
		n := 0
		for _, e := range c.seen() {
			if e == typ {
				n++
			}
		}
		return n
	}
	// READY and GUILD_CREATE are on their way when the fake has sent them.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if c0.g.Ready() && c1.g.Ready() && count(c0, "GUILD_CREATE") == 1 && count(c1, "GUILD_CREATE") == 1 {
			break
		}
	}
	if !c0.g.Ready() || !c1.g.Ready() {
		t.Errorf("Ready = %v, %v after READY; want true", c0.g.Ready(), c1.g.Ready())
	}
	for i, ss := range fake.ShardSessions() {
		if !ss.Connected || ss.Identifies != 1 {
			t.Errorf("shard %d: %+v, want connected after one IDENTIFY", i, ss)
		}
	}
	if !strings.Contains(c0.logs.String(), "wait for a turn to identify: the database is away") {
		t.Errorf("no log of the failed turn:\n%s", c0.logs.String())
	}
	if count(c0, "GUILD_CREATE") != 1 || count(c1, "GUILD_CREATE") != 1 {
		t.Errorf("GUILD_CREATE: shard 0 got %d, shard 1 %d; want one each", count(c0, "GUILD_CREATE"), count(c1, "GUILD_CREATE"))
	}
	c1.cancel()
	c1.wait(t, 5*time.Second)
	if c1.g.Ready() {
		t.Error("Ready after Run returned")
	}
}
