package fakediscord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// defaultHeartbeatInterval is what HELLO announces unless
// [Options.HeartbeatInterval] says otherwise. discordgo v0.29.0 gives up on
// a connection after five missed acknowledgements.
const defaultHeartbeatInterval = 5 * time.Second

// GatewayStep is a step of the gateway handshake at which the fake can go
// silent ([Server.SilenceGateway]).
type GatewayStep int

// The steps at which the gateway can go silent.
const (
	// StepNone: the gateway answers normally.
	StepNone GatewayStep = iota
	// StepLookup: GET /gateway is accepted and never answered.
	StepLookup
	// StepHello: the WebSocket is accepted and HELLO is never sent.
	StepHello
	// StepReady: HELLO is sent and heartbeats are acknowledged, but
	// IDENTIFY and RESUME are never answered.
	StepReady
)

// GatewayConn is one gateway connection the bot opened.
type GatewayConn struct {
	// Path is the path dialled: "/ws/" for the URL of GET /gateway,
	// "/resume/" for READY's resume_gateway_url (either with or without
	// the final slash).
	Path           string
	Opened, Closed time.Time // Closed is zero while the connection is open
	// Identified and Resumed say what the bot sent on it (and the fake
	// accepted).
	Identified, Resumed bool
	// Heartbeats counts the heartbeats received; Unacked those the fake did
	// not acknowledge (see [Server.DropAcks]).
	Heartbeats, Unacked int
	// ClientClose is the close code the bot sent, 0 if it sent none.
	ClientClose int
	// ServerClose is the close code the fake sent, 0 if none.
	ServerClose int
	// Shard is the shard the connection identified or resumed on (0
	// without sharding).
	Shard int
}

// IdentifyPayload is what the bot sent in its last IDENTIFY.
type IdentifyPayload struct {
	Token      string
	Intents    int
	Properties map[string]string
	Shard      *[2]int
	at         time.Time
}

// gateway is the fake's gateway state: a session for each shard, with
// its event log for RESUME and the connection currently attached to it.
// Without sharding there is one, shard 0.
type gateway struct {
	mu         sync.Mutex
	wg         sync.WaitGroup
	conns      map[*gwConn]bool
	shards     map[int]*gwSession // by shard ID
	intentBits atomic.Int64       // of the last IDENTIFY; read without mu
	identified int                // IDENTIFYs accepted
	resumes    int                // successful RESUMEs
	closed     bool

	// history records every connection, in order of opening.
	history    []*GatewayConn
	identifies []time.Time
	// buckets is when each max_concurrency bucket last identified.
	buckets map[int]time.Time
	// Faults set by tests.
	silent          GatewayStep
	closeAfterResum []int // close codes for the next RESUMED connections
	closeOnIdentify int   // close code for every IDENTIFY, 0 for none
}

// gwSession is one shard's gateway session.
type gwSession struct {
	shard     int
	current   *gwConn // identified or resumed connection; nil between connections
	sessionID string
	seq       int
	log       []gwFrame // dispatches of this session, for replay on RESUME
	identify  *IdentifyPayload
	// resumable is false once the session has ended: the bot closed with
	// 1000 or 1001, or InvalidSession(false) was sent.
	resumable bool
}

// session returns shard's session, creating it. Holds g.mu.
func (g *gateway) sessionLocked(shard int) *gwSession {
	if g.shards == nil {
		g.shards = map[int]*gwSession{}
	}
	ss := g.shards[shard]
	if ss == nil {
		ss = &gwSession{shard: shard}
		g.shards[shard] = ss
	}
	return ss
}

type gwFrame struct {
	Op   int    `json:"op"`
	D    any    `json:"d"`
	S    *int   `json:"s"`
	T    string `json:"t,omitempty"`
	Type string `json:"-"`
}

type gwConn struct {
	ws      *websocket.Conn
	wmu     sync.Mutex
	rec     *GatewayConn // guarded by gateway.mu
	sess    *gwSession   // the session it identified or resumed; guarded by gateway.mu
	dropAck atomic.Bool
}

