package bot_test

// End-to-end tests of the host: its router and middleware, with a test
// plugin, on the real discordgo session against the strict fake Discord.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/bot/bottest"
	"storybot/internal/fakediscord"
)

// echo is a plugin showing how a plugin uses the host's toolkit, with
// commands that misbehave on request.
type echo struct{}

func (echo) Register(r *bot.Router) {
	r.Command(&discordgo.ApplicationCommand{Name: "echo", Description: "Echo some text", Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "text", Description: "Text", Required: true},
	}}, func(ctx context.Context, x *bot.Interaction) error {
		text := x.StringOption("text")
		switch text {
		case "panic":
			panic("echo panic")
		case "fail":
			return errors.New("echo failed at /secret/path")
		case "refuse":
			return bot.Refuse("No echo for you.")
		case "slow":
			time.Sleep(500 * time.Millisecond)
		}
		return x.Respond(ctx, bot.Message{Content: fmt.Sprintf("%s (moderator: %v)", text, bot.IsModerator(x.Interaction, ""))})
	})
	mods := r.With(bot.Private, bot.ModeratorsOnly("", "Moderators only."))
	mods.Command(&discordgo.ApplicationCommand{Name: "secret", Description: "Moderators only"}, func(ctx context.Context, x *bot.Interaction) error {
		return x.Respond(ctx, bot.Message{Content: "the secret"})
	})
	r.Message(func(ctx context.Context, s *discordgo.Session, m *discordgo.Message) error {
		switch {
		case strings.Contains(m.Content, "panic"):
			panic("message panic")
		case strings.Contains(m.Content, "refuse"):
			return bot.Refuse("Not that message.")
		}
		return nil
	})
}

func startEcho(t *testing.T) (*fakediscord.Server, func() string) {
	t.Helper()
	fake := fakediscord.New(t, fakediscord.Options{})
	logger, logs := bottest.Logger(t)
	bottest.Run(t, fake, bot.Options{Logger: logger, GuildID: fake.GuildID, Plugins: []bot.Plugin{echo{}},
		DeferAfter: 200 * time.Millisecond}, bottest.Config{Intents: bot.Intents(true)})
	return fake, logs.String
}

func TestE2EPlugin(t *testing.T) {
	fake, logs := startEcho(t)
	echo := func(u fakediscord.User, text string) *fakediscord.Interaction {
		return fake.SlashCommand(u, fake.ChannelID, "echo", fakediscord.StringOption("text", text))
	}

	t.Run("answer", func(t *testing.T) {
		m := bottest.Final(t, echo(fake.Moderator, "hi @everyone"))
		if m.Content != "hi @everyone (moderator: true)" || m.Ephemeral() {
			t.Errorf("plugin reply = %q (ephemeral %v)", m.Content, m.Ephemeral())
		}
		bottest.NoPings(t, m)
	})
	t.Run("panic", func(t *testing.T) {
		m := bottest.Final(t, echo(fake.Alice, "panic"))
		if !m.Ephemeral() || !strings.HasPrefix(m.Content, "Sorry") {
			t.Errorf("after a panic: %q (ephemeral %v), want a private apology", m.Content, m.Ephemeral())
		}
		if !strings.Contains(logs(), "echo panic") || !strings.Contains(logs(), "stack=") {
			t.Errorf("panic not logged with its stack")
		}
	})
	t.Run("error", func(t *testing.T) {
		m := bottest.Final(t, echo(fake.Alice, "fail"))
		if !m.Ephemeral() || !strings.HasPrefix(m.Content, "Sorry") || strings.Contains(m.Content, "secret") {
			t.Errorf("after an error: %q, want a private apology without the details", m.Content)
		}
		if !strings.Contains(logs(), "/secret/path") {
			t.Errorf("full error not logged")
		}
	})
	t.Run("refusal", func(t *testing.T) {
		if m := bottest.Final(t, echo(fake.Alice, "refuse")); !m.Ephemeral() || m.Content != "No echo for you." {
			t.Errorf("refusal = %q (ephemeral %v)", m.Content, m.Ephemeral())
		}
	})
	t.Run("slow is deferred", func(t *testing.T) {
		it := echo(fake.Alice, "slow")
		r := bottest.Response(t, it)
		if r.Type != fakediscord.ResponseDeferred || r.Delay < 150*time.Millisecond || r.Delay > time.Second {
			t.Errorf("response type %d after %v, want a deferral after about 200ms", r.Type, r.Delay)
		}
		if m := bottest.Final(t, it); m.Content != "slow (moderator: false)" {
			t.Errorf("deferred answer = %q", m.Content)
		}
	})
	t.Run("moderators only", func(t *testing.T) {
		if m := bottest.Final(t, fake.SlashCommand(fake.Alice, fake.ChannelID, "secret")); !m.Ephemeral() || m.Content != "Moderators only." {
			t.Errorf("non-moderator got %q", m.Content)
		}
		if m := bottest.Final(t, fake.SlashCommand(fake.Moderator, fake.ChannelID, "secret")); !m.Ephemeral() || m.Content != "the secret" {
			t.Errorf("moderator got %q (ephemeral %v)", m.Content, m.Ephemeral())
		}
	})
	t.Run("messages", func(t *testing.T) {
		q := fake.PostMessage(fake.Alice, fake.ChannelID, "please refuse this")
		reply, err := fake.WaitMessage(bottest.Ctx(t, 5*time.Second), fake.ChannelID, func(m *fakediscord.Message) bool {
			return m.Author.ID == fake.BotID && m.Reference != nil && m.Reference.MessageID == q.ID
		})
		if err != nil || reply.Content != "Not that message." {
			t.Fatalf("reply to a refused message = %v, %v", reply, err)
		}
		bottest.NoPings(t, reply)
		q = fake.PostMessage(fake.Alice, fake.ChannelID, "now panic")
		if _, err := fake.WaitMessage(bottest.Ctx(t, 5*time.Second), fake.ChannelID, func(m *fakediscord.Message) bool {
			return m.Author.ID == fake.BotID && m.Reference != nil && m.Reference.MessageID == q.ID && strings.HasPrefix(m.Content, "Sorry")
		}); err != nil {
			t.Errorf("no apology after a panic in a message handler: %v", err)
		}
	})
}
