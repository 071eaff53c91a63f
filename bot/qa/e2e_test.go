package qa_test

// End-to-end tests: the bot with the qa extension, on the real discordgo
// session, against the strict fake Discord of internal/fakediscord, with a
// real SQLite file.

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	botqa "storybot/bot/qa"
	"storybot/internal/fakediscord"
	"storybot/internal/logbuf"
	"storybot/qa/sqlite"
)

// env is a fake Discord with two extra members, Bob (a participant) and
// Mod2 (a moderator by role only), and a database path.
type env struct {
	t      *testing.T
	fake   *fakediscord.Server
	db     string
	eng    *answer.Engine
	logs   *logbuf.Buffer
	bob    fakediscord.User
	carol  fakediscord.User // takes no direct messages
	mod2   fakediscord.User
	bot    *running
	starts int
}

// running is one bot process: its store, session and Run goroutine.
type running struct {
	st     *sqlite.Store
	cancel context.CancelFunc
	done   chan error
}

func newEnv(t *testing.T) *env {
	t.Helper()
	bob := fakediscord.User{ID: "100000000000000041", Username: "bob", Permissions: fakediscord.PermEveryone}
	mod2 := fakediscord.User{ID: "100000000000000042", Username: "mod2", Permissions: fakediscord.PermEveryone,
		Roles: []string{"100000000000000011"}}
	carol := fakediscord.User{ID: "100000000000000043", Username: "carol", Permissions: fakediscord.PermEveryone, NoDMs: true}
	fake := fakediscord.New(t, fakediscord.Options{Users: []fakediscord.User{bob, mod2, carol}})
	eng, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, fake: fake, db: filepath.Join(t.TempDir(), "storybot.db"), eng: eng, logs: &logbuf.Buffer{}, bob: bob, mod2: mod2, carol: carol}
	t.Cleanup(func() {
		e.stop()
		if t.Failed() {
			t.Logf("bot logs:\n%s", e.logs.String())
		}
	})
	e.start()
	return e
}

