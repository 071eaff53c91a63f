// Package bottest runs a [bot.Bot] with the real discordgo session against
// the strict fake Discord of storybot/internal/fakediscord over 127.0.0.1,
// for the end-to-end tests of the bot and its plugins.
package bottest

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/internal/fakediscord"
	"storybot/internal/logbuf"
)

// Logger returns a debug logger writing to a buffer, which is printed when
// t fails.
func Logger(t testing.TB) (*slog.Logger, *logbuf.Buffer) {
	t.Helper()
	logs := &logbuf.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	})
	return slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), logs
}

// Config is how [Run] builds the session.
type Config struct {
	// Intents are the gateway intents; 0 means bot.Intents(false).
	Intents discordgo.Intent
}

// Running is a bot running against a fake.
type Running struct {
	// Session is the bot's discordgo session.
	Session *discordgo.Session
	// Started is when Run started the bot.
	Started time.Time

	t      testing.TB
	cancel context.CancelFunc
	done   chan error
	stop   sync.Once
	err    error
}

// Run starts a bot with opts on a session to fake, waits until it has
// registered its commands, and stops it when t ends.
func Run(t testing.TB, fake *fakediscord.Server, opts bot.Options, cfg Config) *Running {
	t.Helper()
	if cfg.Intents == 0 {
		cfg.Intents = bot.Intents(false)
	}
	s, err := bot.NewSession(fake.Token, fake.URL(), cfg.Intents, opts.Logger)
	if err != nil {
		t.Fatal(err)
	}
	s.LogLevel = discordgo.LogWarning
	b, err := bot.New(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	registered := registrations(fake)
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{Session: s, Started: time.Now(), t: t, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		if err := r.Stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for registrations(fake) <= registered {
		if time.Now().After(deadline) {
			t.Fatalf("commands not registered within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return r
}

// registrations counts the successful command registrations fake received.
func registrations(fake *fakediscord.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") && r.Status < 300 {
			n++
		}
	}
	return n
}

// Stop cancels the bot and waits for Run to return its error; later calls
// return the same error.
func (r *Running) Stop() error {
	r.stop.Do(func() {
		r.cancel()
		select {
		case r.err = <-r.done:
		case <-time.After(30 * time.Second):
			r.t.Errorf("Run did not return after cancel")
		}
	})
	return r.err
}

// Ctx returns a context cancelled after d or when t ends.
func Ctx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// Response waits for the initial response to it.
func Response(t testing.TB, it *fakediscord.Interaction) fakediscord.Response {
	t.Helper()
	r, err := it.WaitResponse(Ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Final waits for the original response of it to be a finished (not
// loading, not streaming) message with embeds or content.
func Final(t testing.TB, it *fakediscord.Interaction) *fakediscord.Message {
	t.Helper()
	m, err := it.WaitOriginal(Ctx(t, 10*time.Second), func(m *fakediscord.Message) bool {
		return m.Flags&fakediscord.FlagLoading == 0 && (len(m.Embeds) > 0 || m.Content != "") &&
			(len(m.Embeds) == 0 || m.Embeds[0].Footer == nil || m.Embeds[0].Footer.Text != "Writing…")
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// NoPings fails t unless every message sets allowed_mentions that ping
// nobody.
func NoPings(t testing.TB, msgs ...*fakediscord.Message) {
	t.Helper()
	for _, m := range msgs {
		am := m.AllowedMentions
		if am == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 || am.RepliedUser {
			t.Errorf("message %s allowed_mentions = %+v, want {parse:[]}", m.ID, am)
		}
	}
}
