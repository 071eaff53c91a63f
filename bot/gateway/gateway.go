// Package gateway keeps a bot connected to Discord's gateway, the
// WebSocket that brings it events, and survives the ways a connection
// fails. It speaks the protocol as Discord documents it
// (https://discord.com/developers/docs/events/gateway) and hands every
// dispatch to a callback as raw JSON; decoding and serving the events is
// the caller's business (storybot/bot decodes them into discordgo's types).
//
// Each connection has its own goroutines, which touch only that
// connection, so an old connection can never close a new one. On every
// failure [Gateway.Run] decides, as Discord asks:
//
//   - a heartbeat not acknowledged by the time the next is due: the
//     connection is a zombie; it is closed with a code other than 1000
//     (which would end the session) and the session resumed;
//   - RESUME goes to READY's resume_gateway_url;
//   - op 7 Reconnect, or a close with a code that allows it: resume;
//     4007 and 4009: a new session;
//   - op 9 Invalid Session: resume when d is true; otherwise wait 1–5 s
//     and identify;
//   - close codes 4004 and 4010–4014: stop, and return a [*CloseError]
//     saying why, since reconnecting cannot help;
//   - HELLO and READY (or RESUMED) must come within bounded waits, and
//     failed connections are retried with exponential backoff; IDENTIFYs
//     are at least 5 s apart.
package gateway

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Version is the gateway API version asked for, the one discordgo v0.29.0
// uses for REST.
const Version = "9"

// ResumeCloseCode is the close code the client sends when it closes a
// connection it means to resume. Discord ends the session on 1000 and 1001
// only.
const ResumeCloseCode = 4900

// Event is one dispatch (op 0) from the gateway.
type Event struct {
	// Type is the event name: "READY", "INTERACTION_CREATE", …
	Type string
	// Data is the event's JSON payload.
	Data json.RawMessage
}

// CloseError is returned by [Gateway.Run] when Discord closes the
// connection with a code that means "do not reconnect": 4004 and
// 4010–4014.
type CloseError struct {
	Code int
	// Text is the reason Discord sent with the code.
	Text string
}

// fatalCodes are the close codes after which reconnecting cannot help,
// with their meaning.
var fatalCodes = map[int]string{
	4004: "authentication failed",
	4010: "invalid shard",
	4011: "sharding required",
	4012: "invalid API version",
	4013: "invalid intents",
	4014: "disallowed intents",
}

// Fatal reports whether Discord's close code means "do not reconnect".
func Fatal(code int) bool { _, ok := fatalCodes[code]; return ok }

func (e *CloseError) Error() string {
	return fmt.Sprintf("the Discord gateway closed the connection with code %d (%s)", e.Code, fatalCodes[e.Code])
}

