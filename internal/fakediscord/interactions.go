package fakediscord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction types.
const (
	InteractionCommand      = 2
	InteractionComponent    = 3
	InteractionAutocomplete = 4
	InteractionModalSubmit  = 5
)

// Interaction callback (response) types.
const (
	ResponseMessage        = 4
	ResponseDeferred       = 5
	ResponseDeferredUpdate = 6
	ResponseUpdate         = 7
	ResponseAutocomplete   = 8
	ResponseModal          = 9
)

// Interaction is a handle on an interaction the fake sent to the bot.
type Interaction struct {
	ID        string
	Token     string
	Type      int
	ChannelID string
	User      User
	// SentAt is when the INTERACTION_CREATE event was sent, on the fake's
	// clock.
	SentAt time.Time
	// Endpoint is the URL the interaction was POSTed to (see
	// [Server.UseInteractionsEndpoint]), "" when it went over the gateway.
	Endpoint string

	s         *Server
	messageID string // the message holding the component, for type 3 and some 5

	// Guarded by s.mu.
	response    *Response
	originalID  string
	followupIDs []string
}

// Response is the bot's initial response to an interaction.
type Response struct {
	Type int             // ResponseMessage, ResponseDeferred, ...
	Data json.RawMessage // the callback's data, or null
	// Ephemeral reports flag 64 in the data.
	Ephemeral bool
	// Delay is the time from the event to the response.
	Delay time.Duration
	// Choices holds the autocomplete choices of a ResponseAutocomplete.
	Choices []*discordgo.ApplicationCommandOptionChoice
	// HTTP reports a response that came as the answer to the fake's POST
	// to the interactions endpoint, not through the callback route.
	HTTP bool
}

// WaitResponse waits for the initial response to the interaction.
func (i *Interaction) WaitResponse(ctx context.Context) (Response, error) {
	var r Response
	err := i.s.waitFor(ctx, func() bool {
		if i.response != nil {
			r = *i.response
			return true
		}
		return false
	})
	if err != nil {
		return Response{}, fmt.Errorf("wait for response to interaction %s: %w", i.ID, err)
	}
	return r, nil
}

// Original returns a snapshot of the current @original message, or nil
// when there is none (yet). For ResponseDeferredUpdate and ResponseUpdate
// it is the message holding the component.
func (i *Interaction) Original() *Message {
	i.s.mu.Lock()
	defer i.s.mu.Unlock()
	if i.originalID == "" {
		return nil
	}
	return i.s.messages[i.originalID].clone()
}

// WaitOriginal waits until the @original message exists and match
// reports true for it.
func (i *Interaction) WaitOriginal(ctx context.Context, match func(*Message) bool) (*Message, error) {
	var found *Message
	err := i.s.waitFor(ctx, func() bool {
		if i.originalID == "" {
			return false
		}
		m := i.s.messages[i.originalID].clone()
		if match(m) {
			found = m
			return true
		}
		return false
	})
	if err != nil {
		return nil, fmt.Errorf("wait for original of interaction %s: %w", i.ID, err)
	}
	return found, nil
}

// Followups returns snapshots of the follow-up messages, oldest first.
func (i *Interaction) Followups() []*Message {
	i.s.mu.Lock()
	defer i.s.mu.Unlock()
	var out []*Message
	for _, id := range i.followupIDs {
		out = append(out, i.s.messages[id].clone())
	}
	return out
}

