package fakediscord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Permission bits used by the fake guild.
const (
	permAddReactions          = 1 << 6
	permViewChannel           = 1 << 10
	permSendMessages          = 1 << 11
	permManageMessages        = 1 << 13
	permEmbedLinks            = 1 << 14
	permAttachFiles           = 1 << 15
	permReadMessageHistory    = 1 << 16
	permUseApplicationCmds    = 1 << 31
	permCreatePublicThreads   = 1 << 35
	permSendMessagesInThreads = 1 << 38

	// PermEveryone is the permission set of the guild's @everyone role.
	PermEveryone = permAddReactions | permViewChannel | permSendMessages | permEmbedLinks |
		permAttachFiles | permReadMessageHistory | permUseApplicationCmds |
		permCreatePublicThreads | permSendMessagesInThreads
	// PermModerator is PermEveryone plus MANAGE_MESSAGES.
	PermModerator = PermEveryone | permManageMessages
)

// Gateway intents the fake looks at.
const (
	IntentGuilds         = 1 << 0
	IntentGuildMessages  = 1 << 9
	IntentDirectMessages = 1 << 12
	IntentMessageContent = 1 << 15
)

// Channel types used by the fake.
const (
	ChannelText         = 0
	ChannelDM           = 1
	ChannelPublicThread = 11
)

// InteractionDeadline is how long after the event Discord accepts the
// initial interaction response.
const InteractionDeadline = 3 * time.Second

// TokenLifetime is how long an interaction token accepts follow-ups and
// edits.
const TokenLifetime = 15 * time.Minute

// User is a Discord user and, outside DMs, a member of the fake guild.
type User struct {
	ID       string
	Username string
	Bot      bool
	// Roles are the member's role IDs, besides @everyone.
	Roles []string
	// Permissions is the member's computed guild permission bit set.
	Permissions int64
	// NoDMs makes messages to the user's DM channel fail with 50007, as for
	// a user who does not accept direct messages.
	NoDMs bool
}

// Channel is a channel of the fake guild, or the DM channel.
type Channel struct {
	ID       string
	Name     string
	Type     int    // ChannelText, ChannelDM or ChannelPublicThread
	ParentID string // for threads
	// Recipient is the user of a DM channel; empty means Alice.
	Recipient string
	// GuildID is the guild of a guild channel; empty means the main guild
	// (Server.GuildID). A channel of another guild tests that servers are
	// kept apart: interactions and messages in it carry that guild's ID.
	GuildID string
	deleted bool
}

// Options configures [New]. The zero value is a guild with the default
// channels and users.
type Options struct {
	// RequireIntents lists intent bits that IDENTIFY must request; a
	// missing bit fails the test. Zero expects nothing.
	RequireIntents int
	// Channels are added to the guild besides the defaults.
	Channels []Channel
	// Users are added as guild members besides the defaults.
	Users []User
	// BotPermissions is the bot's guild permission bit set, sent as
	// app_permissions. The default is PermEveryone (no MANAGE_MESSAGES).
	BotPermissions int64
	// HeartbeatInterval is what HELLO announces; the default is 5s.
	HeartbeatInterval time.Duration
	// DisallowedIntents are privileged intents the application is not
	// approved for: an IDENTIFY asking for one is closed with 4014, as on
	// Discord (not a test failure).
	DisallowedIntents int
	// Shards makes the fake play a bot of that many shards: GET
	// /gateway/bot recommends it, every IDENTIFY must name a shard of it,
	// no two connections may hold one shard, IDENTIFYs of one
	// max_concurrency bucket must be 5 s apart, and each shard besides the
	// main guild's gets a guild of its own (see [Server.ShardGuilds]).
	// Zero plays one unsharded connection, without those checks.
	Shards int
	// MaxConcurrency is GET /gateway/bot's session_start_limit.max_concurrency:
	// shard i identifies in bucket i % MaxConcurrency. Default 1.
	MaxConcurrency int
}

// IdentifyInterval is how far apart Discord wants the IDENTIFYs of one
// max_concurrency bucket.
const IdentifyInterval = 5 * time.Second

// ShardGuild is a guild of the fake, the shard whose session gets its
// events, and its text channel.
type ShardGuild struct {
	ID        string
	Shard     int
	ChannelID string
}

// noSpecOnce logs the absence of the OpenAPI description once a process.
var noSpecOnce sync.Once