// Permanent marks an error of [Options.Lookup] that retrying cannot fix,
// such as a rejected token; [Gateway.Run] returns it at once.
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Options configure a [Gateway]. Zero durations mean the defaults given.
type Options struct {
	// Token is sent in IDENTIFY and RESUME, "Bot …". Required.
	Token string
	// Intents are the gateway intents of IDENTIFY.
	Intents int
	// Lookup returns the gateway's URL (GET /gateway). Required. It is
	// called before the first connection and again after a connection to
	// its URL failed.
	Lookup func(ctx context.Context) (string, error)
	// Handle receives every dispatch, in order, from one goroutine. It
	// should return quickly: nothing else is read meanwhile. Required.
	Handle func(Event)
	// Logger receives a line for every connection step; nil means
	// [slog.Default].
	Logger *slog.Logger
	// Dialer opens the WebSocket; nil means one with a 10s handshake
	// timeout that honours the proxy environment variables.
	Dialer *websocket.Dialer

	// LookupTimeout bounds each call of Lookup. Default 15s.
	LookupTimeout time.Duration
	// HelloTimeout bounds the wait for HELLO after connecting. Default 10s.
	HelloTimeout time.Duration
	// ReadyTimeout bounds the wait for READY after IDENTIFY, or RESUMED
	// after RESUME. Default 20s.
	ReadyTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before connecting again
	// after a connection that failed or ended without a heartbeat
	// acknowledged: MinBackoff, doubling, up to MaxBackoff (±20%).
	// Defaults 1s and 2m. A connection that had been working is resumed at once.
	MinBackoff, MaxBackoff time.Duration
	// StartAttempts is how many connections are tried before the first
	// READY before Run gives up. Default 5.
	StartAttempts int
	// IdentifyInterval is the least time between two IDENTIFYs (Discord
	// allows one per 5 s). Default 5s.
	IdentifyInterval time.Duration
	// InvalidSessionWait is the shortest wait before identifying after op 9
	// with d false; the wait is random, up to 5 times that. Default 1s
	// (so 1–5 s, as Discord asks).
	InvalidSessionWait time.Duration

	// Shard and ShardCount are sent in IDENTIFY as [Shard, ShardCount] when
	// ShardCount > 0: the connection then gets the events of the guilds
	// whose (guild_id >> 22) % ShardCount is Shard, and shard 0 those of
	// DMs. A zero ShardCount sends no shard: one connection gets every event.
	Shard, ShardCount int
	// BeforeIdentify, when set, is waited for before every IDENTIFY (after
	// the IdentifyInterval of this gateway's own IDENTIFYs): shards in one
	// process or several space out their IDENTIFYs by Discord's
	// max_concurrency buckets with it. An error ends that connection, which
	// is retried like one that failed.
	BeforeIdentify func(ctx context.Context) error
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Dialer == nil {
		o.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 10 * time.Second}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.LookupTimeout, 15*time.Second)
	def(&o.HelloTimeout, 10*time.Second)
	def(&o.ReadyTimeout, 20*time.Second)
	def(&o.MinBackoff, time.Second)
	def(&o.MaxBackoff, 2*time.Minute)
	def(&o.IdentifyInterval, 5*time.Second)
	def(&o.InvalidSessionWait, time.Second)
	if o.StartAttempts <= 0 {
		o.StartAttempts = 5
	}
}

// Gateway is one bot's gateway session across its connections.
type Gateway struct {
	opts Options
	log  *slog.Logger

	// Owned by Run's goroutine.
	url          string // from Lookup, "" until looked up
	sessionID    string // "" without a session to resume
	resumeURL    string
	lastIdentify time.Time

	seq   atomic.Int64 // last sequence number; read by heartbeats
	ready atomic.Bool  // a connection is READY or RESUMED now

	mu    sync.Mutex
	stats Stats
}

// Stats count what a [Gateway] did.
type Stats struct {
	Connections, Identifies, Resumes int
}

// New returns a gateway client; [Gateway.Run] connects it.
func New(opts Options) *Gateway {
	opts.setDefaults()
	return &Gateway{opts: opts, log: opts.Logger}
}

// Ready reports whether a connection is open and has been sent READY (or
// RESUMED): events are arriving.
func (g *Gateway) Ready() bool { return g.ready.Load() }

// Stats returns the counts so far.
func (g *Gateway) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stats
}

func (g *Gateway) count(f func(*Stats)) {
	g.mu.Lock()
	f(&g.stats)
	g.mu.Unlock()
}

