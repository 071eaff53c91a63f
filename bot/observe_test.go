package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

type seen struct {
	kind, outcome string
	sent          bool
}

type recordMetrics struct {
	mu  sync.Mutex
	got []seen
}

func (r *recordMetrics) Interaction(kind, outcome string, first time.Duration, sent bool, final time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, seen{kind, outcome, sent})
}
func (r *recordMetrics) Message(string, time.Duration) {}
func (r *recordMetrics) Reconnect()                    {}

// TestObserve: every interaction is recorded with its outcome, and its
// first response counts even when it is the notice of a refusal, an error
// or a panic.
func TestObserve(t *testing.T) {
	m := &recordMetrics{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := NewRouter()
	r.Use(Observe(m), Recover(log), Report(log), Defer(time.Second))
	handlers := map[string]Handler{
		"ok":      func(ctx context.Context, x *Interaction) error { return x.Respond(ctx, Message{Content: "hi"}) },
		"refuse":  func(context.Context, *Interaction) error { return Refuse("no") },
		"limited": func(context.Context, *Interaction) error { return RateLimited("slow down") },
		"boom":    func(context.Context, *Interaction) error { return errors.New("boom") },
		"panic":   func(context.Context, *Interaction) error { panic("oops") },
	}
	for name, h := range handlers {
		r.Command(&discordgo.ApplicationCommand{Name: name, Description: "d"}, h)
	}
	for _, tt := range []struct{ name, outcome string }{
		{"ok", "ok"}, {"refuse", "refused"}, {"limited", "rate_limited"}, {"boom", "error"}, {"panic", "panic"}, {"nope", "refused"},
	} {
		i := &discordgo.Interaction{ID: "1", Type: discordgo.InteractionApplicationCommand,
			Data: discordgo.ApplicationCommandInteractionData{Name: tt.name}}
		x := NewInteraction(nil, i)
		sent := 0
		x.SetInitial(func(context.Context, *discordgo.InteractionResponse) error { sent++; return nil })
		r.Serve(context.Background(), x)
		m.mu.Lock()
		last := m.got[len(m.got)-1]
		m.mu.Unlock()
		if want := (seen{"command", tt.outcome, true}); last != want || sent != 1 {
			t.Errorf("/%s recorded %+v with %d responses, want %+v and one response", tt.name, last, sent, want)
		}
	}
}
