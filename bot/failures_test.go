package bot_test

// Discord's failure modes, end to end: the bot (its own gateway client and
// the real discordgo session for REST) against the strict fake Discord.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/bot/bottest"
	"storybot/bot/gateway"
	"storybot/internal/fakediscord"
)

// fastGateway shortens the gateway's waits for tests.
var fastGateway = gateway.Options{MinBackoff: 50 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
	HelloTimeout: time.Second, ReadyTimeout: time.Second, IdentifyInterval: time.Millisecond, InvalidSessionWait: 20 * time.Millisecond}

func startEchoOn(t *testing.T, fake *fakediscord.Server, gw gateway.Options) *bottest.Running {
	t.Helper()
	logger, _ := bottest.Logger(t)
	return bottest.Run(t, fake, bot.Options{Logger: logger, GuildID: fake.GuildID, Plugins: []bot.Plugin{echo{}},
		Gateway: gw}, bottest.Config{Intents: bot.Intents(true)})
}

// echoes checks that the bot still answers a command.
func echoes(t *testing.T, fake *fakediscord.Server, text string) {
	t.Helper()
	if err := fake.WaitReady(bottest.Ctx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	m := bottest.Final(t, fake.SlashCommand(fake.Alice, fake.ChannelID, "echo", fakediscord.StringOption("text", text)))
	if !strings.HasPrefix(m.Content, text) {
		t.Errorf("echo %q answered %q", text, m.Content)
	}
}

func waitConns(t *testing.T, fake *fakediscord.Server, what string, check func([]fakediscord.GatewayConn) bool) []fakediscord.GatewayConn {
	t.Helper()
	if err := fake.WaitGateway(bottest.Ctx(t, 20*time.Second), check); err != nil {
		t.Fatalf("%s: %v; connections: %+v", what, err, fake.GatewayConns())
	}
	return fake.GatewayConns()
}

// TestReconnectStorm closes five connections in a row right after RESUMED:
// each brings one new connection, none overlap, nothing identifies again,
// and the bot still answers.
func TestReconnectStorm(t *testing.T) {
	const closes = 5
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond})
	startEchoOn(t, fake, fastGateway)
	time.Sleep(300 * time.Millisecond) // a heartbeat acknowledged
	fake.CloseAfterResumed(closes, 4000)
	fake.CloseGateway(4000)
	waitConns(t, fake, "storm over", func(cs []fakediscord.GatewayConn) bool {
		return len(cs) >= closes+2 && cs[len(cs)-1].Resumed && cs[len(cs)-1].Closed.IsZero()
	})
	time.Sleep(500 * time.Millisecond)
	conns := fake.GatewayConns()
	if len(conns) != closes+2 {
		t.Errorf("%d connections, want %d", len(conns), closes+2)
	}
	for i := 1; i < len(conns); i++ {
		if conns[i].Opened.Before(conns[i-1].Closed) {
			t.Errorf("connection %d opened while %d was open", i, i-1)
		}
	}
	if ids, _ := fake.GatewayStats(); ids != 1 {
		t.Errorf("%d IDENTIFYs, want 1", ids)
	}
	echoes(t, fake, "after the storm")
}

// TestReconnectStormDefaults is the storm with the default backoff: the
// gateway closes every connection right after RESUMED for 10 s.
func TestReconnectStormDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 10 s")
	}
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond})
	startEchoOn(t, fake, gateway.Options{})
	time.Sleep(300 * time.Millisecond)
	fake.CloseAfterResumed(1000, 4000)
	fake.CloseGateway(4000)
	begin := time.Now()
	time.Sleep(10 * time.Second)
	conns := fake.GatewayConns()
	n := 0
	for _, c := range conns {
		if !c.Opened.Before(begin) {
			n++
		}
	}
	ids, _ := fake.GatewayStats()
	t.Logf("in 10 s of closes right after RESUMED: %d connections, %d IDENTIFYs in all", n, ids)
	// 0, ~1, ~3, ~7 s: the wait doubles from 1 s (±20%).
	if n > 5 || ids != 1 {
		t.Errorf("%d connections and %d IDENTIFYs in 10 s, want at most 5 and 1", n, ids)
	}
}