func (s *Server) postCallback(c *call) {
	var body struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(c.req.Body, &body); err != nil {
		c.invalid(violations{{code: "MODEL_TYPE_CONVERT", msg: err.Error()}})
		return
	}
	s.mu.Lock()
	it := s.interactions[c.params["interaction_id"]]
	var responded bool
	var delay time.Duration
	if it != nil {
		responded = it.response != nil
		delay = s.nowLocked().Sub(it.SentAt)
	}
	s.mu.Unlock()
	switch {
	case it == nil || it.Token != c.params["interaction_token"]:
		c.violate(http.StatusNotFound, 10062, "Unknown interaction", "no interaction with this ID and token")
		return
	case responded:
		c.violate(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.", "second initial response to interaction "+it.ID)
		return
	case delay > InteractionDeadline:
		c.violate(http.StatusNotFound, 10062, "Unknown interaction", fmt.Sprintf("initial response %v after the event (limit %v)", delay.Round(time.Millisecond), InteractionDeadline))
		return
	}
	if !callbackAllowed(it, body.Type) {
		c.invalid(violations{{path: "type", code: "INTERACTION_CALLBACK_TYPE_INVALID",
			msg: fmt.Sprintf("callback type %d is not valid for interaction type %d", body.Type, it.Type)}})
		return
	}
	hasData := len(body.Data) > 0 && string(body.Data) != "null"
	resp := &Response{Type: body.Type, Data: body.Data, Delay: delay, HTTP: c.req.HTTP}
	if hasData {
		var d struct {
			Flags   int                                         `json:"flags"`
			Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		}
		if err := json.Unmarshal(body.Data, &d); err != nil {
			c.invalid(violations{{path: "data", code: "MODEL_TYPE_CONVERT", msg: err.Error()}})
			return
		}
		resp.Ephemeral = d.Flags&FlagEphemeral != 0
		resp.Choices = d.Choices
	}
	sub := *c
	sub.req.Body = body.Data
	switch body.Type {
	case ResponseMessage:
		m, ok := s.createMessage(&sub, it.ChannelID, it.ID, 0)
		if !ok {
			return
		}
		s.respond(it, resp, m.ID)
	case ResponseDeferred:
		m := &Message{ChannelID: it.ChannelID, Author: s.BotUser, InteractionID: it.ID, Created: s.now(), Flags: FlagLoading}
		if resp.Ephemeral {
			m.Flags |= FlagEphemeral
		}
		s.mu.Lock()
		s.storeLocked(m)
		w := s.wireLocked(m)
		s.mu.Unlock()
		if !resp.Ephemeral {
			s.dispatchMessageCreate(m.ChannelID, w)
		}
		s.respond(it, resp, m.ID)
	case ResponseDeferredUpdate:
		s.respond(it, resp, it.messageID)
	case ResponseUpdate:
		s.mu.Lock()
		m := s.messages[it.messageID]
		live := m != nil && !m.Deleted // under the lock: an edit may replace *m
		s.mu.Unlock()
		if !live {
			c.violate(http.StatusNotFound, 10008, "Unknown Message", "update of a deleted message")
			return
		}
		if !hasData {
			c.invalid(violations{{path: "data", code: "BASE_TYPE_REQUIRED", msg: "an update needs data"}})
			return
		}
		rec := &recorder{header: http.Header{}}
		sub.w = rec
		s.editMessage(&sub, m)
		if rec.status != http.StatusOK {
			c.writeJSON(rec.status, json.RawMessage(rec.body))
			return
		}
		s.respond(it, resp, it.messageID)
	case ResponseAutocomplete:
		if vs := checkAutocomplete(body.Data); len(vs) > 0 {
			c.invalid(vs)
			return
		}
		s.respond(it, resp, "")
	case ResponseModal:
		if vs := checkModal(body.Data); len(vs) > 0 {
			c.invalid(vs)
			return
		}
		s.respond(it, resp, "")
	}
	c.noContent()
}

// respond records the initial response.
func (s *Server) respond(it *Interaction, r *Response, originalID string) {
	s.mu.Lock()
	it.response = r
	it.originalID = originalID
	s.notifyLocked()
	s.mu.Unlock()
}

func callbackAllowed(it *Interaction, typ int) bool {
	switch typ {
	case ResponseMessage, ResponseDeferred:
		return it.Type != InteractionAutocomplete
	case ResponseDeferredUpdate, ResponseUpdate:
		return it.messageID != "" && (it.Type == InteractionComponent || it.Type == InteractionModalSubmit)
	case ResponseAutocomplete:
		return it.Type == InteractionAutocomplete
	case ResponseModal:
		return it.Type == InteractionCommand || it.Type == InteractionComponent
	}
	return false
}

// recorder captures a response written by a nested handler.
type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { r.body = append(r.body, b...); return len(b), nil }

// Option is a slash command option as a user fills it in.
type Option struct {
	Name    string
	Type    int // discordgo.ApplicationCommandOptionType values
	Value   any
	Focused bool     // for Autocomplete: the option being typed
	Options []Option // for subcommands and groups
}

// StringOption returns a string option.
func StringOption(name, value string) Option {
	return Option{Name: name, Type: int(discordgo.ApplicationCommandOptionString), Value: value}
}

// IntegerOption returns an integer option.
func IntegerOption(name string, value int64) Option {
	return Option{Name: name, Type: int(discordgo.ApplicationCommandOptionInteger), Value: value}
}

// BooleanOption returns a boolean option.
func BooleanOption(name string, value bool) Option {
	return Option{Name: name, Type: int(discordgo.ApplicationCommandOptionBoolean), Value: value}
}

// Subcommand returns a subcommand option holding opts.
func Subcommand(name string, opts ...Option) Option {
	return Option{Name: name, Type: int(discordgo.ApplicationCommandOptionSubCommand), Options: opts}
}

func optionsJSON(opts []Option) []any {
	out := []any{}
	for _, o := range opts {
		m := map[string]any{"name": o.Name, "type": o.Type}
		if o.Type == int(discordgo.ApplicationCommandOptionSubCommand) || o.Type == int(discordgo.ApplicationCommandOptionSubCommandGroup) {
			m["options"] = optionsJSON(o.Options)
		} else {
			m["value"] = o.Value
		}
		if o.Focused {
			m["focused"] = true
		}
		out = append(out, m)
	}
	return out
}

// command finds a registered command, failing the test when the bot has
// not registered it: users cannot invoke what Discord does not list.
func (s *Server) command(name string, typ discordgo.ApplicationCommandType) *discordgo.ApplicationCommand {
	s.mu.Lock()
	for _, c := range append(slices.Clone(s.guildCmds), s.globalCmds...) {
		if c.Name == name && c.Type == typ {
			s.mu.Unlock()
			return c
		}
	}
	s.mu.Unlock()
	s.errorf("command %q (type %d) is not registered", name, typ)
	return &discordgo.ApplicationCommand{ID: "0", Name: name, Type: typ}
}

// SlashCommand sends a CHAT_INPUT command interaction from user in
// channelID. The command must have been registered by a bulk overwrite.
func (s *Server) SlashCommand(user User, channelID, name string, options ...Option) *Interaction {
	s.t.Helper()
	cmd := s.command(name, discordgo.ChatApplicationCommand)
	return s.sendInteraction(user, channelID, InteractionCommand, map[string]any{
		"id": cmd.ID, "name": name, "type": 1, "options": optionsJSON(options),
	}, nil)
}

// Autocomplete sends an autocomplete interaction for a registered slash
// command; mark the option being typed with Focused.
func (s *Server) Autocomplete(user User, channelID, name string, options ...Option) *Interaction {
	s.t.Helper()
	cmd := s.command(name, discordgo.ChatApplicationCommand)
	return s.sendInteraction(user, channelID, InteractionAutocomplete, map[string]any{
		"id": cmd.ID, "name": name, "type": 1, "options": optionsJSON(options),
	}, nil)
}

// MessageCommand sends a MESSAGE command interaction on target, which
// must be a message the fake knows (from PostMessage or the bot).
func (s *Server) MessageCommand(user User, channelID, name string, target *Message) *Interaction {
	s.t.Helper()
	cmd := s.command(name, discordgo.MessageApplicationCommand)
	s.mu.Lock()
	w := s.wireLocked(s.messages[target.ID])
	s.mu.Unlock()
	return s.sendInteraction(user, channelID, InteractionCommand, map[string]any{
		"id": cmd.ID, "name": name, "type": 3, "target_id": target.ID,
		"resolved": map[string]any{"messages": map[string]any{target.ID: w}},
	}, nil)
}

// Button sends a component interaction: user clicks the button with
// customID on message, which must carry that button.
func (s *Server) Button(user User, message *Message, customID string) *Interaction {
	s.t.Helper()
	s.mu.Lock()
	m := s.messages[message.ID]
	found, disabled := findButton(m, customID) // under the lock: the bot may be editing m
	s.mu.Unlock()
	switch {
	case !found:
		s.errorf("message %s has no component with custom_id %q", message.ID, customID)
	case disabled:
		s.errorf("button %q on message %s is disabled; users cannot click it", customID, message.ID)
	}
	return s.sendInteraction(user, message.ChannelID, InteractionComponent, map[string]any{
		"custom_id": customID, "component_type": 2,
	}, m)
}

// findButton reports whether the live message m has an enabled or
// disabled component with customID.
func findButton(m *Message, customID string) (found, disabled bool) {
	if m == nil || m.Deleted {
		return false, false
	}
	var walk func([]discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, c := range cs {
			switch c := c.(type) {
			case *discordgo.ActionsRow:
				walk(c.Components)
			case *discordgo.Button:
				if c.CustomID == customID {
					found, disabled = true, c.Disabled
				}
			case *discordgo.SelectMenu:
				if c.CustomID == customID {
					found, disabled = true, c.Disabled
				}
			}
		}
	}
	walk(m.Components)
	return found, disabled
}

// ModalSubmit sends a modal submission with the text input values in
// fields (custom_id to value). from is the message whose component opened
// the modal, or nil.
func (s *Server) ModalSubmit(user User, channelID, customID string, fields map[string]string, from *Message) *Interaction {
	s.t.Helper()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := []any{}
	for _, k := range keys {
		rows = append(rows, map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": k, "value": fields[k]},
		}})
	}
	var m *Message
	if from != nil {
		s.mu.Lock()
		m = s.messages[from.ID]
		s.mu.Unlock()
	}
	return s.sendInteraction(user, channelID, InteractionModalSubmit, map[string]any{
		"custom_id": customID, "components": rows,
	}, m)
}