// Run connects and stays connected until ctx is cancelled, then closes the
// connection (with 1000: the session ends) and returns nil. It returns an
// error when Discord closes with a fatal code ([*CloseError]), when Lookup
// fails with a [Permanent] error, or when no connection reached READY in
// [Options.StartAttempts] tries.
func (g *Gateway) Run(ctx context.Context) error {
	failures := 0 // connections in a row that failed or never worked
	everReady := false
	for {
		if ctx.Err() != nil {
			return nil
		}
		end := g.connect(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if end.fatal != nil {
			return end.fatal
		}
		everReady = everReady || end.ready
		if end.worked {
			failures = 0
		} else {
			failures++
		}
		if !everReady && failures >= g.opts.StartAttempts {
			return fmt.Errorf("no connection to the Discord gateway after %d attempts: %w", failures, end.err)
		}
		delay := max(g.backoff(failures), end.wait)
		next := "identify"
		if g.sessionID != "" {
			next = "resume"
		}
		g.log.Warn("gateway connection ended", "reason", end.err, "next", next, "in", delay.Round(time.Millisecond))
		if !sleep(ctx, delay) {
			return nil
		}
	}
}

// backoff is the wait after n failures in a row.
func (g *Gateway) backoff(n int) time.Duration {
	if n == 0 {
		return 0
	}
	d := g.opts.MinBackoff
	for i := 1; i < n && d < g.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, g.opts.MaxBackoff)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// sleep waits d or until ctx is done, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ending is how a connection ended.
type ending struct {
	err   error         // why it ended
	fatal error         // set when Run must return it
	ready bool          // READY or RESUMED arrived
	wait  time.Duration // the least wait before the next connection
	// worked is true when the connection was ready and had a heartbeat
	// acknowledged: the next one is tried at once.
	worked bool
}

// frame is a gateway payload.
type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// conn is one WebSocket connection and its goroutines' shared state.
type conn struct {
	ws   *websocket.Conn
	url  string
	wmu  sync.Mutex
	once sync.Once
	done chan struct{} // closed when the connection is closed

	awaiting atomic.Bool  // a heartbeat was sent and not acknowledged
	acks     atomic.Int64 // heartbeat ACKs received
	zombie   atomic.Bool  // closed for a missed ACK
}

func (c *conn) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// close sends a close frame with code and closes the socket; later calls
// do nothing.
func (c *conn) close(code int, text string) {
	c.once.Do(func() {
		// WriteControl may run beside other writes.
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
		c.ws.Close()
		close(c.done)
	})
}

// read returns the next payload, decompressing a binary (zlib) frame.
func (c *conn) read(deadline time.Time) (frame, error) {
	c.ws.SetReadDeadline(deadline)
	mt, data, err := c.ws.ReadMessage()
	if err != nil {
		return frame{}, err
	}
	if mt == websocket.BinaryMessage {
		z, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return frame{}, fmt.Errorf("gateway sent a binary frame that is not zlib: %w", err)
		}
		data, err = io.ReadAll(io.LimitReader(z, 64<<20))
		z.Close()
		if err != nil {
			return frame{}, fmt.Errorf("gateway sent a bad zlib frame: %w", err)
		}
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		return frame{}, fmt.Errorf("gateway sent a payload that is not JSON: %w", err)
	}
	return f, nil
}

// isTimeout reports whether err is a read deadline passing.
func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