// closeWith sends a close frame with code and closes the connection.
// Holds gateway.mu.
func (c *gwConn) closeWithLocked(code int, text string) {
	if c.rec.ServerClose == 0 {
		c.rec.ServerClose = code
	}
	if c.rec.Closed.IsZero() {
		c.rec.Closed = time.Now()
	}
	c.wmu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.wmu.Unlock()
	c.ws.Close()
}

func (c *gwConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

// intents returns the intents of the last IDENTIFY. It takes no lock, so
// it is safe under Server.mu (lock order is Server.mu, then gateway.mu).
func (g *gateway) intents() int { return int(g.intentBits.Load()) }

func (g *gateway) closeAll() {
	g.mu.Lock()
	g.closed = true
	for c := range g.conns {
		c.ws.Close()
	}
	g.mu.Unlock()
}

func (s *Server) gatewayURL() string {
	return "ws" + strings.TrimPrefix(s.URL(), "http") + "/ws"
}

// resumeURL is READY's resume_gateway_url: the same server on another path,
// so tests can tell which URL a connection dialled.
func (s *Server) resumeURL() string {
	return "ws" + strings.TrimPrefix(s.URL(), "http") + "/resume"
}

func (s *Server) heartbeatInterval() time.Duration {
	if s.opts.HeartbeatInterval > 0 {
		return s.opts.HeartbeatInterval
	}
	return defaultHeartbeatInterval
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	g := &s.gw
	if v := r.URL.Query().Get("v"); v != "9" && v != "10" {
		s.errorf("gateway dialed with v=%q, want 9 or 10", v)
	}
	if e := r.URL.Query().Get("encoding"); e != "json" {
		s.errorf("gateway dialed with encoding=%q, want json", e)
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.errorf("gateway upgrade: %v", err)
		return
	}
	c := &gwConn{ws: ws, rec: &GatewayConn{Path: r.URL.Path, Opened: time.Now()}}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		ws.Close()
		return
	}
	g.conns[c] = true
	g.history = append(g.history, c.rec)
	silent := g.silent
	g.wg.Add(1)
	g.mu.Unlock()
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.conns, c)
		if c.sess != nil && c.sess.current == c {
			c.sess.current = nil
		}
		if c.rec.Closed.IsZero() {
			c.rec.Closed = time.Now()
		}
		g.mu.Unlock()
		ws.Close()
		s.mu.Lock()
		s.notifyLocked()
		s.mu.Unlock()
		g.wg.Done()
	}()
	if silent != StepHello {
		if err := c.write(gwFrame{Op: 10, D: map[string]any{"heartbeat_interval": s.heartbeatInterval().Milliseconds()}}); err != nil {
			return
		}
	}
	for {
		ws.SetReadDeadline(time.Now().Add(6 * max(s.heartbeatInterval(), time.Second)))
		mt, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				s.onClientClose(c, ce.Code)
			}
			return
		}
		if mt != websocket.TextMessage {
			s.errorf("gateway: client sent a non-text frame")
			return
		}
		var f struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			s.errorf("gateway: bad frame %q: %v", clip(string(data)), err)
			return
		}
		if silent == StepHello {
			s.errorf("gateway: op %d sent before HELLO", f.Op)
			return
		}
		switch f.Op {
		case 1:
			g.mu.Lock()
			c.rec.Heartbeats++
			drop := c.dropAck.Load()
			if drop {
				c.rec.Unacked++
			}
			g.mu.Unlock()
			if drop {
				continue
			}
			if err := c.write(gwFrame{Op: 11}); err != nil {
				return
			}
		case 2, 6:
			if silent == StepReady {
				continue // never answered
			}
			if f.Op == 2 && !s.onIdentify(c, f.D) || f.Op == 6 && !s.onResume(c, f.D) {
				return
			}
		case 3, 4, 8:
			// Presence, voice state and member requests: accepted and ignored.
		default:
			s.errorf("gateway: unexpected op %d from client", f.Op)
		}
	}
}

