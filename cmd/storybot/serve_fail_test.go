package main

// serve as a new user meets it: a gateway that goes silent at each step,
// signals in every state, errors that name what went wrong, and Sources
// buttons that outlive a restart.

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"storybot/answer"
	"storybot/bot/gateway"
	"storybot/internal/fakediscord"
	"storybot/internal/fakeopenai"
	"storybot/internal/logbuf"
)

// serveEnv sets the environment of serve against fake, in an empty
// working directory, and returns the configuration.
func serveEnv(t *testing.T, fake *fakediscord.Server, base string) Config {
	t.Helper()
	clearEnv(t)
	t.Setenv("DISCORD_TOKEN", fake.Token)
	t.Setenv("DISCORD_GUILD_ID", fake.GuildID)
	t.Setenv("DISCORD_API_BASE", base)
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var quick = gateway.Options{LookupTimeout: 300 * time.Millisecond, HelloTimeout: 300 * time.Millisecond,
	ReadyTimeout: 300 * time.Millisecond, MinBackoff: 20 * time.Millisecond, StartAttempts: 2}

func serveOnce(t *testing.T, cfg Config, gw gateway.Options) (logs string, err error) {
	t.Helper()
	eng, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	buf := &logbuf.Buffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = runServe(ctx, cfg, eng, slog.New(slog.NewTextHandler(buf, nil)), gw)
	return buf.String(), err
}

func noDatabase(t *testing.T, cfg Config) {
	t.Helper()
	if _, err := os.Stat(cfg.DatabasePath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists (%v): the database was created before the bot could connect", cfg.DatabasePath, err)
	}
}

// TestServeSilentGateway: a gateway that goes silent at each step makes
// serve fail after its retries, naming what did not arrive and where, with
// a log line for each step and no database file.
func TestServeSilentGateway(t *testing.T) {
	for _, tt := range []struct {
		step fakediscord.GatewayStep
		want string
		logs []string
	}{
		{fakediscord.StepLookup, "look up the gateway URL: no answer within 300ms", []string{"looking up the gateway URL"}},
		{fakediscord.StepHello, "no HELLO from the gateway at ws://127.0.0.1:", []string{"connecting to the gateway", "waiting for HELLO"}},
		{fakediscord.StepReady, "no READY from the gateway at ws://127.0.0.1:", []string{"HELLO received", "identifying"}},
	} {
		t.Run(tt.want[:12], func(t *testing.T) {
			fake := fakediscord.New(t, fakediscord.Options{})
			fake.SilenceGateway(tt.step)
			cfg := serveEnv(t, fake, fake.URL())
			logs, err := serveOnce(t, cfg, quick)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "after 2 attempts") {
				t.Errorf("serve = %v, want %q after 2 attempts", err, tt.want)
			}
			for _, l := range append(tt.logs, "gateway connection ended") {
				if !strings.Contains(logs, l) {
					t.Errorf("no log line %q:\n%s", l, logs)
				}
			}
			noDatabase(t, cfg)
		})
	}
}

// TestServeErrors: what serve says when it cannot connect, in words, and
// that it creates no database then.
func TestServeErrors(t *testing.T) {
	t.Run("closed port", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{})
		cfg := serveEnv(t, fake, "http://127.0.0.1:1")
		_, err := serveOnce(t, cfg, quick)
		if err == nil || !strings.Contains(err.Error(), "GET http://127.0.0.1:1/api/v9/gateway") || strings.Contains(err.Error(), "discord.com") {
			t.Errorf("serve = %v, want the address dialled and not discord.com", err)
		}
		noDatabase(t, cfg)
	})
	t.Run("4004", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{})
		fake.CloseOnIdentify(4004)
		cfg := serveEnv(t, fake, fake.URL())
		_, err := serveOnce(t, cfg, quick)
		if err == nil || !strings.HasPrefix(err.Error(), "the token was rejected: check DISCORD_TOKEN") {
			t.Errorf("serve = %v, want it to say check DISCORD_TOKEN", err)
		}
		noDatabase(t, cfg)
	})
	t.Run("4014", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{DisallowedIntents: fakediscord.IntentMessageContent})
		cfg := serveEnv(t, fake, fake.URL())
		cfg.DiscussionChannels = []string{fake.ChannelID}
		_, err := serveOnce(t, cfg, quick)
		want := "the Message Content intent is not enabled for this bot: enable it in the Developer Portal"
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "or unset DISCUSSION_CHANNELS") {
			t.Errorf("serve = %v, want %q … unset DISCUSSION_CHANNELS", err, want)
		}
	})
	t.Run("4011", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{})
		fake.CloseOnIdentify(4011)
		cfg := serveEnv(t, fake, fake.URL())
		if _, err := serveOnce(t, cfg, quick); err == nil || !strings.Contains(err.Error(), "too many servers") {
			t.Errorf("serve = %v, want it to say the bot is in too many servers", err)
		}
	})
}

