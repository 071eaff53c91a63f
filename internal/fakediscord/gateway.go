package fakediscord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// heartbeatInterval is what HELLO announces. discordgo gives up on a
// connection after five missed acknowledgements.
const heartbeatInterval = 5 * time.Second

// IdentifyPayload is what the bot sent in its last IDENTIFY.
type IdentifyPayload struct {
	Token      string
	Intents    int
	Properties map[string]string
	Shard      *[2]int
}

// gateway is the fake's gateway state: one session, its event log for
// RESUME, and the connection currently attached to it.
type gateway struct {
	mu         sync.Mutex
	wg         sync.WaitGroup
	conns      map[*gwConn]bool
	current    *gwConn // identified or resumed connection; nil between connections
	sessionID  string
	seq        int
	log        []gwFrame // dispatches of this session, for replay on RESUME
	identify   *IdentifyPayload
	intentBits atomic.Int64 // of the last IDENTIFY; read without mu
	sessions   int          // IDENTIFYs seen
	resumes    int          // successful RESUMEs
	closed     bool
}

type gwFrame struct {
	Op   int    `json:"op"`
	D    any    `json:"d"`
	S    *int   `json:"s"`
	T    string `json:"t,omitempty"`
	Type string `json:"-"`
}

type gwConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex
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
	c := &gwConn{ws: ws}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		ws.Close()
		return
	}
	g.conns[c] = true
	g.wg.Add(1)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.conns, c)
		if g.current == c {
			g.current = nil
		}
		g.mu.Unlock()
		ws.Close()
		g.wg.Done()
	}()
	if err := c.write(gwFrame{Op: 10, D: map[string]any{"heartbeat_interval": heartbeatInterval.Milliseconds()}}); err != nil {
		return
	}
	for {
		ws.SetReadDeadline(time.Now().Add(6 * heartbeatInterval))
		mt, data, err := ws.ReadMessage()
		if err != nil {
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
		switch f.Op {
		case 1:
			if err := c.write(gwFrame{Op: 11}); err != nil {
				return
			}
		case 2:
			if !s.onIdentify(c, f.D) {
				return
			}
		case 3, 4, 8:
			// Presence, voice state and member requests: accepted and ignored.
		case 6:
			if !s.onResume(c, f.D) {
				return
			}
		default:
			s.errorf("gateway: unexpected op %d from client", f.Op)
		}
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
	if !s.tokenOK(d.Token) {
		s.errorf("gateway: IDENTIFY with a wrong token")
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."), time.Now().Add(time.Second))
		return false
	}
	if d.Intents == nil {
		s.errorf("gateway: IDENTIFY without intents")
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4013, "Invalid intent(s)."), time.Now().Add(time.Second))
		return false
	}
	if want := s.opts.RequireIntents; *d.Intents&want != want {
		s.errorf("gateway: IDENTIFY intents %#x lack required %#x", *d.Intents, want&^*d.Intents)
	}
	var gc map[string]any
	if *d.Intents&IntentGuilds != 0 {
		s.mu.Lock()
		gc = s.guildCreateLocked()
		s.mu.Unlock()
	}
	g := &s.gw
	g.mu.Lock()
	g.sessions++
	g.intentBits.Store(int64(*d.Intents))
	g.identify = &IdentifyPayload{Token: d.Token, Intents: *d.Intents, Properties: d.Properties, Shard: d.Shard}
	g.sessionID = fmt.Sprintf("fake-session-%d", g.sessions)
	g.seq = 0
	g.log = nil
	g.current = c
	ready := map[string]any{
		"v":                  9,
		"session_id":         g.sessionID,
		"session_type":       "normal",
		"resume_gateway_url": s.gatewayURL(),
		"user":               userJSON(s.BotUser),
		"application":        map[string]any{"id": s.AppID, "flags": 1 << 19},
		"guilds":             []any{map[string]any{"id": s.GuildID, "unavailable": true}},
		"private_channels":   []any{},
		"relationships":      []any{},
	}
	if d.Shard != nil {
		ready["shard"] = d.Shard
	}
	err := s.dispatchLocked("READY", ready)
	if err == nil && gc != nil {
		err = s.dispatchLocked("GUILD_CREATE", gc)
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
	if d.SessionID != g.sessionID || d.Seq > g.seq {
		// Unknown session: op 9, not resumable; discordgo identifies again.
		return c.write(gwFrame{Op: 9, D: false}) == nil
	}
	for _, f := range g.log {
		if *f.S > d.Seq {
			if err := c.write(f); err != nil {
				return false
			}
		}
	}
	g.current = c
	g.resumes++
	return s.dispatchLocked("RESUMED", map[string]any{}) == nil
}