// onClientClose records the bot's close code. Closing with 1000 or 1001
// ends the session, as on Discord: a later RESUME is refused.
func (s *Server) onClientClose(c *gwConn, code int) {
	g := &s.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	c.rec.ClientClose = code
	if ss := c.sess; ss != nil && (code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway) && (ss.current == c || ss.current == nil) {
		ss.resumable = false
	}
}

func (s *Server) tokenOK(tok string) bool {
	return tok == "Bot "+s.Token || tok == s.Token
}

func (s *Server) onIdentify(c *gwConn, raw json.RawMessage) bool {
	var d struct {
		Token      string            `json:"token"`
		Intents    *int              `json:"intents"`
		Properties map[string]string `json:"properties"`
		Shard      *[2]int           `json:"shard"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		s.errorf("gateway: bad IDENTIFY: %v", err)
		return false
	}
	g := &s.gw
	g.mu.Lock()
	g.identifies = append(g.identifies, time.Now())
	if code := g.closeOnIdentify; code != 0 {
		c.closeWithLocked(code, closeText[code])
		g.mu.Unlock()
		return false
	}
	g.mu.Unlock()
	closeWith := func(code int) bool {
		g.mu.Lock()
		c.closeWithLocked(code, closeText[code])
		g.mu.Unlock()
		return false
	}
	if !s.tokenOK(d.Token) {
		s.errorf("gateway: IDENTIFY with a wrong token")
		return closeWith(4004)
	}
	if d.Intents == nil {
		s.errorf("gateway: IDENTIFY without intents")
		return closeWith(4013)
	}
	if bad := *d.Intents & s.opts.DisallowedIntents; bad != 0 {
		// Not a test failure: Discord's answer to a privileged intent that
		// the application is not approved for.
		return closeWith(4014)
	}
	if want := s.opts.RequireIntents; *d.Intents&want != want {
		s.errorf("gateway: IDENTIFY intents %#x lack required %#x", *d.Intents, want&^*d.Intents)
	}
	shard, count := 0, 1
	if d.Shard != nil {
		shard, count = d.Shard[0], d.Shard[1]
	}
	switch want := s.shardCount(); {
	case d.Shard == nil && want > 1:
		s.errorf("gateway: IDENTIFY without a shard while the fake plays %d shards", want)
		return closeWith(4011)
	case count != want || shard < 0 || shard >= count:
		s.errorf("gateway: IDENTIFY with shard [%d, %d], want [0..%d, %d]", shard, count, want-1, want)
		return closeWith(4010)
	}
	g.mu.Lock()
	ss := g.sessionLocked(shard)
	if cur := ss.current; cur != nil && cur != c && cur.rec.Closed.IsZero() {
		g.mu.Unlock()
		s.errorf("gateway: IDENTIFY on shard %d while another connection holds it: two sessions would both get its events", shard)
		g.mu.Lock()
	}
	if s.opts.Shards > 0 {
		bucket := shard % s.maxConcurrency()
		if last, ok := g.buckets[bucket]; ok && time.Since(last) < IdentifyInterval {
			gap := time.Since(last)
			g.mu.Unlock()
			s.errorf("gateway: IDENTIFY of shard %d %v after the last of its max_concurrency bucket %d, want %v apart", shard, gap.Round(time.Millisecond), bucket, IdentifyInterval)
			g.mu.Lock()
		}
		if g.buckets == nil {
			g.buckets = map[int]time.Time{}
		}
		g.buckets[bucket] = time.Now()
	}
	g.mu.Unlock()
	var gcs []map[string]any
	var unavailable []any
	s.mu.Lock()
	for _, id := range s.guildsOfShardLocked(shard) {
		unavailable = append(unavailable, map[string]any{"id": id, "unavailable": true})
		if *d.Intents&IntentGuilds != 0 {
			gcs = append(gcs, s.guildCreateLocked(id))
		}
	}
	s.mu.Unlock()
	if unavailable == nil {
		unavailable = []any{}
	}
	g.mu.Lock()
	g.identified++
	ss.resumable = true
	c.rec.Identified = true
	c.rec.Shard = shard
	c.sess = ss
	g.intentBits.Store(int64(*d.Intents))
	ss.identify = &IdentifyPayload{Token: d.Token, Intents: *d.Intents, Properties: d.Properties, Shard: d.Shard, at: time.Now()}
	ss.sessionID = fmt.Sprintf("fake-session-%d", g.identified)
	ss.seq = 0
	ss.log = nil
	ss.current = c
	ready := map[string]any{
		"v":                  9,
		"session_id":         ss.sessionID,
		"session_type":       "normal",
		"resume_gateway_url": s.resumeURL(),
		"user":               userJSON(s.BotUser),
		"application":        map[string]any{"id": s.AppID, "flags": 1 << 19},
		"guilds":             unavailable,
		"private_channels":   []any{},
		"relationships":      []any{},
	}
	if d.Shard != nil {
		ready["shard"] = d.Shard
	}
	err := s.dispatchLocked(ss, "READY", ready)
	for _, gc := range gcs {
		if err == nil {
			err = s.dispatchLocked(ss, "GUILD_CREATE", gc)
		}
	}
	g.mu.Unlock()
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	return err == nil
}

func (s *Server) onResume(c *gwConn, raw json.RawMessage) bool {
	var d struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int    `json:"seq"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		s.errorf("gateway: bad RESUME: %v", err)
		return false
	}
	if !s.tokenOK(d.Token) {
		s.errorf("gateway: RESUME with a wrong token")
		return false
	}
	g := &s.gw
	g.mu.Lock()
	defer func() {
		s.mu.Lock()
		s.notifyLocked()
		s.mu.Unlock()
	}()
	defer g.mu.Unlock()
	var ss *gwSession
	for _, x := range g.shards {
		if x.sessionID != "" && x.sessionID == d.SessionID {
			ss = x
		}
	}
	if ss == nil || d.Seq > ss.seq || !ss.resumable {
		// Unknown or ended session: op 9, not resumable; the bot must
		// identify again.
		return c.write(gwFrame{Op: 9, D: false}) == nil
	}
	for _, f := range ss.log {
		if *f.S > d.Seq {
			if err := c.write(f); err != nil {
				return false
			}
		}
	}
	ss.current = c
	c.sess = ss
	c.rec.Shard = ss.shard
	g.resumes++
	c.rec.Resumed = true
	if err := s.dispatchLocked(ss, "RESUMED", map[string]any{}); err != nil {
		return false
	}
	if len(g.closeAfterResum) > 0 {
		code := g.closeAfterResum[0]
		g.closeAfterResum = g.closeAfterResum[1:]
		ss.current = nil
		c.closeWithLocked(code, closeText[code])
		return false
	}
	return true
}