// sendInteraction builds an INTERACTION_CREATE payload that discordgo
// decodes in full and sends it.
func (s *Server) sendInteraction(user User, channelID string, typ int, data map[string]any, msg *Message) *Interaction {
	s.t.Helper()
	user = s.knownUser(user)
	s.mu.Lock()
	ch, ok := s.channelLocked(channelID)
	if !ok {
		s.mu.Unlock()
		s.errorf("interaction in unknown or deleted channel %s", channelID)
		s.mu.Lock()
		ch = &Channel{ID: channelID}
	}
	it := &Interaction{
		ID: s.newIDLocked(), Type: typ, ChannelID: channelID, User: user, s: s,
	}
	it.Token = "itoken-" + it.ID
	p := map[string]any{
		"id":              it.ID,
		"application_id":  s.AppID,
		"type":            typ,
		"data":            data,
		"channel_id":      channelID,
		"channel":         s.channelJSONLocked(ch),
		"app_permissions": fmt.Sprint(s.BotUser.Permissions),
		"token":           it.Token,
		"version":         1,
		"locale":          "en-US",
		"entitlements":    []any{},
	}
	guildID := s.guildOfLocked(channelID)
	if ch.Type == ChannelDM {
		p["user"] = userJSON(user)
		p["context"] = 1
		p["authorizing_integration_owners"] = map[string]any{"0": s.GuildID}
	} else {
		p["guild_id"] = guildID
		p["guild_locale"] = "en-US"
		p["member"] = s.memberJSONLocked(user, true)
		p["context"] = 0
		p["authorizing_integration_owners"] = map[string]any{"0": guildID}
	}
	if msg != nil {
		it.messageID = msg.ID
		p["message"] = s.wireLocked(msg)
	}
	s.interactions[it.ID] = it
	s.byToken[it.Token] = it
	it.SentAt = s.nowLocked()
	var key ed25519.PrivateKey
	if ep := s.endpoint; ep != nil {
		it.Endpoint, key = ep.urls[ep.next%len(ep.urls)], ep.key
		ep.next++
	}
	s.mu.Unlock()
	if it.Endpoint != "" {
		s.gw.wg.Add(1)
		go s.postInteraction(it, key, p)
		return it
	}
	s.requireSession(guildID, "interaction")
	s.dispatch(guildID, "INTERACTION_CREATE", p)
	return it
}