// Server is a fake Discord REST API and gateway on 127.0.0.1. Its
// exported fields are fixed IDs; do not change them.
type Server struct {
	Token          string // "fake-token"; the bot authenticates with "Bot fake-token"
	AppID          string // the application; equal to BotID, as for every modern Discord app
	BotID          string // the bot user
	GuildID        string
	EveryoneRoleID string // equal to GuildID, as on Discord
	ModRoleID      string // role with MANAGE_MESSAGES
	ChannelID      string // the main text channel
	OtherChannelID string // a second text channel
	ThreadID       string // a public thread in ChannelID
	DMChannelID    string // a DM between Alice and the bot

	BotUser   User // the bot itself
	Alice     User // a normal member
	Moderator User // a member holding ModRoleID (MANAGE_MESSAGES)
	OtherBot  User // another bot in the guild

	t       testing.TB
	opts    Options
	schemas *schemaSet
	srv     *httptest.Server

	quit chan struct{} // closed when the server shuts down

	mu           sync.Mutex
	tb           testing.TB    // where violations go; swapped by tests of the fake
	changed      chan struct{} // closed and replaced on every state change
	closed       bool
	nextID       int64
	offset       time.Duration // added to the wall clock by Advance
	requests     []Request
	channels     map[string]*Channel
	channelOrder []string
	users        map[string]User
	messages     map[string]*Message // by ID
	byChannel    map[string][]string // message IDs in order
	interactions map[string]*Interaction
	byToken      map[string]*Interaction
	globalCmds   []*discordgo.ApplicationCommand
	guildCmds    []*discordgo.ApplicationCommand
	rateLimits   []*rateLimitRule
	globalNext   time.Duration // the next request starts a global limit this long
	globalUntil  time.Time     // requests before this are violations
	globalHits   []time.Time   // when each global limit started
	silent       []string      // path parts of requests never answered
	recent       []time.Time   // authenticated requests in the last second

	gw  gateway
	cdn cdn // attached files (attachments.go)

	guilds   []ShardGuild // the main guild first; fixed after New
	endpoint *endpoint    // where interactions go over HTTP; nil: the gateway
}

// New starts a fake Discord on 127.0.0.1 and closes it when t ends. Any
// violation of Discord's rules by the client fails t with t.Errorf. When
// Discord's OpenAPI description is absent from the shared folder (see
// storybot/internal/shareddir), request bodies are not checked against its
// schemas, and the first New of the test binary logs one line saying so;
// every other rule is still checked.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	schemas, err := loadSchemas()
	if errors.Is(err, errNoSpec) {
		noSpecOnce.Do(func() { t.Logf("fakediscord: %v; request bodies are not checked against its schemas", err) })
	} else if err != nil {
		t.Fatalf("fakediscord: %v", err)
	}
	s := &Server{
		Token:          "fake-token",
		AppID:          "100000000000000001",
		BotID:          "100000000000000001",
		GuildID:        "100000000000000010",
		EveryoneRoleID: "100000000000000010",
		ModRoleID:      "100000000000000011",
		ChannelID:      "100000000000000020",
		OtherChannelID: "100000000000000021",
		ThreadID:       "100000000000000022",
		DMChannelID:    "100000000000000023",
		t:              t,
		tb:             t,
		opts:           opts,
		schemas:        schemas,
		changed:        make(chan struct{}),
		quit:           make(chan struct{}),
		nextID:         300000000000000000,
		channels:       map[string]*Channel{},
		users:          map[string]User{},
		messages:       map[string]*Message{},
		byChannel:      map[string][]string{},
		interactions:   map[string]*Interaction{},
		byToken:        map[string]*Interaction{},
	}
	s.gw.conns = map[*gwConn]bool{}
	s.BotUser = User{ID: s.BotID, Username: "storybot", Bot: true, Permissions: PermEveryone}
	if opts.BotPermissions != 0 {
		s.BotUser.Permissions = opts.BotPermissions
	}
	s.Alice = User{ID: "100000000000000031", Username: "alice", Permissions: PermEveryone}
	s.Moderator = User{ID: "100000000000000032", Username: "mod", Roles: []string{s.ModRoleID}, Permissions: PermModerator}
	s.OtherBot = User{ID: "100000000000000033", Username: "otherbot", Bot: true, Permissions: PermEveryone}
	for _, u := range append([]User{s.BotUser, s.Alice, s.Moderator, s.OtherBot}, opts.Users...) {
		s.users[u.ID] = u
	}
	for _, c := range append([]Channel{
		{ID: s.ChannelID, Name: "general", Type: ChannelText},
		{ID: s.OtherChannelID, Name: "random", Type: ChannelText},
		{ID: s.ThreadID, Name: "a thread", Type: ChannelPublicThread, ParentID: s.ChannelID},
		{ID: s.DMChannelID, Type: ChannelDM},
	}, opts.Channels...) {
		s.addChannel(c)
	}
	s.guilds = []ShardGuild{{ID: s.GuildID, Shard: s.shardOf(s.GuildID), ChannelID: s.ChannelID}}
	for shard := range s.shardCount() {
		if shard == s.guilds[0].Shard {
			continue
		}
		// The first snowflake after the main guild's whose shard is this one.
		id := int64(100000000000000040)
		for ShardOf(strconv.FormatInt(id, 10), s.shardCount()) != shard {
			id += 1 << 22
		}
		g := ShardGuild{ID: strconv.FormatInt(id, 10), Shard: shard, ChannelID: strconv.FormatInt(200000000000000000+int64(shard), 10)}
		s.guilds = append(s.guilds, g)
		s.addChannel(Channel{ID: g.ChannelID, Name: fmt.Sprintf("general-%d", shard), Type: ChannelText, GuildID: g.ID})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", s.serveGateway)
	mux.HandleFunc("/ws/", s.serveGateway)
	mux.HandleFunc("/resume", s.serveGateway)
	mux.HandleFunc("/resume/", s.serveGateway)
	mux.HandleFunc("/attachments/", s.serveAttachment)
	mux.HandleFunc("/", s.serveREST)
	// Assigned before serving: handlers read s.srv (URL), and a request
	// from another process synchronizes with nothing in this one.
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Start()
	t.Cleanup(s.close)
	return s
}