// closeText is the reason Discord gives with each close code.
var closeText = map[int]string{
	4000: "Unknown error.",
	4004: "Authentication failed.",
	4007: "Invalid seq.",
	4009: "Session timed out.",
	4010: "Invalid shard.",
	4011: "Sharding required.",
	4012: "Invalid API version.",
	4013: "Invalid intent(s).",
	4014: "Disallowed intent(s).",
}

// dispatchLocked sends an op 0 event with the next sequence number of
// session ss to its current connection, keeping it for replay. Holds g.mu.
func (s *Server) dispatchLocked(ss *gwSession, t string, d any) error {
	ss.seq++
	seq := ss.seq
	f := gwFrame{Op: 0, T: t, S: &seq, D: d}
	if t != "RESUMED" {
		ss.log = append(ss.log, f)
	}
	if ss.current == nil {
		return nil // delivered on RESUME
	}
	if err := ss.current.write(f); err != nil {
		ss.current = nil
		return err
	}
	return nil
}

// dispatch sends an event about guildID ("" for a DM) to the session of
// its shard.
func (s *Server) dispatch(guildID, t string, d any) {
	shard := s.shardOf(guildID)
	s.gw.mu.Lock()
	ss := s.gw.shards[shard]
	if ss == nil || ss.sessionID == "" {
		s.gw.mu.Unlock()
		s.errorf("%s before the bot identified on shard %d; call WaitReady first", t, shard)
		return
	}
	s.dispatchLocked(ss, t, d)
	s.gw.mu.Unlock()
}

