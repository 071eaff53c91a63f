package main

// serve past one process, against a real PostgreSQL server (see
// storybot/internal/pgtest) and the strict fake Discord.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"storybot/internal/fakediscord"
	"storybot/internal/logbuf"
	"storybot/internal/pgtest"
)

func TestCheckScale(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	key := hex.EncodeToString(pub)
	for _, tt := range []struct {
		cfg  ScaleConfig
		want string // "" for no error
	}{
		{ScaleConfig{}, ""},
		{ScaleConfig{ShardCount: "auto", ShardLease: 15 * time.Second}, ""},
		{ScaleConfig{ShardCount: "4"}, ""},
		{ScaleConfig{ShardCount: "0"}, "SHARD_COUNT must be auto or a whole number from 1 to 4096"},
		{ScaleConfig{ShardCount: "lots"}, `got "lots"`},
		{ScaleConfig{ShardLease: 10 * time.Millisecond}, "SHARD_LEASE must be a duration of at least 1s"},
		{ScaleConfig{DatabaseURL: "postgres://u:secret@db:5432/x"}, ""},
		{ScaleConfig{DatabaseURL: "postgres://u:secret@db:port/x"}, "DATABASE_URL must be a PostgreSQL URL"},
		{ScaleConfig{HTTPAddr: "8080"}, "HTTP_ADDR must be an address to listen on"},
		{ScaleConfig{InteractionsAddr: ":8081"}, "INTERACTIONS_ADDR needs DISCORD_PUBLIC_KEY"},
		{ScaleConfig{InteractionsAddr: ":8081", DiscordPublicKey: "abc"}, "DISCORD_PUBLIC_KEY: want the 64 hexadecimal digits"},
		{ScaleConfig{InteractionsAddr: ":8081", DiscordPublicKey: key}, ""},
	} {
		err := checkScale(tt.cfg)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("checkScale(%+v) = %v, want nil", tt.cfg, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("checkScale(%+v) = %v, want %q", tt.cfg, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "secret"):
			t.Errorf("checkScale(%+v) = %v: shows the password", tt.cfg, err)
		}
	}
}

// proxy forwards TCP connections to a server until it is stopped, which
// cuts them all: to the bot, the database has gone.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

// viaProxy returns the database URL u with its host and port replaced by
// a proxy's.
func viaProxy(t *testing.T, u string) (string, *proxy) {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, p.Host)
	p.Host = px.addr()
	return p.String(), px
}

// listening is the address a log line says a server listens on.
var listening = regexp.MustCompile(`msg=listening what="([^"]*)" addr=(\S+)`)

