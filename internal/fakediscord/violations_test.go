package fakediscord

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// rawBot identifies on the fake's gateway with a bare websocket and
// discards every event, so tests can drive REST by hand.
func rawBot(t *testing.T, fake *Server, intents int) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(fake.gatewayURL()+"?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		ws.Close()
		<-done
	})
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := ws.ReadMessage(); err != nil { // HELLO
		t.Fatal(err)
	}
	if err := ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot " + fake.Token, "intents": intents, "properties": map[string]string{}}}); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(done)
		for {
			ws.SetReadDeadline(time.Now().Add(20 * time.Second))
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	if err := fake.WaitReady(ctx5(t)); err != nil {
		t.Fatal(err)
	}
}

// do sends one REST request to the fake with the bot's token.
func do(t *testing.T, fake *Server, method, path, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, fake.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+fake.Token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, m, resp.Header
}

// setup returns a fake with a raw bot identified and /ask registered,
// whose violations go to the returned recorder.
func setup(t *testing.T) (*Server, *recordTB) {
	fake := New(t, Options{})
	rawBot(t, fake, IntentGuilds|IntentGuildMessages)
	if st, body, _ := do(t, fake, "PUT", "/api/v10/applications/"+fake.AppID+"/guilds/"+fake.GuildID+"/commands",
		`[{"name":"ask","description":"Ask","options":[{"type":3,"name":"q","description":"d","required":true}]}]`); st != 200 {
		t.Fatalf("register commands: %d %v", st, body)
	}
	rec := &recordTB{TB: t}
	fake.setTB(rec)
	return fake, rec
}