// dispatchMessageCreate sends MESSAGE_CREATE when the bot's intents
// subscribe to the channel's messages.
func (s *Server) dispatchMessageCreate(channelID string, w map[string]any) {
	s.mu.Lock()
	guild := s.isGuildChannel(channelID)
	guildID := s.guildOfLocked(channelID)
	s.mu.Unlock()
	intents := s.gw.intents()
	if guild && intents&IntentGuildMessages == 0 || !guild && intents&IntentDirectMessages == 0 {
		return
	}
	shard := s.shardOf(guildID)
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if ss := s.gw.shards[shard]; ss != nil && ss.sessionID != "" {
		s.dispatchLocked(ss, "MESSAGE_CREATE", w)
	}
}

// requireSession fails the test when no session has been identified on
// the shard of guildID.
func (s *Server) requireSession(guildID, what string) {
	shard := s.shardOf(guildID)
	s.gw.mu.Lock()
	ss := s.gw.shards[shard]
	ok := ss != nil && ss.sessionID != ""
	s.gw.mu.Unlock()
	if !ok {
		s.errorf("%s sent before the bot identified on shard %d; call WaitReady first", what, shard)
	}
}

// WaitReady waits until every shard the fake plays (one without
// sharding) has a connection identified or resumed, sent READY (or
// RESUMED).
func (s *Server) WaitReady(ctx context.Context) error {
	n := s.shardCount()
	err := s.waitFor(ctx, func() bool {
		s.gw.mu.Lock()
		defer s.gw.mu.Unlock()
		for shard := range n {
			if ss := s.gw.shards[shard]; ss == nil || ss.current == nil {
				return false
			}
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("wait for gateway READY: %w", err)
	}
	return nil
}

// Identify returns the last IDENTIFY payload accepted, or the zero value
// before the first.
func (s *Server) Identify() IdentifyPayload {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	var last *IdentifyPayload
	var at time.Time
	for _, ss := range s.gw.shards {
		if ss.identify != nil && (last == nil || ss.identify.at.After(at)) {
			last, at = ss.identify, ss.identify.at
		}
	}
	if last == nil {
		return IdentifyPayload{}
	}
	return *last
}

// GatewayStats reports how many times the bot identified and resumed.
func (s *Server) GatewayStats() (identifies, resumes int) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.identified, s.gw.resumes
}

// ShardSession is what the fake knows of one shard's session.
type ShardSession struct {
	Shard int
	// Connected reports a connection identified or resumed on it now.
	Connected bool
	// Identifies counts the IDENTIFYs accepted on the shard.
	Identifies int
}

// ShardSessions returns the state of each shard's session, by shard.
func (s *Server) ShardSessions() []ShardSession {
	n := s.shardCount()
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	out := make([]ShardSession, n)
	for i := range out {
		out[i].Shard = i
		if ss := s.gw.shards[i]; ss != nil {
			out[i].Connected = ss.current != nil
		}
	}
	for _, c := range s.gw.history {
		if c.Identified && c.Shard < n {
			out[c.Shard].Identifies++
		}
	}
	return out
}

// GatewayConns returns a record of every gateway connection so far, in
// order of opening.
func (s *Server) GatewayConns() []GatewayConn {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	out := make([]GatewayConn, len(s.gw.history))
	for i, c := range s.gw.history {
		out[i] = *c
	}
	return out
}

// Identifies returns the time of every IDENTIFY received.
func (s *Server) Identifies() []time.Time {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return append([]time.Time(nil), s.gw.identifies...)
}

// WaitGateway waits until check, given the connections so far, reports true.
func (s *Server) WaitGateway(ctx context.Context, check func([]GatewayConn) bool) error {
	err := s.waitFor(ctx, func() bool {
		return check(s.GatewayConns()) // Server.mu, then gateway.mu: the lock order
	})
	if err != nil {
		return fmt.Errorf("wait for gateway connections: %w", err)
	}
	return nil
}

// SilenceGateway makes connections opened from now on go silent at step
// (see [GatewayStep]); StepNone makes them answer normally again. With
// StepLookup, GET /gateway goes unanswered.
func (s *Server) SilenceGateway(step GatewayStep) {
	s.gw.mu.Lock()
	s.gw.silent = step
	s.gw.mu.Unlock()
}

func (s *Server) silentAt(step GatewayStep) bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.silent == step
}

