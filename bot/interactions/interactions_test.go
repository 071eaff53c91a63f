package interactions

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// echo answers every interaction with a message naming it, after delay.
type echo struct{ delay time.Duration }

func (e echo) ServeInteraction(i *discordgo.Interaction, send func(context.Context, *discordgo.InteractionResponse) error) {
	time.Sleep(e.delay)
	send(context.Background(), &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "answer to " + i.ID}})
}

type silent struct{}

func (silent) ServeInteraction(*discordgo.Interaction, func(context.Context, *discordgo.InteractionResponse) error) {
}

func newServer(t *testing.T, bot Bot, now time.Time) (*httptest.Server, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{PublicKey: pub, Bot: bot, Wait: 300 * time.Millisecond, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, priv
}

func post(t *testing.T, url string, priv ed25519.PrivateKey, at time.Time, body string, tamper func(sig []byte, ts string) ([]byte, string)) (int, string) {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(priv, []byte(ts+body))
	if tamper != nil {
		sig, ts = tamper(sig, ts)
	}
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", ts)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const command = `{"id":"%s","application_id":"1","type":2,"token":"tok","version":1,"data":{"id":"9","name":"ask","type":1}}`

func interaction(id string) string { return strings.Replace(command, "%s", id, 1) }

func TestEndpoint(t *testing.T) {
	now := time.Unix(1800000000, 0)
	srv, priv := newServer(t, echo{}, now)
	tests := []struct {
		name   string
		at     time.Time
		body   string
		tamper func([]byte, string) ([]byte, string)
		status int
		want   string
	}{
		{"ping", now, `{"id":"1","application_id":"1","type":1,"token":"t","version":1}`, nil, 200, `{"type":1}`},
		{"command", now, interaction("2"), nil, 200, `"content":"answer to 2"`},
		{"replayed", now, interaction("2"), nil, 401, "invalid request signature"},
		{"bad signature", now, interaction("3"), func(sig []byte, ts string) ([]byte, string) { sig[0] ^= 1; return sig, ts }, 401, ""},
		{"signed by another key", now, interaction("4"), func(_ []byte, ts string) ([]byte, string) {
			_, k, _ := ed25519.GenerateKey(nil)
			return ed25519.Sign(k, []byte(ts+interaction("4"))), ts
		}, 401, ""},
		{"other timestamp than signed", now, interaction("5"), func(sig []byte, ts string) ([]byte, string) { return sig, "1800000001" }, 401, ""},
		{"no signature", now, interaction("6"), func([]byte, string) ([]byte, string) { return nil, "" }, 401, ""},
		{"old timestamp", now.Add(-31 * time.Second), interaction("7"), nil, 401, ""},
		{"future timestamp", now.Add(31 * time.Second), interaction("8"), nil, 401, ""},
		{"recent timestamp", now.Add(-29 * time.Second), interaction("9"), nil, 200, "answer to 9"},
		{"not an interaction", now, `{"hello":1}`, nil, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, srv.URL, priv, tt.at, tt.body, tt.tamper)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("POST %s = %d %q, want %d with %q", tt.name, status, body, tt.status, tt.want)
			}
		})
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET = %d, want 405", resp.StatusCode)
	}
}

func TestNoResponse(t *testing.T) {
	now := time.Unix(1800000000, 0)
	for _, tt := range []struct {
		name   string
		bot    Bot
		status int
	}{
		{"handler sends nothing", silent{}, http.StatusInternalServerError},
		{"handler too slow", echo{delay: time.Second}, http.StatusServiceUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, priv := newServer(t, tt.bot, now)
			start := time.Now()
			status, _ := post(t, srv.URL, priv, now, interaction("1"), nil)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("answered after %v, want within the 300ms wait", d)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	if k, err := ParsePublicKey(" " + hex.EncodeToString(pub) + "\n"); err != nil || !k.Equal(pub) {
		t.Errorf("ParsePublicKey(hex) = %x, %v", k, err)
	}
	for _, bad := range []string{"", "zz", hex.EncodeToString(pub[:31])} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) = nil error", bad)
		}
	}
	var r discordgo.InteractionResponse
	if err := json.Unmarshal([]byte(`{"type":1}`), &r); err != nil || r.Type != discordgo.InteractionResponsePong {
		t.Errorf("PONG is %+v, %v", r, err)
	}
}

// FuzzEndpoint: whatever arrives, the endpoint answers without panicking,
// and nothing unsigned reaches the bot.
func FuzzEndpoint(f *testing.F) {
	f.Add([]byte(interaction("1")), "00", "1800000000")
	f.Add([]byte(`{"type":1}`), strings.Repeat("a", 128), "")
	pub, _, _ := ed25519.GenerateKey(nil)
	reached := false
	h, _ := New(Options{PublicKey: pub, Bot: botFunc(func() { reached = true }), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.Fuzz(func(t *testing.T, body []byte, sig, ts string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(string(body)))
		req.Header.Set("X-Signature-Ed25519", sig)
		req.Header.Set("X-Signature-Timestamp", ts)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("unsigned request got %d, want 401", w.Code)
		}
		if reached {
			t.Fatal("an unsigned request reached the bot")
		}
	})
}

type botFunc func()

func (f botFunc) ServeInteraction(*discordgo.Interaction, func(context.Context, *discordgo.InteractionResponse) error) {
	f()
}