// TestZombie: heartbeats stop being acknowledged; the bot drops the
// connection after one missed ACK without ending the session, resumes on
// resume_gateway_url, and gets what was sent meanwhile.
func TestZombie(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 100 * time.Millisecond})
	startEchoOn(t, fake, fastGateway)
	time.Sleep(250 * time.Millisecond)
	fake.DropAcks()
	conns := waitConns(t, fake, "resumed", func(cs []fakediscord.GatewayConn) bool { return len(cs) == 2 && cs[1].Resumed })
	if z := conns[0]; z.Unacked != 1 || z.ClientClose == 1000 || z.ClientClose == 1001 || z.ClientClose == 0 {
		t.Errorf("zombie: %d unacknowledged heartbeats, closed with %d; want 1, and a code that keeps the session", z.Unacked, z.ClientClose)
	}
	if !strings.HasPrefix(conns[1].Path, "/resume") {
		t.Errorf("resumed on %s, want resume_gateway_url", conns[1].Path)
	}
	if ids, resumes := fake.GatewayStats(); ids != 1 || resumes != 1 {
		t.Errorf("GatewayStats = %d, %d; want 1 identify, 1 resume", ids, resumes)
	}
	echoes(t, fake, "after the zombie")
}

// TestInvalidSession: after op 9 d:false the bot waits, identifies a new
// session and serves it.
func TestInvalidSession(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond})
	gw := fastGateway
	gw.InvalidSessionWait = 100 * time.Millisecond
	startEchoOn(t, fake, gw)
	sent := fake.InvalidSession(false)
	waitConns(t, fake, "identified", func(cs []fakediscord.GatewayConn) bool { return len(cs) == 2 && cs[1].Identified })
	if wait := fake.Identifies()[1].Sub(sent); wait < 100*time.Millisecond {
		t.Errorf("identified %v after op 9 d:false, want at least 100ms", wait)
	}
	echoes(t, fake, "after op 9")
}

// runBot runs a bot on fake until Run returns, at most d.
func runBot(t *testing.T, fake *fakediscord.Server, intents discordgo.Intent, d time.Duration) error {
	t.Helper()
	logger, _ := bottest.Logger(t)
	s, err := bot.NewSession(fake.Token, fake.URL(), intents, logger)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(s, bot.Options{Logger: logger, Plugins: []bot.Plugin{echo{}}, Gateway: fastGateway})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return b.Run(ctx)
}

// TestFatalCloseCodes: the bot stops at once on 4004 and 4010–4014, with an
// error that names the code.
func TestFatalCloseCodes(t *testing.T) {
	for _, code := range []int{4004, 4010, 4011, 4012, 4013, 4014} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			fake := fakediscord.New(t, fakediscord.Options{})
			fake.CloseOnIdentify(code)
			err := runBot(t, fake, bot.Intents(false), 10*time.Second)
			var ce *gateway.CloseError
			if !errors.As(err, &ce) || ce.Code != code {
				t.Fatalf("Run = %v, want a gateway.CloseError %d", err, code)
			}
			if n := len(fake.GatewayConns()); n != 1 {
				t.Errorf("%d connections after close code %d, want 1", n, code)
			}
		})
	}
	t.Run("Message Content not enabled", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{DisallowedIntents: fakediscord.IntentMessageContent})
		err := runBot(t, fake, bot.Intents(true), 10*time.Second)
		var ce *gateway.CloseError
		if !errors.As(err, &ce) || ce.Code != 4014 {
			t.Fatalf("Run = %v, want close code 4014", err)
		}
	})
	t.Run("token rejected while serving", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{})
		done := make(chan error, 1)
		go func() { done <- runBot(t, fake, bot.Intents(false), 20*time.Second) }()
		if _, err := fake.WaitRequest(bottest.Ctx(t, 10*time.Second), func(r fakediscord.Request) bool { return r.Method == "PUT" }); err != nil {
			t.Fatal(err)
		}
		fake.CloseGateway(4004)
		select {
		case err := <-done:
			var ce *gateway.CloseError
			if !errors.As(err, &ce) || ce.Code != 4004 {
				t.Errorf("Run = %v, want close code 4004", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after 4004")
		}
	})
}

