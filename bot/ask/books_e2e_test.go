package ask_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"storybot/answer"
	"storybot/bot"
	"storybot/bot/ask"
	"storybot/bot/bottest"
	"storybot/internal/fakediscord"
	"storybot/internal/testbook"
	"storybot/library"
	"storybot/library/memstore"
	"storybot/library/shelf"
)

// slowFiles makes reading a book's file take delay, as a large book's
// first indexing takes long.
type slowFiles struct {
	*memstore.Store
	delay time.Duration
	reads atomic.Int64
}

func (s *slowFiles) BookFile(ctx context.Context, guildID string, id int64) ([]byte, error) {
	s.reads.Add(1)
	time.Sleep(s.delay)
	return s.Store.BookFile(ctx, guildID, id)
}

// TestFirstQuestionOfASlowBook: a question about a book whose index takes
// longer than Discord's 3 s is deferred at once, says the book is being
// opened, and is answered when the index is ready; a question at the same
// time waits for the same build, and a mention is answered too.
func TestFirstQuestionOfASlowBook(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a slow build")
	}
	ctx := context.Background()
	st := memstore.New()
	slow := &slowFiles{Store: st, delay: 3500 * time.Millisecond}
	def, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	sh, err := shelf.New(shelf.Options{Store: slow, Default: def, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	fake := fakediscord.New(t, fakediscord.Options{})
	rb, err := sh.Read("miller.txt", testbook.Miller.Text(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.AddBook(ctx, library.NewBook{Book: library.Book{GuildID: fake.GuildID, Title: rb.Title, Author: rb.Author,
		Filename: "miller.txt", Kind: rb.Kind, TextBytes: rb.TextBytes, Words: rb.Words, Chapters: rb.Chapters, AddedBy: "mod"},
		Data: testbook.Miller.Text()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Choose(ctx, library.Choice{GuildID: fake.GuildID, BookID: b.ID, SetBy: "mod"}); err != nil {
		t.Fatal(err)
	}
	logger, _ := bottest.Logger(t)
	plugin, err := ask.New(ask.Options{Engine: def, Books: sh, Logger: logger, UserRate: -1, ChannelRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	bottest.Run(t, fake, bot.Options{Logger: logger, GuildID: fake.GuildID, Plugins: []bot.Plugin{plugin}}, bottest.Config{})

	start := time.Now()
	first := fake.SlashCommand(fake.Alice, fake.ChannelID, "ask", fakediscord.StringOption("question", "Who owned the mill?"))
	second := fake.SlashCommand(fake.Moderator, fake.ChannelID, "ask", fakediscord.StringOption("question", "What did Anna keep?"))
	mention := fake.PostMessage(fake.Alice, fake.ChannelID, "<@"+fake.BotID+"> Who owned the mill?")
	for _, it := range []*fakediscord.Interaction{first, second} {
		r := bottest.Response(t, it)
		if r.Type != fakediscord.ResponseDeferred || r.Delay > 500*time.Millisecond {
			t.Errorf("response %d after %v; want deferred at once", r.Type, r.Delay)
		}
	}
	if _, err := first.WaitOriginal(bottest.Ctx(t, 3*time.Second), func(m *fakediscord.Message) bool {
		return strings.Contains(m.Content, "Opening **The Miller of Dunmore** (its index is being built)")
	}); err != nil {
		t.Errorf("the deferred answer never said the book was being opened: %v", err)
	}
	for it, want := range map[*fakediscord.Interaction]string{first: "Thomas Reed", second: "accounts"} {
		m, err := it.WaitOriginal(bottest.Ctx(t, 15*time.Second), func(m *fakediscord.Message) bool { return len(m.Embeds) > 0 })
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text(), want) || !strings.Contains(m.Text(), "The Miller of Dunmore, ch. I") || m.Content != "" {
			t.Errorf("answer when ready = %q (content %q)", m.Text(), m.Content)
		}
	}
	if took := time.Since(start); took < 3500*time.Millisecond {
		t.Errorf("answered after %v, before the index could be ready", took)
	}
	reply, err := fake.WaitMessage(bottest.Ctx(t, 15*time.Second), fake.ChannelID, func(m *fakediscord.Message) bool {
		return m.Author.ID == fake.BotID && m.Reference != nil && m.Reference.MessageID == mention.ID
	})
	if err != nil || !strings.Contains(reply.Text(), "Thomas Reed") {
		t.Errorf("the mention's reply = %v, %v", reply, err)
	}
	if n := slow.reads.Load(); n != 1 {
		t.Errorf("the book was read %d times for three questions at once, want 1", n)
	}
}