// start runs a new bot process on the database file and waits until it
// has registered its commands.
func (e *env) start() {
	t := e.t
	t.Helper()
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := sqlite.Open(context.Background(), e.db, logger)
	if err != nil {
		t.Fatal(err)
	}
	sources := bot.NewSourceIDs(100)
	ext, err := botqa.New(botqa.Options{Store: st, Answerer: e.eng, Logger: logger, ModeratorRoleID: e.fake.ModRoleID, Sources: sources})
	if err != nil {
		t.Fatal(err)
	}
	s, err := bot.NewSession(e.fake.Token, e.fake.URL(), bot.Intents(false))
	if err != nil {
		t.Fatal(err)
	}
	s.LogLevel = discordgo.LogWarning
	s.ShouldReconnectOnError = false
	b, err := bot.New(s, bot.Options{Engine: e.eng, Logger: logger, GuildID: e.fake.GuildID,
		Extensions: []bot.Extension{ext}, Sources: sources, UserRate: -1, ChannelRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{st: st, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- b.Run(ctx) }()
	e.bot = r
	e.starts++
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := 0
		for _, req := range e.fake.Requests() {
			if req.Method == "PUT" && strings.HasSuffix(req.Path, "/commands") && req.Status < 300 {
				n++
			}
		}
		if n >= e.starts {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bot start %d: commands not registered", e.starts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := e.fake.WaitReady(e.ctx(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
}

// stop ends the bot process and closes its qa.
func (e *env) stop() {
	if e.bot == nil {
		return
	}
	e.bot.cancel()
	select {
	case err := <-e.bot.done:
		if err != nil {
			e.t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		e.t.Errorf("Run did not return")
	}
	if err := e.bot.st.Close(); err != nil {
		e.t.Errorf("close store: %v", err)
	}
	e.bot = nil
}

func (e *env) restart() {
	e.t.Helper()
	e.stop()
	e.start()
}

func (e *env) ctx(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	e.t.Cleanup(cancel)
	return ctx
}

// qa sends /qa sub with options.
func (e *env) qa(u fakediscord.User, channelID, sub string, opts ...fakediscord.Option) *fakediscord.Interaction {
	e.t.Helper()
	return e.fake.SlashCommand(u, channelID, "qa", fakediscord.Subcommand(sub, opts...))
}

// reply waits for the finished private answer to an interaction (its
// response, or the edit of its deferred response) and returns it.
func (e *env) reply(it *fakediscord.Interaction) *fakediscord.Message {
	e.t.Helper()
	r, err := it.WaitResponse(e.ctx(5 * time.Second))
	if err != nil {
		e.t.Fatal(err)
	}
	if r.Delay > fakediscord.InteractionDeadline {
		e.t.Errorf("first response after %v", r.Delay)
	}
	m, err := it.WaitOriginal(e.ctx(10*time.Second), func(m *fakediscord.Message) bool {
		return m.Flags&fakediscord.FlagLoading == 0 && (m.Content != "" || len(m.Embeds) > 0)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if !m.Ephemeral() {
		e.t.Errorf("reply %q is public, want ephemeral", m.Content)
	}
	noPings(e.t, m)
	return m
}

// replyHas waits for the private answer and checks it contains want.
func (e *env) replyHas(it *fakediscord.Interaction, want string) *fakediscord.Message {
	e.t.Helper()
	m := e.reply(it)
	if !strings.Contains(m.Text(), want) {
		e.t.Errorf("reply = %q, want it to contain %q", m.Text(), want)
	}
	return m
}

// modal waits for a modal response and returns its data.
func (e *env) modal(it *fakediscord.Interaction) *discordgo.InteractionResponseData {
	e.t.Helper()
	r, err := it.WaitResponse(e.ctx(5 * time.Second))
	if err != nil {
		e.t.Fatal(err)
	}
	if r.Type != fakediscord.ResponseModal {
		e.t.Fatalf("response type %d (%s), want a modal", r.Type, r.Data)
	}
	var d struct {
		CustomID   string `json:"custom_id"`
		Title      string `json:"title"`
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
				Value    string `json:"value"`
			} `json:"components"`
		} `json:"components"`
	}
	mustJSON(e.t, r.Data, &d)
	out := &discordgo.InteractionResponseData{CustomID: d.CustomID, Title: d.Title}
	for _, row := range d.Components {
		for _, c := range row.Components {
			out.Components = append(out.Components, discordgo.TextInput{CustomID: c.CustomID, Value: c.Value})
		}
	}
	return out
}

// waitMsg waits for a bot message in channelID for which match is true.
func (e *env) waitMsg(channelID string, match func(*fakediscord.Message) bool) *fakediscord.Message {
	e.t.Helper()
	m, err := e.fake.WaitMessage(e.ctx(10*time.Second), channelID, func(m *fakediscord.Message) bool {
		return m.Author.ID == e.fake.BotID && !m.Deleted && match(m)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	noPings(e.t, m)
	return m
}

// card waits for the card of question n (by its title) in channelID, in
// the state match accepts.
func (e *env) card(channelID string, n string, match func(*fakediscord.Message) bool) *fakediscord.Message {
	e.t.Helper()
	return e.waitMsg(channelID, func(m *fakediscord.Message) bool {
		return len(m.Embeds) > 0 && m.Embeds[0].Title == "Question #"+n && (match == nil || match(m))
	})
}

func hasButton(m *fakediscord.Message, id string) bool {
	for _, c := range m.CustomIDs() {
		if c == id {
			return true
		}
	}
	return false
}

func noPings(t testing.TB, msgs ...*fakediscord.Message) {
	t.Helper()
	for _, m := range msgs {
		am := m.AllowedMentions
		if am == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 || am.RepliedUser {
			t.Errorf("message %s allowed_mentions = %+v, want {parse:[]}", m.ID, am)
		}
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func mustJSON(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}