// ShardOf returns the shard whose session gets the events of guildID among
// count shards, as Discord computes it: (guild_id >> 22) % count. A DM
// ("") is shard 0's.
func ShardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// shardCount is the number of shards the fake plays, 1 without sharding.
func (s *Server) shardCount() int { return max(s.opts.Shards, 1) }

func (s *Server) maxConcurrency() int { return max(s.opts.MaxConcurrency, 1) }

func (s *Server) shardOf(guildID string) int { return ShardOf(guildID, s.shardCount()) }

// ShardGuilds returns the fake's guilds, the main one (GuildID, with
// ChannelID) first, then one for each other shard with [Options.Shards].
func (s *Server) ShardGuilds() []ShardGuild { return append([]ShardGuild(nil), s.guilds...) }

// guildsOfShardLocked returns the IDs of the guilds on shard.
func (s *Server) guildsOfShardLocked(shard int) []string {
	var out []string
	for _, g := range s.guilds {
		if g.Shard == shard {
			out = append(out, g.ID)
		}
	}
	return out
}

// guildOfLocked returns the guild of a channel, "" for a DM; a thread is
// in its parent's guild.
func (s *Server) guildOfLocked(channelID string) string {
	c := s.channels[channelID]
	if c == nil {
		return s.GuildID
	}
	if c.Type == ChannelDM {
		return ""
	}
	if c.GuildID == "" && c.ParentID != "" {
		if p := s.channels[c.ParentID]; p != nil && p.GuildID != "" {
			return p.GuildID
		}
	}
	if c.GuildID == "" {
		return s.GuildID
	}
	return c.GuildID
}

func (s *Server) addChannel(c Channel) {
	cc := c
	s.channels[c.ID] = &cc
	s.channelOrder = append(s.channelOrder, c.ID)
}

// URL returns the base URL, "http://127.0.0.1:PORT". REST lives under
// {URL}/api/v9 and {URL}/api/v10; the gateway under ws://127.0.0.1:PORT/ws.
func (s *Server) URL() string { return s.srv.URL }

// Transport returns an http.RoundTripper for discordgo's Session.Client
// that sends https://discord.com requests to this server.
func (s *Server) Transport() http.RoundTripper { return Transport(s.URL()) }

func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	close(s.quit)
	s.gw.closeAll()
	s.srv.Close()
	s.gw.wg.Wait()
}

// errorf fails the test unless the server is shutting down.
func (s *Server) errorf(format string, args ...any) {
	s.mu.Lock()
	closed, tb := s.closed, s.tb
	s.mu.Unlock()
	if !closed {
		tb.Errorf("fakediscord: "+format, args...)
	}
}