// current returns the connection of shard 0, the only one without
// sharding; nil when none. Holds g.mu.
func (g *gateway) currentLocked() *gwConn {
	if ss := g.shards[0]; ss != nil {
		return ss.current
	}
	return nil
}

// DropAcks makes the current connection (of shard 0) stop acknowledging
// heartbeats, as a zombie connection does; later connections are
// acknowledged.
func (s *Server) DropAcks() {
	s.gw.mu.Lock()
	c := s.gw.currentLocked()
	if c != nil {
		c.dropAck.Store(true)
	}
	s.gw.mu.Unlock()
	if c == nil {
		s.errorf("DropAcks without a connected bot")
	}
}

// CloseGateway closes the current connection (of shard 0) with a close
// frame of code (4000 Unknown error, 4004 Authentication failed, …) and
// detaches it.
func (s *Server) CloseGateway(code int) {
	g := &s.gw
	g.mu.Lock()
	c := g.currentLocked()
	if c != nil {
		c.sess.current = nil
		c.closeWithLocked(code, closeText[code])
	}
	g.mu.Unlock()
	if c == nil {
		s.errorf("CloseGateway without a connected bot")
	}
}

// CloseAfterResumed makes the next n successful RESUMEs be followed at
// once, right after RESUMED, by closing that connection with code.
func (s *Server) CloseAfterResumed(n, code int) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for range n {
		s.gw.closeAfterResum = append(s.gw.closeAfterResum, code)
	}
}

// CloseOnIdentify makes every IDENTIFY from now on be answered by closing
// the connection with code (4004, 4010–4014…); 0 accepts them again.
func (s *Server) CloseOnIdentify(code int) {
	s.gw.mu.Lock()
	s.gw.closeOnIdentify = code
	s.gw.mu.Unlock()
}

// InvalidSession sends op 9 Invalid Session on the current connection
// (of shard 0) and returns when it was sent. With resumable false the
// session ends: a RESUME is refused and the bot must identify again.
func (s *Server) InvalidSession(resumable bool) time.Time {
	g := &s.gw
	g.mu.Lock()
	c := g.currentLocked()
	if c != nil {
		if !resumable {
			c.sess.resumable = false
		}
		c.sess.current = nil
		c.write(gwFrame{Op: 9, D: resumable})
	}
	g.mu.Unlock()
	if c == nil {
		s.errorf("InvalidSession without a connected bot")
	}
	return time.Now()
}

// Reconnect sends op 7 (Reconnect) on the current connection (of shard 0)
// and detaches it; events sent meanwhile are replayed when the bot
// resumes. Use WaitReady to wait for the new connection.
func (s *Server) Reconnect() {
	g := &s.gw
	g.mu.Lock()
	c := g.currentLocked()
	if c != nil {
		c.sess.current = nil
		c.write(gwFrame{Op: 7})
	}
	g.mu.Unlock()
	if c == nil {
		s.errorf("Reconnect without a connected bot")
	}
}