// waitAddr waits for the log line of the server whose description starts
// with what, and returns its address.
func waitAddr(t *testing.T, logs func() string, what string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range listening.FindAllStringSubmatch(logs(), -1) {
			if strings.HasPrefix(m[1], what) {
				return m[2]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no server %q listening:\n%s", what, logs())
	return ""
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// poll calls cond every 20 ms until it is true, failing after d.
func poll(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// metric returns the value of the sample named with its labels, as
// /metrics prints it, and false when there is none.
func metric(body, sample string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}

// askedAndAnswered sends /ask in channel and waits for the answer's embed.
func askedAndAnswered(t *testing.T, fake *fakediscord.Server, channel string) *fakediscord.Interaction {
	t.Helper()
	it := fake.SlashCommand(fake.Alice, channel, "ask", fakediscord.StringOption("question", "Where did Macron and Putin meet?"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := it.WaitResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Delay > fakediscord.InteractionDeadline {
		t.Errorf("first response %v after the interaction, want within %v", r.Delay, fakediscord.InteractionDeadline)
	}
	if _, err := it.WaitOriginal(ctx, func(m *fakediscord.Message) bool {
		return len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Description, "Versailles")
	}); err != nil {
		t.Fatalf("no answer in %s: %v", channel, err)
	}
	return it
}

// TestServeOnPostgres runs serve in-process on PostgreSQL with health,
// metrics and the interactions endpoint: /readyz is ready, the counters
// move with interactions over the gateway and over HTTP, an interaction
// signed with the test key is answered within 3 s, a bad signature and an
// old timestamp get 401, and /readyz turns unready when the database goes.
func TestServeOnPostgres(t *testing.T) {
	dbURL, px := viaProxy(t, pgtest.URL(t))
	fake := fakediscord.New(t, fakediscord.Options{})
	pub, priv, _ := ed25519.GenerateKey(nil)
	clearEnv(t)
	for k, v := range map[string]string{
		"DISCORD_TOKEN": fake.Token, "DISCORD_GUILD_ID": fake.GuildID, "DISCORD_API_BASE": fake.URL(),
		"DATABASE_URL": dbURL, "HTTP_ADDR": "127.0.0.1:0", "INTERACTIONS_ADDR": "127.0.0.1:0",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
	} {
		t.Setenv(k, v)
	}
	logs := &logbuf.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, logs) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve = %v, want nil after cancel", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not return within 15 s of cancel")
		}
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	}()
	ops := "http://" + waitAddr(t, logs.String, "health and metrics")
	endpoint := "http://" + waitAddr(t, logs.String, "Discord's interactions endpoint")
	if code, body := get(t, ops+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
	poll(t, 20*time.Second, "/readyz ready", func() bool { code, _ := get(t, ops+"/readyz"); return code == 200 })
	if _, body := get(t, ops+"/readyz"); body != "corpus ok\ndiscord ok\ndatabase ok\n" {
		t.Errorf("/readyz = %q", body)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer wcancel()
	if _, err := fake.WaitRequest(wctx, func(r fakediscord.Request) bool {
		return r.Method == "PUT" && strings.HasSuffix(r.Path, "/commands") && r.Status == 200
	}); err != nil {
		t.Fatal(err)
	}
	_, before := get(t, ops+"/metrics")

	// Over the gateway, then over HTTP, signed with the test key.
	askedAndAnswered(t, fake, fake.ChannelID)
	fake.UseInteractionsEndpoint(priv, endpoint)
	it := askedAndAnswered(t, fake, fake.ChannelID)
	r, _ := it.WaitResponse(wctx)
	if !r.HTTP || it.Endpoint != endpoint {
		t.Errorf("response %+v to %q, want the answer of the POST to %s", r, it.Endpoint, endpoint)
	}
	t.Logf("an interaction over HTTP: first response %v after it was sent", r.Delay.Round(time.Millisecond))

	// A bad signature and an old timestamp are refused with 401.
	body := []byte(`{"id":"1","application_id":"` + fake.AppID + `","type":1,"token":"t","version":1}`)
	for _, tt := range []struct {
		name   string
		header http.Header
		status int
	}{
		{"signed PING", fakediscord.SignInteraction(priv, time.Now(), body), 200},
		{"bad signature", func() http.Header {
			h := fakediscord.SignInteraction(priv, time.Now(), body)
			h.Set("X-Signature-Ed25519", strings.Repeat("00", ed25519.SignatureSize))
			return h
		}(), 401},
		{"old timestamp", fakediscord.SignInteraction(priv, time.Now().Add(-10*time.Minute), []byte(strings.Replace(string(body), `"1"`, `"2"`, 1))), 401},
		{"replayed", fakediscord.SignInteraction(priv, time.Now(), body), 401},
	} {
		b := body
		if tt.name == "old timestamp" {
			b = []byte(strings.Replace(string(body), `"1"`, `"2"`, 1))
		}
		req, _ := http.NewRequest("POST", endpoint, bytes.NewReader(b))
		req.Header = tt.header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d %q, want %d", tt.name, resp.StatusCode, got, tt.status)
		}
		if tt.status == 200 && string(got) != `{"type":1}` {
			t.Errorf("%s: %q, want a PONG", tt.name, got)
		}
	}
	fake.UseInteractionsEndpoint(nil)

	// The counters moved. A handler's end is counted after its answer is
	// sent, so the counters may lag the answers a little: they are read
	// until they agree, for at most 5 s.
	samples := []string{
		`storybot_interactions_total{kind="command",outcome="ok"}`,
		`storybot_answers_total{mode="keyword",result="found"}`,
		`storybot_interaction_first_response_seconds_count{kind="command"}`,
		`storybot_interaction_final_seconds_count{kind="command"}`,
	}
	var after string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, after = get(t, ops+"/metrics")
		moved := true
		for _, sample := range samples {
			was, _ := metric(before, sample)
			now, _ := metric(after, sample)
			moved = moved && now >= was+2
		}
		if moved || time.Now().After(deadline) {
			break
		}
	}
	for _, sample := range samples {
		was, _ := metric(before, sample)
		now, ok := metric(after, sample)
		if !ok || now != was+2 {
			t.Errorf("%s went from %v to %v, want +2 after two answers", sample, was, now)
		}
	}
	if v, ok := metric(after, "storybot_shards_held"); !ok || v != 1 {
		t.Errorf("storybot_shards_held = %v, %v; want 1", v, ok)
	}

	// The database goes: /readyz says so, /healthz does not care.
	px.stop()
	took := poll(t, 10*time.Second, "/readyz unready without the database", func() bool {
		code, body := get(t, ops+"/readyz")
		return code == 503 && strings.Contains(body, "database: ")
	})
	t.Logf("/readyz unready %v after the database went", took.Round(time.Millisecond))
	if code, _ := get(t, ops+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d without the database, want 200", code)
	}
}

// scaleProcess is one storybot serve of the fleet.
type scaleProcess struct {
	*serveProcess
	name          string
	ops, endpoint string
}

var tookShard = regexp.MustCompile(`msg="shards: took a shard" shard=(\d+)`)

// shards returns the shards the process's log says it took, in order.
func (p *scaleProcess) shards() []int {
	var out []int
	for _, m := range tookShard.FindAllStringSubmatch(p.out.String(), -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

// answered reports whether the process's log says, within 2 s, that it
// answered interaction id (the line follows the answer's last edit).
func (p *scaleProcess) answered(id string) bool {
	return p.out.wait("msg=answered interaction="+id+" ", 2*time.Second)
}

func (p *scaleProcess) held(t *testing.T) float64 {
	t.Helper()
	_, body := get(t, "http://"+p.ops+"/metrics")
	v, _ := metric(body, "storybot_shards_held")
	return v
}

// TestScaleTwoProcesses runs two storybot serve processes on one
// PostgreSQL and the fake Discord playing two shards: migrations run once
// while both start, the commands are registered once, each process holds
// one shard and answers its guild, two moderators deciding at once through
// different processes get exactly one winner and both are told who, and
// when a process is killed with SIGKILL its shard is taken over and
// answers again within the stated time.
func TestScaleTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dbURL := pgtest.URL(t)
	mod2 := fakediscord.User{ID: "100000000000000040", Username: "mod2", Permissions: fakediscord.PermModerator}
	fake := fakediscord.New(t, fakediscord.Options{Shards: 2, Users: []fakediscord.User{mod2}})
	pub, priv, _ := ed25519.GenerateKey(nil)
	const lease = 3 * time.Second
	start := func(name string) *scaleProcess {
		p := &scaleProcess{name: name, serveProcess: startServe(t, fake, fake.URL(),
			"DISCORD_GUILD_ID=", "DATABASE_URL="+dbURL, "SHARD_COUNT=auto", "SHARD_LEASE="+lease.String(),
			"HTTP_ADDR=127.0.0.1:0", "INTERACTIONS_ADDR=127.0.0.1:0", "DISCORD_PUBLIC_KEY="+hex.EncodeToString(pub))}
		return p
	}
	procs := []*scaleProcess{start("p1"), start("p2")}
	defer func() {
		if t.Failed() {
			for _, p := range procs {
				t.Logf("%s:\n%s", p.name, p.out)
			}
		}
	}()
	for _, p := range procs {
		p.ops = waitAddr(t, p.out.String, "health and metrics")
		p.endpoint = waitAddr(t, p.out.String, "Discord's interactions endpoint")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	poll(t, 20*time.Second, "each process holds one shard", func() bool {
		return procs[0].held(t) == 1 && procs[1].held(t) == 1
	})
	holder := map[int]*scaleProcess{}
	for _, p := range procs {
		s := p.shards()
		holder[s[len(s)-1]] = p
	}
	if len(holder) != 2 {
		t.Fatalf("shards held: %v and %v, want one each", procs[0].shards(), procs[1].shards())
	}

	// Migrations ran once, while both started.
	applied := strings.Count(procs[0].out.String(), "database: applied migration") +
		strings.Count(procs[1].out.String(), "database: applied migration")
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var rows int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if applied != rows || rows != 3 {
		t.Errorf("migrations: %d applied in the logs, %d recorded; want 3 (qa's 001 and 002, cluster's 001), once each", applied, rows)
	}

	// The commands were registered once, by one process.
	poll(t, 10*time.Second, "both processes past registering", func() bool {
		return procs[0].out.wait("msg=ready", 0) && procs[1].out.wait("msg=ready", 0)
	})
	if n := registrations(fake); n != 1 {
		t.Errorf("commands registered %d times, want once", n)
	}
	if !strings.Contains(procs[0].out.String()+procs[1].out.String(), "commands already registered, unchanged") {
		t.Error("no process says it found the commands registered")
	}

	// Each process answers its guild.
	for _, g := range fake.ShardGuilds() {
		it := askedAndAnswered(t, fake, g.ChannelID)
		if p := holder[g.Shard]; !p.answered(it.ID) {
			t.Errorf("guild %s (shard %d) was not answered by %s, which holds its shard", g.ID, g.Shard, p.name)
		}
	}

	// Two moderators decide at once, through different processes.
	stage := fake.ChannelID
	fake.SlashCommand(fake.Moderator, stage, "qa", fakediscord.Subcommand("start"))
	ctxStart, cancelStart := context.WithTimeout(ctx, 10*time.Second)
	defer cancelStart()
	if _, err := fake.WaitMessage(ctxStart, stage, func(m *fakediscord.Message) bool { return hasID(m, "qa:submit") }); err != nil {
		t.Fatalf("no session banner: %v", err)
	}
	fake.SlashCommand(fake.Alice, stage, "qa", fakediscord.Subcommand("ask", fakediscord.StringOption("question", "What did Macron call chemical attacks in Syria?")))
	card := waitCard(t, fake, stage, "1", func(m *fakediscord.Message) bool { return len(m.CustomIDs()) > 0 })
	// The card is recorded once posted; a moderator clicks later than that.
	poll(t, 5*time.Second, "the card recorded", func() bool {
		var id string
		conn.QueryRow(ctx, `SELECT card_message_id FROM questions WHERE id = 1`).Scan(&id)
		return id == card.ID
	})
	fake.UseInteractionsEndpoint(priv, "http://"+procs[0].endpoint, "http://"+procs[1].endpoint)
	var its [2]*fakediscord.Interaction
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); its[0] = fake.Button(fake.Moderator, card, "qa:approve:1") }()
	go func() {
		defer wg.Done()
		its[1] = fake.ModalSubmit(mod2, stage, "qa:rejectf:1", map[string]string{"reason": "Asked before."}, card)
	}()
	wg.Wait()
	approve, reject := finalText(t, its[0]), finalText(t, its[1])
	if its[0].Endpoint == its[1].Endpoint {
		t.Errorf("both decisions went to %s, want one to each process", its[0].Endpoint)
	}
	winner := ""
	switch {
	case !strings.Contains(approve, "Too late") && strings.Contains(reject, "already approved by mod."):
		winner = "Approved by mod"
	case !strings.Contains(reject, "Too late") && strings.Contains(approve, "already rejected by mod2."):
		winner = "Rejected by mod2"
	default:
		t.Errorf("concurrent decisions: approve got %q, reject got %q; want exactly one winner and the loser told who", approve, reject)
	}
	t.Logf("concurrent decisions through %s and %s: %s", its[0].Endpoint, its[1].Endpoint, winner)
	if winner != "" {
		waitCard(t, fake, stage, "1", func(m *fakediscord.Message) bool {
			return m.ID == card.ID && strings.Contains(m.Text(), winner) && len(m.CustomIDs()) == 0
		})
	}
	for i, p := range []string{"approve", "reject"} {
		r, _ := its[i].WaitResponse(ctx)
		if !r.HTTP || r.Delay > fakediscord.InteractionDeadline {
			t.Errorf("%s: response %+v, want the HTTP answer within 3 s", p, r)
		}
	}
	fake.UseInteractionsEndpoint(nil)

	// A process is killed: its shard is taken over and answers again.
	victim := holder[1]
	survivor := holder[0]
	killed := time.Now()
	victim.cmd.Process.Signal(syscall.SIGKILL)
	<-victim.exited
	claimed := poll(t, 30*time.Second, "the survivor claims the dead process's shard", func() bool {
		s := survivor.shards()
		return len(s) > 0 && s[len(s)-1] == 1
	})
	poll(t, 30*time.Second, "the survivor connects the shard", func() bool { return fake.ShardSessions()[1].Connected })
	took := time.Since(killed)
	it := askedAndAnswered(t, fake, fake.ShardGuilds()[1].ChannelID)
	answeredAfter := time.Since(killed)
	if !survivor.answered(it.ID) {
		t.Errorf("guild of shard 1 not answered by the survivor after the takeover")
	}
	// The stated time: 4/3 of SHARD_LEASE, then the IDENTIFY (which waits
	// at most 5 s for its bucket), with 2 s for connecting and answering.
	stated := lease*4/3 + 5250*time.Millisecond + 2*time.Second
	t.Logf("SIGKILL → shard 1 claimed by the survivor in %v, READY in %v (the IDENTIFY waited for its bucket); → a question there answered in %v (lease %v, stated at most %v)",
		claimed.Round(10*time.Millisecond), took.Round(10*time.Millisecond), answeredAfter.Round(10*time.Millisecond), lease, stated)
	if answeredAfter > stated {
		t.Errorf("answered %v after the kill, want within %v", answeredAfter, stated)
	}
	if v := survivor.held(t); v != 2 {
		t.Errorf("the survivor holds %v shards, want 2", v)
	}
	if took := survivor.stop(t, syscall.SIGTERM); took > 10*time.Second {
		t.Errorf("the survivor stopped in %v", took)
	}
	var leases int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM leases WHERE name LIKE 'shard/%' AND expires_at > clock_timestamp()`).Scan(&leases); err != nil {
		t.Fatal(err)
	}
	// The dead process's leases have expired; the survivor released its own.
	if leases != 0 {
		t.Errorf("%d shard leases held after every process stopped, want 0", leases)
	}
}

// hasID reports whether m has a component whose custom ID starts with prefix.
func hasID(m *fakediscord.Message, prefix string) bool {
	for _, id := range m.CustomIDs() {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

// waitCard waits for the card of question n in channel.
func waitCard(t *testing.T, fake *fakediscord.Server, channel, n string, match func(*fakediscord.Message) bool) *fakediscord.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := fake.WaitMessage(ctx, channel, func(m *fakediscord.Message) bool {
		return len(m.Embeds) > 0 && m.Embeds[0].Title == "Question #"+n && (match == nil || match(m))
	})
	if err != nil {
		t.Fatalf("card of question %s: %v", n, err)
	}
	return m
}

// finalText waits for the finished private answer to an interaction.
func finalText(t *testing.T, it *fakediscord.Interaction) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := it.WaitOriginal(ctx, func(m *fakediscord.Message) bool {
		return m.Flags&fakediscord.FlagLoading == 0 && (m.Content != "" || len(m.Embeds) > 0)
	})
	if err != nil {
		t.Fatal(fmt.Errorf("interaction %s: %w", it.ID, err))
	}
	return m.Text()
}

// TestSettingsDocumented: every setting is in .env.example, in the
// README's configuration table and in serve --help.
func TestSettingsDocumented(t *testing.T) {
	env, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for i := range rt.NumField() {
			f := rt.Field(i)
			if f.Anonymous {
				walk(f.Type)
			} else if tag := f.Tag.Get("envconfig"); tag != "" {
				names = append(names, tag)
			}
		}
	}
	walk(reflect.TypeFor[Config]())
	help := commandHelp["serve"].about
	for _, name := range names {
		if !regexp.MustCompile(`(?m)^` + name + `=`).Match(env) {
			t.Errorf(".env.example lacks %s", name)
		}
		if !regexp.MustCompile("(?m)^\\| [^|]*`" + name + "`[^|]*\\|").Match(readme) {
			t.Errorf("the README's configuration table lacks %s", name)
		}
		if !strings.Contains(help, name) && !strings.HasPrefix(name, "LLM_") {
			t.Errorf("serve --help lacks %s", name)
		}
	}
}