// setTB redirects violations to tb and returns the previous target.
func (s *Server) setTB(tb testing.TB) testing.TB {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.tb
	s.tb = tb
	return old
}

// now is the fake's clock: the wall clock plus what Advance added.
func (s *Server) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time { return time.Now().Add(s.offset) }

// Advance moves the fake's clock forward by d, to test the 3 s
// interaction deadline and the 15 min token lifetime without waiting.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// newIDLocked returns a fresh snowflake.
func (s *Server) newIDLocked() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// notifyLocked wakes every waiter.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor calls check under s.mu until it reports true or ctx ends.
func (s *Server) waitFor(ctx context.Context, check func() bool) error {
	for {
		s.mu.Lock()
		ok := check()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Requests returns every REST request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// WaitRequest waits for a REST request (past or future) for which match
// reports true.
func (s *Server) WaitRequest(ctx context.Context, match func(Request) bool) (Request, error) {
	var found Request
	err := s.waitFor(ctx, func() bool {
		for _, r := range s.requests {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	})
	if err != nil {
		return Request{}, fmt.Errorf("wait for request: %w", err)
	}
	return found, nil
}

// Messages returns snapshots of the messages in a channel, oldest first,
// including deleted ones (see [Message.Deleted]) and ephemeral ones
// (flag 64), which real Discord shows only to one user.
func (s *Server) Messages(channelID string) []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Message
	for _, id := range s.byChannel[channelID] {
		out = append(out, s.messages[id].clone())
	}
	return out
}

// Message returns a snapshot of the message with the given ID, or nil.
func (s *Server) Message(id string) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.messages[id]; m != nil {
		return m.clone()
	}
	return nil
}

// WaitMessage waits for a message in channelID for which match reports
// true, checking existing messages first. Edits count: a message that
// later matches is returned then.
func (s *Server) WaitMessage(ctx context.Context, channelID string, match func(*Message) bool) (*Message, error) {
	var found *Message
	err := s.waitFor(ctx, func() bool {
		for _, id := range s.byChannel[channelID] {
			if m := s.messages[id].clone(); match(m) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, fmt.Errorf("wait for message in %s: %w", channelID, err)
	}
	return found, nil
}

// Commands returns the commands of the last bulk overwrite, global ones
// first, then the guild's.
func (s *Server) Commands() []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(append([]*discordgo.ApplicationCommand(nil), s.globalCmds...), s.guildCmds...)
}

// DeleteChannel deletes a channel: later requests about it get 404
// {"code":10003,"message":"Unknown Channel"}.
func (s *Server) DeleteChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		c.deleted = true
	}
	s.notifyLocked()
}

type rateLimitRule struct {
	substr     string
	n          int
	retryAfter float64
}

// RateLimitNext makes the next n REST requests whose path contains
// substr fail with 429 and retry_after seconds.
func (s *Server) RateLimitNext(substr string, n int, retryAfter float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimits = append(s.rateLimits, &rateLimitRule{substr: substr, n: n, retryAfter: retryAfter})
}

// RateLimitGlobal makes the next REST request, on any route, fail with a
// global 429 (X-RateLimit-Global: true, Retry-After, a body with
// "global":true) that lasts retryAfter. A request on any route before it
// has passed fails the test, and gets 429 again.
func (s *Server) RateLimitGlobal(retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.globalNext = retryAfter
}

// SilenceREST makes REST requests whose path (without /api/vN) contains
// substr go unanswered until the client gives up.
func (s *Server) SilenceREST(substr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = append(s.silent, substr)
}

// GlobalLimits returns when each global rate limit of RateLimitGlobal
// started.
func (s *Server) GlobalLimits() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.globalHits...)
}

// channelLocked returns the live channel with the given ID.
func (s *Server) channelLocked(id string) (*Channel, bool) {
	c := s.channels[id]
	if c == nil || c.deleted {
		return nil, false
	}
	return c, true
}

func (s *Server) isGuildChannel(id string) bool {
	c := s.channels[id]
	return c != nil && c.Type != ChannelDM
}

// knownUser returns the fake's record of u, failing the test for an
// unknown user.
func (s *Server) knownUser(u User) User {
	s.mu.Lock()
	known, ok := s.users[u.ID]
	s.mu.Unlock()
	if !ok {
		s.errorf("unknown user %q (add it to Options.Users)", u.ID)
		return u
	}
	return known
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}