func (s *Server) guildCreateLocked(guildID string) map[string]any {
	roles := []any{
		map[string]any{"id": guildID, "name": "@everyone", "permissions": fmt.Sprint(PermEveryone),
			"position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0},
		map[string]any{"id": s.ModRoleID, "name": "moderator", "permissions": fmt.Sprint(PermModerator),
			"position": 1, "color": 0, "hoist": false, "managed": false, "mentionable": true, "flags": 0},
	}
	var channels, threads []any
	for _, id := range s.channelOrder {
		c := s.channels[id]
		switch {
		case c.deleted || c.Type == ChannelDM || s.guildOfLocked(c.ID) != guildID:
		case c.Type == ChannelPublicThread:
			threads = append(threads, s.channelJSONLocked(c))
		default:
			channels = append(channels, s.channelJSONLocked(c))
		}
	}
	var members []any
	for _, u := range s.sortedUsersLocked() {
		m := s.memberJSONLocked(u, true)
		delete(m, "permissions")
		members = append(members, m)
	}
	return map[string]any{
		"id": guildID, "name": "Fake Guild", "icon": nil, "owner_id": s.Moderator.ID,
		"joined_at": time.Unix(1600000000, 0).UTC().Format(time.RFC3339), "large": false,
		"unavailable": false, "member_count": len(members), "roles": roles, "emojis": []any{},
		"features": []any{}, "channels": channels, "threads": threads, "members": members,
		"presences": []any{}, "voice_states": []any{}, "stickers": []any{},
		"preferred_locale": "en-US", "verification_level": 0, "mfa_level": 0,
		"default_message_notifications": 1, "explicit_content_filter": 0, "premium_tier": 0,
		"system_channel_id": nil, "afk_channel_id": nil, "afk_timeout": 300, "nsfw_level": 0,
	}
}

func (s *Server) sortedUsersLocked() []User {
	out := []User{s.BotUser, s.Alice, s.Moderator, s.OtherBot}
	out = append(out, s.opts.Users...)
	return out
}

// PostOption changes a message posted with [Server.PostMessage].
type PostOption func(*Message)

// ReplyTo makes the posted message a reply to m.
func ReplyTo(m *Message) PostOption {
	return func(p *Message) {
		p.Reference = &Reference{MessageID: m.ID, ChannelID: m.ChannelID}
	}
}

// PostMessage has user post content in channelID and sends MESSAGE_CREATE
// when the bot's intents subscribe to it. Without the MESSAGE_CONTENT
// intent the event's content is empty unless the message is a DM,
// mentions the bot (<@BotID>, or a reply to the bot) or is the bot's own.
// The returned snapshot keeps the full content.
func (s *Server) PostMessage(user User, channelID, content string, opts ...PostOption) *Message {
	s.t.Helper()
	user = s.knownUser(user)
	m := &Message{ChannelID: channelID, Author: user, Content: content, Created: s.now()}
	for _, o := range opts {
		o(m)
	}
	s.mu.Lock()
	guildID := s.guildOfLocked(channelID)
	s.mu.Unlock()
	s.requireSession(guildID, "PostMessage")
	s.mu.Lock()
	_, ok := s.channelLocked(channelID)
	s.mu.Unlock()
	if !ok {
		s.errorf("PostMessage to unknown or deleted channel %s", channelID)
	}
	s.mu.Lock()
	s.storeLocked(m)
	w := s.wireLocked(m)
	if s.isGuildChannel(channelID) {
		w["member"] = s.memberJSONLocked(user, false)
	}
	if m.Reference != nil {
		if ref := s.messages[m.Reference.MessageID]; ref != nil {
			w["referenced_message"] = s.wireLocked(ref)
		}
	}
	snap := m.clone()
	s.mu.Unlock()
	s.dispatchMessageCreate(channelID, w)
	return snap
}

// CreateThread has user start a public thread named name in the text
// channel parentID and sends THREAD_CREATE (with the GUILDS intent). It
// returns the thread's ID.
func (s *Server) CreateThread(user User, parentID, name string) string {
	s.t.Helper()
	user = s.knownUser(user)
	s.mu.Lock()
	id := s.newIDLocked()
	s.mu.Unlock()
	s.createThread(Channel{ID: id, Name: name, Type: ChannelPublicThread, ParentID: parentID}, user.ID)
	return id
}
