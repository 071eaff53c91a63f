package main

import (
	"context"
	"errors"
	"go/build"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/bot/gateway"
	"storybot/internal/fakediscord"
	"storybot/qa/sqlite"
)

func TestRunServeNeedsToken(t *testing.T) {
	err := runServe(context.Background(), Config{DiscordConfig: DiscordConfig{DiscordAPIBase: "https://discord.com"}}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), gateway.Options{})
	if !errors.Is(err, errNoToken) {
		t.Errorf("runServe without a token = %v, want %v", err, errNoToken)
	}
	err = runServe(context.Background(), Config{DiscordConfig: DiscordConfig{DiscordToken: "x", DiscordAPIBase: "discord.com/api"}}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), gateway.Options{})
	if err == nil || !strings.Contains(err.Error(), "DISCORD_API_BASE") {
		t.Errorf("runServe with a bad API base = %v, want a DISCORD_API_BASE error", err)
	}
}

// TestRunServe runs serve as an operator would, with only the token, the
// guild and the API base set, in an empty working directory, against the
// fake Discord: it registers the commands, answers, stores feedback and
// stops on cancel.
func TestRunServe(t *testing.T) {
	fake := fakediscord.New(t, fakediscord.Options{})
	t.Chdir(t.TempDir())
	t.Setenv("DISCORD_TOKEN", fake.Token)
	t.Setenv("DISCORD_GUILD_ID", fake.GuildID)
	t.Setenv("DISCORD_API_BASE", fake.URL())
	t.Setenv("MAX_QUESTION_CHARS", "300")
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, cfg, eng, slog.New(slog.NewTextHandler(io.Discard, nil)), gateway.Options{})
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("runServe = %v, want nil after cancel", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("runServe did not return after cancel")
		}
	}()

	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if _, err := fake.WaitRequest(wctx, func(r fakediscord.Request) bool {
		return r.Method == "PUT" && r.Path == "/applications/"+fake.AppID+"/guilds/"+fake.GuildID+"/commands" && r.Status == 200
	}); err != nil {
		t.Fatalf("commands not registered in the guild: %v", err)
	}
	// One question limit for every way of asking: MAX_QUESTION_CHARS.
	limits := map[string]int{}
	for _, c := range fake.Commands() {
		for _, o := range c.Options {
			for _, sub := range append([]*discordgo.ApplicationCommandOption{o}, o.Options...) {
				if sub.Name == "question" {
					limits[c.Name] = sub.MaxLength
				}
			}
		}
	}
	if limits["ask"] != 300 || limits["qa"] != 300 {
		t.Errorf("question limits = %v, want 300 for /ask and /qa ask", limits)
	}
	it := fake.SlashCommand(fake.Alice, fake.ChannelID, "ask", fakediscord.StringOption("question", "Where did Macron and Putin meet?"))
	m, err := it.WaitOriginal(wctx, func(m *fakediscord.Message) bool { return len(m.Embeds) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	fb := fake.Button(fake.Alice, m, bot.FeedbackUp)
	if _, err := fb.WaitResponse(wctx); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(wctx, filepath.Join(".", cfg.DatabasePath), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if up, down, err := st.FeedbackCounts(wctx, fake.GuildID, m.ID); err != nil || up != 1 || down != 0 {
		t.Errorf("FeedbackCounts = %d, %d, %v; want 1, 0", up, down, err)
	}
}

// TestLayers checks the dependency rules of the Discord and Q&A packages
// (their non-test imports, followed through the module): the Q&A domain and
// its stores know nothing of Discord, the bot's packages know no storage
// technology, and the host knows none of its plugins. Only this command
// wires concrete things together.
func TestLayers(t *testing.T) {
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"storybot/qa", []string{"storybot/bot", "github.com/bwmarrin/discordgo", "modernc.org/sqlite"}},
		{"storybot/qa/memstore", []string{"storybot/bot", "github.com/bwmarrin/discordgo", "modernc.org/sqlite"}},
		{"storybot/qa/qatest", []string{"storybot/bot", "github.com/bwmarrin/discordgo"}},
		{"storybot/qa/sqlite", []string{"storybot/bot", "github.com/bwmarrin/discordgo"}},
		{"storybot/bot", []string{"storybot/bot/ask", "storybot/bot/qa", "storybot/bot/library", "storybot/qa", "storybot/library", "modernc.org/sqlite",
			"github.com/jackc/pgx/v5", "storybot/cluster", "github.com/prometheus/client_golang"}},
		{"storybot/bot/ask", []string{"storybot/bot/qa", "storybot/bot/library", "storybot/qa/sqlite", "storybot/qa/memstore", "modernc.org/sqlite"}},
		{"storybot/bot/qa", []string{"storybot/bot/ask", "storybot/bot/library", "storybot/qa/sqlite", "storybot/qa/memstore", "modernc.org/sqlite"}},
		{"storybot/bot/library", []string{"storybot/bot/ask", "storybot/bot/qa", "storybot/qa/sqlite", "storybot/qa/postgres", "storybot/library/memstore", "modernc.org/sqlite", "github.com/jackc/pgx/v5"}},
		{"storybot/library", []string{"storybot/bot", "github.com/bwmarrin/discordgo", "modernc.org/sqlite", "github.com/jackc/pgx/v5", "storybot/retrieval", "storybot/answer"}},
		{"storybot/library/memstore", []string{"storybot/bot", "github.com/bwmarrin/discordgo", "modernc.org/sqlite"}},
		{"storybot/library/librarytest", []string{"storybot/bot", "github.com/bwmarrin/discordgo"}},
		{"storybot/library/shelf", []string{"storybot/bot", "github.com/bwmarrin/discordgo", "modernc.org/sqlite", "github.com/jackc/pgx/v5", "storybot/qa"}},
		{"storybot/qa/postgres", []string{"storybot/bot", "github.com/bwmarrin/discordgo", "modernc.org/sqlite"}},
		{"storybot/cluster", []string{"storybot/bot", "github.com/jackc/pgx/v5"}},
		{"storybot/cluster/postgres", []string{"storybot/bot", "github.com/bwmarrin/discordgo", "storybot/qa"}},
		{"storybot/metrics", []string{"storybot/bot", "storybot/qa"}},
		{"storybot/bot/shard", []string{"storybot/cluster", "github.com/jackc/pgx/v5", "github.com/bwmarrin/discordgo"}},
	}
	for _, r := range rules {
		deps := map[string]bool{}
		moduleDeps(t, r.pkg, deps)
		for dep := range deps {
			for _, f := range r.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s imports %s", r.pkg, dep)
				}
			}
		}
	}
}

// moduleDeps adds to deps the imports of pkg, following those of the module.
func moduleDeps(t *testing.T, pkg string, deps map[string]bool) {
	t.Helper()
	p, err := build.ImportDir(filepath.Join("..", "..", strings.TrimPrefix(pkg, "storybot")), 0)
	if err != nil {
		t.Fatalf("%s: %v", pkg, err)
	}
	for _, imp := range p.Imports {
		if deps[imp] {
			continue
		}
		deps[imp] = true
		if imp == "storybot" || strings.HasPrefix(imp, "storybot/") {
			moduleDeps(t, imp, deps)
		}
	}
}