func TestViolations(t *testing.T) {
	msg := func(fake *Server) string { return "/api/v9/channels/" + fake.ChannelID + "/messages" }
	respond := func(fake *Server, it *Interaction, body string) (int, map[string]any) {
		st, b, _ := do(t, fake, "POST", "/api/v10/interactions/"+it.ID+"/"+it.Token+"/callback", body)
		return st, b
	}
	const ok = `{"type":4,"data":{"content":"hi","allowed_mentions":{"parse":[]}}}`
	tests := []struct {
		name     string
		run      func(t *testing.T, fake *Server) (int, map[string]any)
		status   int
		code     float64 // Discord error code; 0 to skip
		violates string  // substring of the violation; "" for none
	}{
		{"unknown route", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "GET", "/api/v9/guilds/"+f.GuildID+"/members", "")
			return st, b
		}, 404, 0, "unknown route"},
		{"no api prefix", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "GET", "/channels/"+f.ChannelID, "")
			return st, b
		}, 404, 0, "unknown route"},
		{"wrong token", func(t *testing.T, f *Server) (int, map[string]any) {
			req, _ := http.NewRequest("GET", f.URL()+"/api/v9/users/@me", nil)
			req.Header.Set("Authorization", "fake-token")
			st, b, _ := send(t, req)
			return st, b
		}, 401, 0, "Authorization"},
		{"schema: content not a string", func(t *testing.T, f *Server) (int, map[string]any) {
			if f.schemas == nil {
				t.Skip("no OpenAPI description: no schema checks")
			}
			st, b, _ := do(t, f, "POST", msg(f), `{"content":5,"allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 400, 50035, "SCHEMA"},
		{"empty message", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "POST", msg(f), `{"content":" ","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 400, 50006, "empty message"},
		{"no allowed_mentions", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "POST", msg(f), `{"content":"hi"}`)
			return st, b
		}, 400, 50035, "allowed_mentions"},
		{"could ping everyone", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "POST", msg(f), `{"content":"@everyone hi","allowed_mentions":{"parse":["everyone"]}}`)
			return st, b
		}, 400, 50035, "FAKE_MASS_PING"},
		{"content too long", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "POST", msg(f), `{"content":"`+strings.Repeat("x", 2001)+`","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 400, 50035, "content"},
		{"channel never existed", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "POST", "/api/v9/channels/999/messages", `{"content":"hi","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 404, 10003, "never existed"},
		{"deleted channel is not a violation", func(t *testing.T, f *Server) (int, map[string]any) {
			f.DeleteChannel(f.OtherChannelID)
			st, b, _ := do(t, f, "POST", "/api/v9/channels/"+f.OtherChannelID+"/messages", `{"content":"hi","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 404, 10003, ""},
		{"edit another user's message", func(t *testing.T, f *Server) (int, map[string]any) {
			m := f.PostMessage(f.Alice, f.ChannelID, "question")
			st, b, _ := do(t, f, "PATCH", msg(f)+"/"+m.ID, `{"content":"x","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 403, 50005, "authored by another user"},
		{"late initial response", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			f.Advance(InteractionDeadline + time.Millisecond)
			return respond(f, it, ok)
		}, 404, 10062, "after the event"},
		{"second initial response", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			respond(f, it, `{"type":5}`)
			return respond(f, it, ok)
		}, 400, 40060, "second initial response"},
		{"follow-up before response", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			st, b, _ := do(t, f, "POST", "/api/v10/webhooks/"+f.AppID+"/"+it.Token, `{"content":"x","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 404, 10015, "before the initial"},
		{"expired token", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			respond(f, it, `{"type":5}`)
			f.Advance(TokenLifetime + time.Second)
			st, b, _ := do(t, f, "PATCH", "/api/v10/webhooks/"+f.AppID+"/"+it.Token+"/messages/@original", `{"content":"x","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 401, 50027, "valid 15 min"},
		{"update on a slash command", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			return respond(f, it, `{"type":7,"data":{"content":"x","allowed_mentions":{"parse":[]}}}`)
		}, 400, 50035, "not valid for interaction type 2"},
		{"bad modal", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			return respond(f, it, `{"type":9,"data":{"custom_id":"m","title":"`+strings.Repeat("t", 46)+`","components":[{"type":1,"components":[{"type":4,"custom_id":"a","label":"L","style":1}]}]}}`)
		}, 400, 50035, "title"},
		{"unregistered command", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "nope")
			return respond(f, it, ok)
		}, 204, 0, "not registered"},
		{"edit @original of a modal response", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			respond(f, it, `{"type":9,"data":{"custom_id":"m","title":"T","components":[{"type":1,"components":[{"type":4,"custom_id":"a","label":"L","style":1}]}]}}`)
			st, b, _ := do(t, f, "PATCH", "/api/v10/webhooks/"+f.AppID+"/"+it.Token+"/messages/@original", `{"content":"x","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 404, 10008, "no such interaction message"},
		{"click a disabled button", func(t *testing.T, f *Server) (int, map[string]any) {
			st, b, _ := do(t, f, "POST", msg(f), `{"content":"card","allowed_mentions":{"parse":[]},"components":[{"type":1,"components":[{"type":2,"style":1,"label":"Go","custom_id":"go","disabled":true}]}]}`)
			if st != 200 {
				t.Fatalf("post: %d %v", st, b)
			}
			f.Button(f.Alice, f.Message(b["id"].(string)), "go")
			return st, b
		}, 200, 0, "is disabled"},
		{"click a missing button", func(t *testing.T, f *Server) (int, map[string]any) {
			m := f.PostMessage(f.Alice, f.ChannelID, "no buttons")
			f.Button(f.Alice, m, "go")
			return 200, nil
		}, 200, 0, "no component"},
		{"deferred then edit", func(t *testing.T, f *Server) (int, map[string]any) {
			it := f.SlashCommand(f.Alice, f.ChannelID, "ask", StringOption("q", "?"))
			respond(f, it, `{"type":5}`)
			st, b, _ := do(t, f, "PATCH", "/api/v10/webhooks/"+f.AppID+"/"+it.Token+"/messages/@original", `{"content":"done","allowed_mentions":{"parse":[]}}`)
			return st, b
		}, 200, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, rec := setup(t)
			st, body := tt.run(t, fake)
			if st != tt.status {
				t.Errorf("status = %d, want %d (body %v)", st, tt.status, body)
			}
			if tt.code != 0 && body["code"] != tt.code {
				t.Errorf("code = %v, want %v (body %v)", body["code"], tt.code, body)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			all := strings.Join(rec.errs, "\n")
			switch {
			case tt.violates == "" && len(rec.errs) > 0:
				t.Errorf("unexpected violations:\n%s", all)
			case tt.violates != "" && !strings.Contains(all, tt.violates):
				t.Errorf("violations %q, want one containing %q", all, tt.violates)
			}
		})
	}
}

func TestMultipartAndHeaders(t *testing.T) {
	fake, rec := setup(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("payload_json", `{"content":"transcript","allowed_mentions":{"parse":[]}}`)
	fw, _ := mw.CreateFormFile("files[0]", "session.md")
	fw.Write([]byte("# Q&A"))
	mw.Close()
	req, _ := http.NewRequest("POST", fake.URL()+"/api/v9/channels/"+fake.ChannelID+"/messages", &buf)
	req.Header.Set("Authorization", "Bot "+fake.Token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st, body, h := send(t, req)
	if st != 200 {
		t.Fatalf("status = %d, body %v", st, body)
	}
	for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
		if h.Get(k) == "" {
			t.Errorf("header %s missing", k)
		}
	}
	ms := fake.Messages(fake.ChannelID)
	if len(ms) != 1 || len(ms[0].Attachments) != 1 || ms[0].Attachments[0].Filename != "session.md" || string(ms[0].Attachments[0].Data) != "# Q&A" {
		t.Errorf("Messages = %+v, want one with session.md", ms)
	}
	if atts, _ := body["attachments"].([]any); len(atts) != 1 {
		t.Errorf("response attachments = %v", body["attachments"])
	}
	fake.RateLimitNext("/typing", 1, 0.25)
	st, body, h = do(t, fake, "POST", "/api/v9/channels/"+fake.ChannelID+"/typing", "")
	if st != 429 || body["retry_after"] != 0.25 || body["global"] != false || h.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("rate limited: %d %v %v", st, body, h)
	}
	if len(rec.errs) > 0 {
		t.Errorf("violations: %q", rec.errs)
	}
}
