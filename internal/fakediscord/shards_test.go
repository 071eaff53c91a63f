package fakediscord

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// shardBot is a bare gateway connection that identified with shard (nil:
// none) and records the events it gets.
type shardBot struct {
	ws     *websocket.Conn
	mu     sync.Mutex
	events []string // "TYPE guild_id"
	closed int      // the close code the fake sent, once read
	done   chan struct{}
}

func identifyShard(t *testing.T, fake *Server, shard *[2]int) *shardBot {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(fake.gatewayURL()+"?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &shardBot{ws: ws, done: make(chan struct{})}
	t.Cleanup(func() { ws.Close(); <-b.done })
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := ws.ReadMessage(); err != nil { // HELLO
		t.Fatal(err)
	}
	d := map[string]any{"token": "Bot " + fake.Token, "intents": IntentGuilds | IntentGuildMessages, "properties": map[string]string{}}
	if shard != nil {
		d["shard"] = shard
	}
	if err := ws.WriteJSON(map[string]any{"op": 2, "d": d}); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(b.done)
		for {
			ws.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, data, err := ws.ReadMessage()
			if err != nil {
				if ce, ok := err.(*websocket.CloseError); ok {
					b.mu.Lock()
					b.closed = ce.Code
					b.mu.Unlock()
				}
				return
			}
			var f struct {
				T string `json:"t"`
				D struct {
					GuildID string `json:"guild_id"`
					ID      string `json:"id"`
				} `json:"d"`
			}
			json.Unmarshal(data, &f)
			g := f.D.GuildID
			if f.T == "GUILD_CREATE" {
				g = f.D.ID
			}
			b.mu.Lock()
			b.events = append(b.events, f.T+" "+g)
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *shardBot) saw(event string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.events {
		if e == event {
			return true
		}
	}
	return false
}

func (b *shardBot) closeCode(t *testing.T) int {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the fake did not close the connection")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

func TestShardOf(t *testing.T) {
	for _, tt := range []struct {
		guild string
		count int
		want  int
	}{
		{"100000000000000010", 2, 0},
		{"100000000004194314", 2, 1},
		{"", 4, 0},
		{"197038439483310086", 1, 0},
		{"41771983423143937", 10, (41771983423143937 >> 22) % 10},
	} {
		if got := ShardOf(tt.guild, tt.count); got != tt.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", tt.guild, tt.count, got, tt.want)
		}
	}
}

func TestShards(t *testing.T) {
	fake := New(t, Options{Shards: 2, MaxConcurrency: 2})
	guilds := fake.ShardGuilds()
	if len(guilds) != 2 || guilds[0].ID != fake.GuildID || guilds[0].Shard != 0 || guilds[1].Shard != 1 ||
		ShardOf(guilds[1].ID, 2) != 1 {
		t.Fatalf("ShardGuilds = %+v, want the main guild on shard 0 and one on shard 1", guilds)
	}
	st, body, _ := do(t, fake, "GET", "/api/v10/gateway/bot", "")
	limit, _ := body["session_start_limit"].(map[string]any)
	if st != 200 || body["shards"] != 2.0 || limit["max_concurrency"] != 2.0 || !strings.HasPrefix(body["url"].(string), "ws://") {
		t.Errorf("GET /gateway/bot = %d %v", st, body)
	}
	// Two buckets: both shards may identify at once.
	b0 := identifyShard(t, fake, &[2]int{0, 2})
	b1 := identifyShard(t, fake, &[2]int{1, 2})
	if err := fake.WaitReady(ctx5(t)); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	fake.globalCmds = nil
	fake.mu.Unlock()
	do(t, fake, "PUT", "/api/v10/applications/"+fake.AppID+"/commands", `[{"name":"ask","description":"Ask"}]`)
	// Events go to the shard of their guild.
	fake.SlashCommand(fake.Alice, guilds[1].ChannelID, "ask")
	fake.SlashCommand(fake.Alice, guilds[0].ChannelID, "ask")
	deadline := time.Now().Add(5 * time.Second)
	for !(b1.saw("INTERACTION_CREATE "+guilds[1].ID) && b0.saw("INTERACTION_CREATE "+guilds[0].ID)) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !b0.saw("GUILD_CREATE "+guilds[0].ID) || b0.saw("GUILD_CREATE "+guilds[1].ID) || !b0.saw("INTERACTION_CREATE "+guilds[0].ID) {
		t.Errorf("shard 0 got %v", b0.events)
	}
	if !b1.saw("GUILD_CREATE "+guilds[1].ID) || b1.saw("INTERACTION_CREATE "+guilds[0].ID) || !b1.saw("INTERACTION_CREATE "+guilds[1].ID) {
		t.Errorf("shard 1 got %v", b1.events)
	}
	for i, ss := range fake.ShardSessions() {
		if !ss.Connected || ss.Identifies != 1 {
			t.Errorf("ShardSessions()[%d] = %+v", i, ss)
		}
	}
}

func TestShardViolations(t *testing.T) {
	for _, tt := range []struct {
		name     string
		shards   [][2]int // IDENTIFYs in turn; {-1,-1} for none
		close    int      // the close code of the last, 0 for none
		violates string
	}{
		{"no shard", [][2]int{{-1, -1}}, 4011, "IDENTIFY without a shard"},
		{"wrong count", [][2]int{{0, 3}}, 4010, "IDENTIFY with shard [0, 3]"},
		{"shard out of range", [][2]int{{2, 2}}, 4010, "IDENTIFY with shard [2, 2]"},
		{"one bucket, at once", [][2]int{{0, 2}, {1, 2}}, 0, "after the last of its max_concurrency bucket 0"},
		{"one shard twice", [][2]int{{0, 2}, {0, 2}}, 0, "while another connection holds it"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := New(t, Options{Shards: 2})
			rec := &recordTB{TB: t}
			fake.setTB(rec)
			var last *shardBot
			for _, s := range tt.shards {
				var sh *[2]int
				if s[0] >= 0 {
					sh = &[2]int{s[0], s[1]}
				}
				last = identifyShard(t, fake, sh)
				time.Sleep(50 * time.Millisecond)
			}
			if tt.close != 0 {
				if got := last.closeCode(t); got != tt.close {
					t.Errorf("closed with %d, want %d", got, tt.close)
				}
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			found := false
			for _, e := range rec.errs {
				found = found || strings.Contains(e, tt.violates)
			}
			if !found || len(rec.errs) > 2 {
				t.Errorf("violations %q, want one with %q", rec.errs, tt.violates)
			}
		})
	}
}

func TestInteractionsEndpoint(t *testing.T) {
	fake := New(t, Options{})
	rawBot(t, fake, IntentGuilds)
	do(t, fake, "PUT", "/api/v10/applications/"+fake.AppID+"/guilds/"+fake.GuildID+"/commands", `[{"name":"ask","description":"Ask"}]`)
	pub, priv, _ := ed25519.GenerateKey(nil)
	status := http.StatusOK
	var mu sync.Mutex
	verified := 0
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-Signature-Timestamp")
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		secs, _ := strconv.ParseInt(ts, 10, 64)
		if ed25519.Verify(pub, append([]byte(ts), body...), sig) && time.Since(time.Unix(secs, 0)) < 5*time.Second {
			mu.Lock()
			verified++
			mu.Unlock()
		}
		w.WriteHeader(status)
		if status == http.StatusOK {
			io.WriteString(w, `{"type":4,"data":{"content":"over HTTP","allowed_mentions":{"parse":[]}}}`)
		}
	}))
	defer bot.Close()
	fake.UseInteractionsEndpoint(priv, bot.URL)
	it := fake.SlashCommand(fake.Alice, fake.ChannelID, "ask")
	r, err := it.WaitResponse(ctx5(t))
	if err != nil {
		t.Fatal(err)
	}
	m, err := it.WaitOriginal(ctx5(t), func(*Message) bool { return true })
	if err != nil || !r.HTTP || r.Type != ResponseMessage || m.Content != "over HTTP" || it.Endpoint != bot.URL {
		t.Errorf("response %+v, original %+v, %v; want the HTTP answer as the message", r, m, err)
	}
	mu.Lock()
	if verified != 1 {
		t.Errorf("%d requests verified with the public key, want 1", verified)
	}
	mu.Unlock()

	// Any other answer fails: Discord tells the user the interaction failed.
	rec := &recordTB{TB: t}
	fake.setTB(rec)
	status = http.StatusUnauthorized
	fake.SlashCommand(fake.Alice, fake.ChannelID, "ask")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		rec.mu.Lock()
		n := len(rec.errs)
		rec.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "answered 401") {
		t.Errorf("violations %q, want the endpoint's 401", rec.errs)
	}
}