// dispatchLocked sends an op 0 event with the next sequence number to
// the current connection, keeping it for replay. Holds g.mu.
func (s *Server) dispatchLocked(t string, d any) error {
	g := &s.gw
	g.seq++
	seq := g.seq
	f := gwFrame{Op: 0, T: t, S: &seq, D: d}
	if t != "RESUMED" {
		g.log = append(g.log, f)
	}
	if g.current == nil {
		return nil // delivered on RESUME
	}
	if err := g.current.write(f); err != nil {
		g.current = nil
		return err
	}
	return nil
}

// dispatch sends an event to the bot.
func (s *Server) dispatch(t string, d any) {
	s.gw.mu.Lock()
	if s.gw.sessionID == "" {
		s.gw.mu.Unlock()
		s.errorf("%s before the bot identified; call WaitReady first", t)
		return
	}
	s.dispatchLocked(t, d)
	s.gw.mu.Unlock()
}

// dispatchMessageCreate sends MESSAGE_CREATE when the bot's intents
// subscribe to the channel's messages.
func (s *Server) dispatchMessageCreate(channelID string, w map[string]any) {
	s.mu.Lock()
	guild := s.isGuildChannel(channelID)
	s.mu.Unlock()
	intents := s.gw.intents()
	if guild && intents&IntentGuildMessages == 0 || !guild && intents&IntentDirectMessages == 0 {
		return
	}
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if s.gw.sessionID != "" {
		s.dispatchLocked("MESSAGE_CREATE", w)
	}
}

// requireSession fails the test when no session has been identified.
func (s *Server) requireSession(what string) {
	s.gw.mu.Lock()
	ok := s.gw.sessionID != ""
	s.gw.mu.Unlock()
	if !ok {
		s.errorf("%s sent before the bot identified; call WaitReady first", what)
	}
}

// WaitReady waits until a connection is identified or resumed and has
// been sent READY (or RESUMED).
func (s *Server) WaitReady(ctx context.Context) error {
	err := s.waitFor(ctx, func() bool {
		s.gw.mu.Lock()
		defer s.gw.mu.Unlock()
		return s.gw.current != nil
	})
	if err != nil {
		return fmt.Errorf("wait for gateway READY: %w", err)
	}
	return nil
}

// Identify returns the last IDENTIFY payload, or the zero value before
// the first.
func (s *Server) Identify() IdentifyPayload {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if s.gw.identify == nil {
		return IdentifyPayload{}
	}
	return *s.gw.identify
}

// GatewayStats reports how many times the bot identified and resumed.
func (s *Server) GatewayStats() (identifies, resumes int) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.sessions, s.gw.resumes
}

// Reconnect sends op 7 (Reconnect) on the current connection and detaches
// it; events sent meanwhile are replayed when the bot resumes. Use
// WaitReady to wait for the new connection.
func (s *Server) Reconnect() {
	g := &s.gw
	g.mu.Lock()
	c := g.current
	g.current = nil
	if c != nil {
		c.write(gwFrame{Op: 7})
	}
	g.mu.Unlock()
	if c == nil {
		s.errorf("Reconnect without a connected bot")
	}
}

func (s *Server) guildCreateLocked() map[string]any {
	roles := []any{
		map[string]any{"id": s.EveryoneRoleID, "name": "@everyone", "permissions": fmt.Sprint(PermEveryone),
			"position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0},
		map[string]any{"id": s.ModRoleID, "name": "moderator", "permissions": fmt.Sprint(PermModerator),
			"position": 1, "color": 0, "hoist": false, "managed": false, "mentionable": true, "flags": 0},
	}
	var channels, threads []any
	for _, id := range s.channelOrder {
		c := s.channels[id]
		switch {
		case c.deleted || c.Type == ChannelDM:
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
		"id": s.GuildID, "name": "Fake Guild", "icon": nil, "owner_id": s.Moderator.ID,
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
	s.requireSession("PostMessage")
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