// endpoint is where interactions go over HTTP.
type endpoint struct {
	key  ed25519.PrivateKey
	urls []string
	next int
}

// UseInteractionsEndpoint makes every interaction from now on a POST to
// one of urls, in turn (as a load balancer in front of several processes
// would spread them), signed with key as Discord signs them
// (X-Signature-Ed25519 over X-Signature-Timestamp and the body), instead of
// an INTERACTION_CREATE event: as when an application sets an Interactions
// Endpoint URL. The 200 answer's body is the initial response and is held
// to every rule of the callback route; any other answer fails the test, as
// Discord shows the user that the interaction failed. No urls sends them
// over the gateway again.
func (s *Server) UseInteractionsEndpoint(key ed25519.PrivateKey, urls ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(urls) == 0 {
		s.endpoint = nil
		return
	}
	s.endpoint = &endpoint{key: key, urls: slices.Clone(urls)}
}

// SignInteraction returns the headers Discord sends with body at ts:
// X-Signature-Timestamp (Unix seconds) and X-Signature-Ed25519.
func SignInteraction(key ed25519.PrivateKey, ts time.Time, body []byte) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Signature-Timestamp", stamp)
	h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(stamp), body...))))
	return h
}

// postInteraction POSTs interaction it, whose payload is p, to its
// endpoint and takes the answer as its initial response.
func (s *Server) postInteraction(it *Interaction, key ed25519.PrivateKey, p map[string]any) {
	defer s.gw.wg.Done()
	body, err := json.Marshal(p)
	if err != nil {
		s.errorf("marshal interaction: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", it.Endpoint, bytes.NewReader(body))
	if err != nil {
		s.errorf("interactions endpoint %q: %v", it.Endpoint, err)
		return
	}
	req.Header = SignInteraction(key, time.Now(), body)
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.errorf("POST interaction %s to the interactions endpoint %s: %v", it.ID, it.Endpoint, err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if resp.StatusCode != http.StatusOK {
		s.errorf("the interactions endpoint %s answered %d %q to interaction %s: Discord shows the user that it failed",
			it.Endpoint, resp.StatusCode, clip(string(b)), it.ID)
		return
	}
	path := "/interactions/" + it.ID + "/" + it.Token + "/callback"
	r, _ := http.NewRequest("POST", path, nil)
	c := &call{s: s, w: &recorder{header: http.Header{}}, r: r,
		req: Request{Method: "POST", Path: path, Route: "/interactions/{interaction_id}/{interaction_token}/callback",
			Header: resp.Header.Clone(), Body: b, At: s.now(), HTTP: true},
		params: map[string]string{"interaction_id": it.ID, "interaction_token": it.Token}}
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, c.req)
		s.notifyLocked()
		s.mu.Unlock()
	}()
	if !json.Valid(b) {
		c.invalid(violations{{code: "MODEL_TYPE_CONVERT", msg: "the endpoint's answer is not JSON: " + clip(string(b))}})
		return
	}
	if err := s.schemas.validate("POST", c.req.Route, b); err != nil {
		c.invalid(violations{{code: "SCHEMA", msg: err.Error()}})
		return
	}
	s.postCallback(c)
}

func (s *Server) memberJSONLocked(u User, withUser bool) map[string]any {
	m := map[string]any{
		"roles":       append([]string{}, u.Roles...),
		"joined_at":   time.Unix(1600000000, 0).UTC().Format(time.RFC3339),
		"deaf":        false,
		"mute":        false,
		"flags":       0,
		"nick":        nil,
		"avatar":      nil,
		"permissions": fmt.Sprint(u.Permissions),
		"pending":     false,
	}
	if withUser {
		m["user"] = userJSON(u)
	}
	return m
}
