package ask_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"storybot/answer"
	"storybot/corpus"
	"storybot/internal/fakediscord"
	"storybot/internal/fakeopenai"
	"storybot/llm"
	"storybot/retrieval"
	"storybot/seeds"
)

// modelEngine is the real answer engine over the story, with the real
// go-openai client talking to a fake OpenAI server that streams slowly.
func modelEngine(t *testing.T) (*answer.Engine, *fakeopenai.Server) {
	t.Helper()
	srv := fakeopenai.New(t, "")
	passage := regexp.MustCompile(`(?s)<passage>\n\[(\d+)\][^\n]*\n([^<]*)</passage>`)
	srv.SetDefault(func(r fakeopenai.Request) fakeopenai.Reply {
		n := "1"
		for _, m := range r.Chat.Messages {
			for _, p := range passage.FindAllStringSubmatch(m.Content, -1) {
				if strings.Contains(p[2], "two hours") {
					n = p[1]
				}
			}
		}
		return fakeopenai.Reply{
			Text:       fmt.Sprintf("The French and Russian presidents talked over lunch for two hours, in the palace of Versailles, as the story reports [%s].", n),
			ChunkRunes: 6, ChunkDelay: 120 * time.Millisecond,
		}
	})
	gen, err := llm.New(llm.Config{BaseURL: srv.BaseURL(), APIKey: llm.Secret(srv.Key()), Model: "test-model",
		Timeout: 10 * time.Second, Retries: 1, RetryBaseDelay: 10 * time.Millisecond, HTTPClient: srv.Client()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := corpus.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	return answer.New(retrieval.NewIndex(c), answer.Options{Generator: gen}), srv
}

// TestE2EModelStreaming runs /ask through the real engine and model client:
// the deferred response is edited as the model's text streams in, about
// once a second, and the final edit carries the checked citations.
func TestE2EModelStreaming(t *testing.T) {
	eng, srv := modelEngine(t)
	h := start(t, setup{engine: eng})
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "How long did the presidents talk over lunch?"))
	if r := h.response(t, it); r.Type != fakediscord.ResponseDeferred {
		t.Errorf("response type %d, want a deferral for a model answer", r.Type)
	}
	m := h.final(t, it)
	if m.Edits() < 2 {
		t.Errorf("%d edits, want partial edits while streaming and a final one", m.Edits())
	}
	for i := 1; i < len(m.EditTimes); i++ {
		if d := m.EditTimes[i].Sub(m.EditTimes[i-1]); d < 900*time.Millisecond {
			t.Errorf("edits %d and %d are %v apart, want about 1s or more", i, i+1, d)
		}
	}
	text := m.Text()
	for _, want := range []string{"two hours", "[1]", "Macron and Putin at Versailles, ¶3"} {
		if !strings.Contains(text, want) {
			t.Errorf("final answer lacks %q:\n%s", want, text)
		}
	}
	noPings(t, m)
	if reqs := srv.Requests(); len(reqs) != 1 || !reqs[0].Chat.Stream {
		t.Errorf("%d model requests, want one streamed", len(reqs))
	}

	t.Run("fallback", func(t *testing.T) {
		srv.Enqueue(fakeopenai.Reply{Status: 500}, fakeopenai.Reply{Status: 500})
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "Which gas did the Assad regime deploy?"))
		text := h.final(t, it).Text()
		if !strings.Contains(text, "Model unavailable, keyword answer") || !strings.Contains(text, "sarin") {
			t.Errorf("fallback answer not marked or wrong:\n%s", text)
		}
	})
}