// TestServeSourcesAfterRestart: the Sources button of an answer posted
// before a restart shows its passages after it.
func TestServeSourcesAfterRestart(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{})
	cfg := serveEnv(t, fake, fake.URL())
	eng, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	start := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		before := registrations(fake)
		go func() { done <- runServe(ctx, cfg, eng, slog.New(slog.DiscardHandler), gateway.Options{}) }()
		wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer wcancel()
		for registrations(fake) == before {
			if wctx.Err() != nil {
				t.Fatal("commands not registered within 10s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve = %v", err)
			}
			waitGatewayClosed(t, fake)
		}
	}
	stop := start()
	ctx := bottestCtx(t)
	it := fake.SlashCommand(fake.Alice, fake.ChannelID, "ask", fakediscord.StringOption("question", "What did Macron say about chemical weapons?"))
	m, err := it.WaitOriginal(ctx, func(m *fakediscord.Message) bool { return len(m.Embeds) > 0 && len(m.Components) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	id := sourcesButton(m)
	if !strings.HasPrefix(id, "srk:") {
		t.Fatalf("Sources button %q: want a long list kept in the database (srk:)", id)
	}
	stop()
	stop = start()
	defer stop()
	click := fake.Button(fake.Alice, m, id)
	r, err := click.WaitResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	shown, err := click.WaitOriginal(ctx, func(m *fakediscord.Message) bool { return len(m.Embeds) > 0 || m.Content != "" })
	if err != nil {
		t.Fatal(err)
	}
	if !r.Ephemeral || len(shown.Embeds) < 2 || strings.Contains(shown.Content, "no longer available") {
		t.Errorf("Sources after a restart = %+v (%d embeds), want the passages", shown.Content, len(shown.Embeds))
	}
}

// waitGatewayClosed waits until the fake has seen every gateway
// connection close: a serve that has returned has closed its own, but the
// fake may read the close after the next serve's IDENTIFY, which it would
// take for two sessions on one shard.
func waitGatewayClosed(t *testing.T, fake *fakediscord.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := fake.WaitGateway(ctx, func(cs []fakediscord.GatewayConn) bool {
		for _, c := range cs {
			if c.Closed.IsZero() {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sourcesButton(m *fakediscord.Message) string {
	for _, id := range m.CustomIDs() {
		if strings.HasPrefix(id, "src:") || strings.HasPrefix(id, "srk:") {
			return id
		}
	}
	return ""
}

// registrations counts the successful command registrations fake received.
func registrations(fake *fakediscord.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") && r.Status == 200 {
			n++
		}
	}
	return n
}

func bottestCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// lines collects a child's stderr and lets a test wait for a line.
type lines struct {
	mu   sync.Mutex
	all  []string
	more chan struct{}
}

func (l *lines) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		l.mu.Lock()
		l.all = append(l.all, sc.Text())
		close(l.more)
		l.more = make(chan struct{})
		l.mu.Unlock()
	}
}

func (l *lines) wait(sub string, d time.Duration) bool {
	deadline := time.After(d)
	for {
		l.mu.Lock()
		for _, s := range l.all {
			if strings.Contains(s, sub) {
				l.mu.Unlock()
				return true
			}
		}
		more := l.more
		l.mu.Unlock()
		select {
		case <-more:
		case <-deadline:
			return false
		}
	}
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}

// serveProcess is storybot serve running as a process.
type serveProcess struct {
	cmd    *exec.Cmd
	dir    string
	out    *lines
	exited chan error
}

// startServe starts storybot serve against base in an empty folder, with
// the extra environment.
func startServe(t *testing.T, fake *fakediscord.Server, base string, env ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{dir: t.TempDir(), out: &lines{more: make(chan struct{})}, exited: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "serve")
	p.cmd.Dir = p.dir
	p.cmd.Env = append(os.Environ(), "STORYBOT_TEST_MAIN=1", "DISCORD_TOKEN="+fake.Token, "DISCORD_GUILD_ID="+fake.GuildID,
		"DISCORD_API_BASE="+base, "LOG_LEVEL=info", "CORPUS_DIR=", "DISCUSSION_CHANNELS=", "DATABASE_PATH=storybot.db",
		"LLM_BASE_URL=", "LLM_MODEL=", "DATABASE_URL=", "SHARD_COUNT=", "SHARD_LEASE=15s", "HTTP_ADDR=", "INTERACTIONS_ADDR=",
		"DISCORD_PUBLIC_KEY=")
	p.cmd.Env = append(p.cmd.Env, env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	read := make(chan struct{})
	go func() { p.out.read(stderr); close(read) }()
	go func() { <-read; p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-read
	})
	return p
}

// reach waits for a log line showing a state.
func (p *serveProcess) reach(t *testing.T, state string) {
	t.Helper()
	if !p.out.wait(state, 15*time.Second) {
		t.Fatalf("never reached %q:\n%s", state, p.out)
	}
}

// stop sends sig and checks that the process exits with status 0 within
// 10 s; it returns how long it took.
func (p *serveProcess) stop(t *testing.T, sig syscall.Signal) time.Duration {
	t.Helper()
	begin := time.Now()
	p.cmd.Process.Signal(sig)
	select {
	case err := <-p.exited:
		took := time.Since(begin)
		if took > 10*time.Second {
			t.Errorf("exited %v after %v, want within 10 s:\n%s", took, sig, p.out)
		}
		if err != nil {
			t.Errorf("exit: %v, want status 0 after %v:\n%s", err, sig, p.out)
		}
		return took
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15 s after %v:\n%s", sig, p.out)
		return 0
	}
}

// TestServeSignals runs storybot serve as a process and sends it SIGTERM or
// SIGINT in each state, connecting included: it exits within 10 s, with
// status 0, and has created its database only once connected.
func TestServeSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, tt := range []struct {
		name  string
		setup func(*fakediscord.Server) string // returns DISCORD_API_BASE
		state string                           // the log line that shows the state
		sig   syscall.Signal
	}{
		{"looking up the gateway", func(f *fakediscord.Server) string { f.SilenceGateway(fakediscord.StepLookup); return f.URL() }, "looking up the gateway URL", syscall.SIGTERM},
		{"waiting for HELLO", func(f *fakediscord.Server) string { f.SilenceGateway(fakediscord.StepHello); return f.URL() }, "waiting for HELLO", syscall.SIGTERM},
		{"waiting for READY", func(f *fakediscord.Server) string { f.SilenceGateway(fakediscord.StepReady); return f.URL() }, "msg=identifying", syscall.SIGTERM},
		{"between attempts", func(f *fakediscord.Server) string { return "http://127.0.0.1:1" }, "gateway connection ended", syscall.SIGTERM},
		{"registering commands", func(f *fakediscord.Server) string { f.SilenceREST("/commands"); return f.URL() }, "registering commands", syscall.SIGTERM},
		{"serving", func(f *fakediscord.Server) string { return f.URL() }, "msg=ready", syscall.SIGTERM},
		{"waiting for HELLO, SIGINT", func(f *fakediscord.Server) string { f.SilenceGateway(fakediscord.StepHello); return f.URL() }, "waiting for HELLO", syscall.SIGINT},
		{"serving, SIGINT", func(f *fakediscord.Server) string { return f.URL() }, "msg=ready", syscall.SIGINT},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakediscord.New(t, fakediscord.Options{})
			p := startServe(t, fake, tt.setup(fake))
			p.reach(t, tt.state)
			took := p.stop(t, tt.sig)
			t.Logf("%s: exited %v after %v", tt.name, took.Round(time.Millisecond), tt.sig)
			_, err := os.Stat(filepath.Join(p.dir, "storybot.db"))
			if created := err == nil; created != (tt.state == "msg=ready" || tt.state == "registering commands") {
				t.Errorf("storybot.db created: %v in state %q", created, tt.state)
			}
		})
	}
	t.Run("answering with a slow model", func(t *testing.T) {
		fake := fakediscord.New(t, fakediscord.Options{})
		model := fakeopenai.New(t, "")
		model.SetDefault(func(fakeopenai.Request) fakeopenai.Reply {
			return fakeopenai.Reply{Text: "Too late [1].", Delay: 10 * time.Second}
		})
		p := startServe(t, fake, fake.URL(), "LLM_BASE_URL="+model.BaseURL(), "LLM_API_KEY="+model.Key(), "LLM_MODEL=m", "LLM_RETRIES=0")
		p.reach(t, "msg=ready")
		if err := fake.WaitReady(bottestCtx(t)); err != nil {
			t.Fatal(err)
		}
		fake.SlashCommand(fake.Alice, fake.ChannelID, "ask", fakediscord.StringOption("question", "How long was lunch?"))
		deadline := time.Now().Add(10 * time.Second)
		for len(model.Requests()) == 0 && model.Pending() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		took := p.stop(t, syscall.SIGTERM)
		t.Logf("answering with a slow model: exited %v after SIGTERM", took.Round(time.Millisecond))
		if !strings.Contains(p.out.String(), "shutting down") {
			t.Errorf("no shutdown logged:\n%s", p.out)
		}
	})
}