// dialURL adds the version and encoding to a gateway URL.
func dialURL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("gateway URL %q: %w", base, err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return "", fmt.Errorf("gateway URL %q: scheme is not ws or wss", base)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	q.Set("v", Version)
	q.Set("encoding", "json")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// connect opens one connection, identifies or resumes, and serves it until
// it ends.
func (g *Gateway) connect(ctx context.Context) ending {
	resume := g.sessionID != ""
	base := g.resumeURL
	if !resume || base == "" {
		if g.url == "" {
			g.log.Info("looking up the gateway URL", "timeout", g.opts.LookupTimeout)
			lctx, cancel := context.WithTimeout(ctx, g.opts.LookupTimeout)
			u, err := g.opts.Lookup(lctx)
			timedOut := lctx.Err() != nil && ctx.Err() == nil
			cancel()
			if err != nil {
				if timedOut {
					err = fmt.Errorf("no answer within %v: %w", g.opts.LookupTimeout, err)
				}
				e := ending{err: fmt.Errorf("look up the gateway URL: %w", err)}
				if errors.As(err, new(permanentError)) {
					e.fatal = e.err
				}
				return e
			}
			g.url = u
		}
		base = g.url
	}
	u, err := dialURL(base)
	if err != nil {
		g.url = ""
		return ending{err: err}
	}
	g.log.Info("connecting to the gateway", "url", u)
	ws, resp, err := g.opts.Dialer.DialContext(ctx, u, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if base == g.url {
			g.url = "" // look it up again
		} else {
			g.resumeURL = "" // fall back on the main URL
		}
		if resp != nil {
			err = fmt.Errorf("%w (HTTP %s)", err, resp.Status)
		}
		return ending{err: fmt.Errorf("connect to the gateway at %s: %w", u, err)}
	}
	g.count(func(s *Stats) { s.Connections++ })
	c := &conn{ws: ws, url: u, done: make(chan struct{})}
	defer g.ready.Store(false)
	// Closing on cancel unblocks every read and write of this connection.
	stop := context.AfterFunc(ctx, func() { c.close(websocket.CloseNormalClosure, "shutting down") })
	defer stop()
	defer c.close(ResumeCloseCode, "reconnecting")

	g.log.Info("connected; waiting for HELLO", "timeout", g.opts.HelloTimeout)
	f, err := c.read(time.Now().Add(g.opts.HelloTimeout))
	if err != nil {
		return g.ended(c, false, fmt.Errorf("wait for HELLO: %w", err), "HELLO", g.opts.HelloTimeout)
	}
	if f.Op != 10 {
		return ending{err: fmt.Errorf("the gateway at %s sent op %d before HELLO", u, f.Op)}
	}
	var hello struct {
		Interval int64 `json:"heartbeat_interval"`
	}
	if err := json.Unmarshal(f.D, &hello); err != nil || hello.Interval <= 0 {
		return ending{err: fmt.Errorf("the gateway at %s sent a HELLO without a heartbeat interval", u)}
	}
	interval := time.Duration(hello.Interval) * time.Millisecond
	g.log.Info("HELLO received", "heartbeat_interval", interval)
	go g.heartbeat(c, interval)

	want, sent := "READY", "IDENTIFY"
	if resume {
		g.log.Info("resuming the session", "session", g.sessionID, "seq", g.seq.Load())
		err = c.send(map[string]any{"op": 6, "d": map[string]any{
			"token": g.opts.Token, "session_id": g.sessionID, "seq": g.seq.Load()}})
		want, sent = "RESUMED", "RESUME"
		g.count(func(s *Stats) { s.Resumes++ })
	} else {
		if wait := time.Until(g.lastIdentify.Add(g.opts.IdentifyInterval)); wait > 0 {
			g.log.Info("waiting before identifying (Discord allows one IDENTIFY per 5 s)", "wait", wait.Round(time.Millisecond))
			if !sleep(ctx, wait) {
				return ending{err: ctx.Err()}
			}
		}
		if g.opts.BeforeIdentify != nil {
			if err := g.opts.BeforeIdentify(ctx); err != nil {
				return ending{err: fmt.Errorf("wait for a turn to identify: %w", err)}
			}
		}
		d := map[string]any{
			"token": g.opts.Token, "intents": g.opts.Intents,
			"properties": map[string]string{"os": runtime.GOOS, "browser": "storybot", "device": "storybot"}}
		if g.opts.ShardCount > 0 {
			d["shard"] = [2]int{g.opts.Shard, g.opts.ShardCount}
			g.log.Info("identifying", "intents", g.opts.Intents, "shard", g.opts.Shard, "shards", g.opts.ShardCount)
		} else {
			g.log.Info("identifying", "intents", g.opts.Intents)
		}
		g.lastIdentify = time.Now()
		g.seq.Store(0)
		err = c.send(map[string]any{"op": 2, "d": d})
		g.count(func(s *Stats) { s.Identifies++ })
	}
	if err != nil {
		return g.ended(c, false, fmt.Errorf("send %s: %w", sent, err), "", 0)
	}

	ready := false
	deadline := time.Now().Add(g.opts.ReadyTimeout)
	for {
		if ready {
			deadline = time.Time{}
		}
		f, err := c.read(deadline)
		if err != nil {
			return g.ended(c, ready, err, want, g.opts.ReadyTimeout)
		}
		switch f.Op {
		case 0:
			if f.S != nil {
				g.seq.Store(*f.S)
			}
			switch f.T {
			case "READY":
				var r struct {
					SessionID string `json:"session_id"`
					ResumeURL string `json:"resume_gateway_url"`
				}
				json.Unmarshal(f.D, &r)
				g.sessionID, g.resumeURL = r.SessionID, r.ResumeURL
				ready = true
				g.ready.Store(true)
				g.log.Info("READY", "session", r.SessionID)
			case "RESUMED":
				ready = true
				g.ready.Store(true)
				g.log.Info("RESUMED", "session", g.sessionID, "seq", g.seq.Load())
			}
			g.opts.Handle(Event{Type: f.T, Data: f.D})
		case 1:
			if err := c.send(map[string]any{"op": 1, "d": g.seq.Load()}); err != nil {
				return g.ended(c, ready, err, "", 0)
			}
		case 7:
			return g.ended(c, ready, errors.New("the gateway asked to reconnect (op 7)"), "", 0)
		case 9:
			var resumable bool
			json.Unmarshal(f.D, &resumable)
			e := g.ended(c, ready, fmt.Errorf("the gateway invalidated the session (op 9, resumable %v)", resumable), "", 0)
			if !resumable {
				g.sessionID, g.resumeURL = "", ""
				// Discord asks for a random wait of 1–5 s.
				e.wait = time.Duration(float64(g.opts.InvalidSessionWait) * (1 + 4*rand.Float64()))
			}
			return e
		case 11:
			c.awaiting.Store(false)
			c.acks.Add(1)
		}
	}
}

// ended describes the end of connection c after err; step and timeout
// name a bounded wait that err may have ended.
func (g *Gateway) ended(c *conn, ready bool, err error, step string, timeout time.Duration) ending {
	c.close(ResumeCloseCode, "reconnecting")
	e := ending{err: err, ready: ready, worked: ready && c.acks.Load() > 0}
	var ce *websocket.CloseError
	switch {
	case c.zombie.Load():
		e.err = errors.New("no heartbeat ACK before the next heartbeat was due: a zombie connection")
	case errors.As(err, &ce):
		if Fatal(ce.Code) {
			e.fatal = &CloseError{Code: ce.Code, Text: ce.Text}
			return e
		}
		e.err = fmt.Errorf("the gateway closed the connection with code %d %q", ce.Code, ce.Text)
		if ce.Code == 4007 || ce.Code == 4009 {
			g.sessionID, g.resumeURL = "", "" // the session cannot be resumed
		}
	case step != "" && isTimeout(err):
		e.err = fmt.Errorf("no %s from the gateway at %s within %v", step, c.url, timeout)
	}
	return e
}

// heartbeat sends op 1 every interval (the first after a random part of
// it) until c is closed, and closes c as a zombie when a heartbeat was not
// acknowledged by the time the next is due.
func (g *Gateway) heartbeat(c *conn, interval time.Duration) {
	t := time.NewTimer(time.Duration(rand.Float64() * float64(interval)))
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		if c.awaiting.Load() {
			g.log.Warn("no heartbeat ACK from the gateway; closing the zombie connection to resume", "interval", interval)
			c.zombie.Store(true)
			c.close(ResumeCloseCode, "zombie connection")
			return
		}
		c.awaiting.Store(true)
		if err := c.send(map[string]any{"op": 1, "d": g.seq.Load()}); err != nil {
			c.close(ResumeCloseCode, "heartbeat failed")
			return
		}
		t.Reset(interval)
	}
}
