package qa_test

// End-to-end tests: the bot with the Q&A plugin, on the real discordgo
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
	"storybot/bot/bottest"
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
	logger *slog.Logger
	logs   *logbuf.Buffer
	bob    fakediscord.User
	carol  fakediscord.User // takes no direct messages
	mod2   fakediscord.User
	bot    *running
}

// running is one bot process: its store, its Q&A plugin and its bot.
type running struct {
	st     *sqlite.Store
	plugin *botqa.Plugin
	run    *bottest.Running
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
	logger, logs := bottest.Logger(t)
	e := &env{t: t, fake: fake, db: filepath.Join(t.TempDir(), "storybot.db"), eng: eng, logger: logger, logs: logs,
		bob: bob, mod2: mod2, carol: carol}
	t.Cleanup(e.stop)
	e.start()
	return e
}

// start runs a new bot process on the database file and waits until it
// has registered its commands.
func (e *env) start() {
	t := e.t
	t.Helper()
	st, err := sqlite.Open(context.Background(), e.db, e.logger)
	if err != nil {
		t.Fatal(err)
	}
	sources := bot.NewSourceIDs(nil, nil)
	sessions, err := botqa.New(botqa.Options{Store: st, Answerer: e.eng, Logger: e.logger, ModeratorRoleID: e.fake.ModRoleID, Sources: sources})
	if err != nil {
		t.Fatal(err)
	}
	run := bottest.Run(t, e.fake, bot.Options{Logger: e.logger, GuildID: e.fake.GuildID,
		Plugins: []bot.Plugin{sessions}, Sources: sources, Passages: e.eng}, bottest.Config{})
	e.bot = &running{st: st, plugin: sessions, run: run}
	if err := e.fake.WaitReady(e.ctx(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
}

// stop ends the bot process and closes its store.
func (e *env) stop() {
	if e.bot == nil {
		return
	}
	if err := e.bot.run.Stop(); err != nil {
		e.t.Errorf("Run: %v", err)
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
	r, err := it.WaitResponse(e.ctx(waitBudget))
	if err != nil {
		e.t.Fatal(err)
	}
	if r.Delay > fakediscord.InteractionDeadline {
		e.t.Errorf("first response after %v", r.Delay)
	}
	m, err := it.WaitOriginal(e.ctx(waitBudget), func(m *fakediscord.Message) bool {
		return m.Flags&fakediscord.FlagLoading == 0 && (m.Content != "" || len(m.Embeds) > 0)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if !m.Ephemeral() {
		e.t.Errorf("reply %q is public, want ephemeral", m.Content)
	}
	bottest.NoPings(e.t, m)
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
	r, err := it.WaitResponse(e.ctx(waitBudget))
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
	m, err := e.fake.WaitMessage(e.ctx(waitBudget), channelID, func(m *fakediscord.Message) bool {
		return m.Author.ID == e.fake.BotID && !m.Deleted && match(m)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	bottest.NoPings(e.t, m)
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

// waitBudget bounds each wait for the bot. A wait ends as soon as what it
// waits for arrives; the budget only matters when it never does, and is
// long enough for a loaded 2-core machine running every package's tests
// at once (10 s timed out there twice). The interaction deadline is
// checked on the response's delay, not by this budget.
const waitBudget = 30 * time.Second