// TestGlobalRateLimit: after a global 429 (Retry-After, X-RateLimit-Global,
// no X-RateLimit-Reset-After), no request goes out on any route until it
// has passed (the fake fails the test on any); the requests that waited
// then succeed, an interaction response among them.
func TestGlobalRateLimit(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{})
	logger, logs := bottest.Logger(t)
	run := bottest.Run(t, fake, bot.Options{Logger: logger, GuildID: fake.GuildID, Plugins: []bot.Plugin{echo{}},
		Gateway: fastGateway}, bottest.Config{Intents: bot.Intents(true)})
	s := run.Session
	fake.RateLimitGlobal(time.Second)
	errs := make(chan error, 3)
	go func() {
		_, err := s.ChannelMessageSendComplex(fake.ChannelID, &discordgo.MessageSend{Content: "first", AllowedMentions: &discordgo.MessageAllowedMentions{}})
		errs <- err
	}()
	// The others start once the bot has read the first one's global 429,
	// however slow the machine: sent before that, they would not wait for
	// it (as with Discord, they would meet the limit themselves).
	for deadline := time.Now().Add(5 * time.Second); len(fake.GlobalLimits()) == 0 || !strings.Contains(logs.String(), "holding every request"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first request never met the global limit")
		}
	}
	go func() {
		_, err := s.ChannelMessageSendComplex(fake.OtherChannelID, &discordgo.MessageSend{Content: "second", AllowedMentions: &discordgo.MessageAllowedMentions{}})
		errs <- err
	}()
	go func() { _, err := s.Channel(fake.ThreadID); errs <- err }()
	it := fake.SlashCommand(fake.Alice, fake.ChannelID, "echo", fakediscord.StringOption("text", "during the limit"))
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("request after the global limit: %v", err)
		}
	}
	if m := bottest.Final(t, it); !strings.HasPrefix(m.Content, "during the limit") {
		t.Errorf("interaction answered %q", m.Content)
	}
	hits := fake.GlobalLimits()
	if len(hits) != 1 {
		t.Fatalf("%d global limits, want 1", len(hits))
	}
	// A request is recorded once the fake has served it, which can be
	// after the interaction's answer is seen: wait, boundedly, for all 4.
	var n int
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		n = 0
		for _, r := range fake.Requests() {
			if r.At.After(hits[0]) && r.Status != 429 {
				n++
			}
		}
		if n >= 4 || time.Now().After(deadline) {
			break
		}
	}
	for _, r := range fake.Requests() {
		if r.At.After(hits[0]) && r.Status != 429 && r.At.Sub(hits[0]) < time.Second {
			t.Errorf("%s %s sent %v after the global 429, within its Retry-After", r.Method, r.Path, r.At.Sub(hits[0]))
		}
	}
	if n < 4 {
		var b strings.Builder
		for _, r := range fake.Requests() {
			fmt.Fprintf(&b, "\n  %s %s %d at %v", r.Method, r.Path, r.Status, r.At.Sub(hits[0]).Round(time.Millisecond))
		}
		t.Errorf("%d requests after the limit, want the 4 that waited; the requests, from the 429:%s", n, b.String())
	}
}

// TestRESTError: errors name the address dialled, and a 401 says the token
// was rejected.
func TestRESTError(t *testing.T) {
	s, err := bot.NewSession("x", "http://127.0.0.1:1", bot.Intents(false), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Gateway()
	if err = bot.RESTError(err); err == nil || !strings.Contains(err.Error(), "http://127.0.0.1:1/api/v9/gateway") || strings.Contains(err.Error(), "discord.com") {
		t.Errorf("RESTError(closed port) = %v, want the address dialled only", err)
	}
	u, _ := url.Parse("https://discord.com/api/v9/applications/1/commands")
	rest := &discordgo.RESTError{Request: &http.Request{URL: u}, Response: &http.Response{StatusCode: 401, Status: "401 Unauthorized"}}
	if err := bot.RESTError(rest); !errors.Is(err, bot.ErrTokenRejected) {
		t.Errorf("RESTError(401) = %v, want ErrTokenRejected", err)
	}
}
