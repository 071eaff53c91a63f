package fakediscord

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

func (s *Server) getGateway(c *call) {
	if s.silentAt(StepLookup) {
		select {
		case <-c.r.Context().Done():
		case <-s.quit:
		}
		c.req.Status = 0 // never answered
		return
	}
	c.writeJSON(http.StatusOK, map[string]any{"url": s.gatewayURL()})
}

// getGatewayBot answers GET /gateway/bot: the URL, the shards the fake
// plays (its recommendation) and the session start limit.
func (s *Server) getGatewayBot(c *call) {
	if s.silentAt(StepLookup) {
		select {
		case <-c.r.Context().Done():
		case <-s.quit:
		}
		c.req.Status = 0 // never answered
		return
	}
	s.gw.mu.Lock()
	used := s.gw.identified
	s.gw.mu.Unlock()
	c.writeJSON(http.StatusOK, map[string]any{
		"url":    s.gatewayURL(),
		"shards": s.shardCount(),
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": max(1000-used, 0), "reset_after": 86400000,
			"max_concurrency": s.maxConcurrency(),
		},
	})
}

// knownGuild reports whether id is one of the fake's guilds.
func (s *Server) knownGuild(id string) bool {
	for _, g := range s.guilds {
		if g.ID == id {
			return true
		}
	}
	return false
}

func (s *Server) getMe(c *call) {
	c.writeJSON(http.StatusOK, userJSON(s.BotUser))
}

// postDM opens (or returns) the DM channel with a user.
func (s *Server) postDM(c *call) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(c.req.Body, &body); err != nil {
		c.invalid(violations{{code: "MODEL_TYPE_CONVERT", msg: err.Error()}})
		return
	}
	s.mu.Lock()
	u, known := s.users[body.RecipientID]
	id := ""
	if known {
		if u.ID == s.Alice.ID {
			id = s.DMChannelID
		} else {
			id = "dm-" + u.ID
			if _, ok := s.channels[id]; !ok {
				s.addChannel(Channel{ID: id, Type: ChannelDM, Recipient: u.ID})
			}
		}
	}
	var w map[string]any
	if known {
		w = s.channelJSONLocked(s.channels[id])
	}
	s.mu.Unlock()
	if !known {
		c.violate(http.StatusNotFound, 10013, "Unknown User", "DM with unknown user "+body.RecipientID)
		return
	}
	c.writeJSON(http.StatusOK, w)
}

// DMChannel returns the ID of the DM channel the bot opened with a user,
// or "" when it opened none.
func (s *Server) DMChannel(u User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == s.Alice.ID {
		return s.DMChannelID
	}
	if _, ok := s.channels["dm-"+u.ID]; ok {
		return "dm-" + u.ID
	}
	return ""
}

func (s *Server) getApplication(c *call) {
	c.writeJSON(http.StatusOK, map[string]any{
		"id": s.AppID, "name": s.BotUser.Username, "description": "", "icon": nil,
		"bot_public": false, "bot_require_code_grant": false, "flags": 1 << 19, // GATEWAY_MESSAGE_CONTENT_LIMITED
		"bot": userJSON(s.BotUser), "verify_key": "00",
	})
}

func (s *Server) putCommands(c *call) {
	if c.params["application_id"] != s.AppID {
		c.violate(http.StatusForbidden, 50001, "Missing Access", "wrong application ID "+c.params["application_id"])
		return
	}
	guild, hasGuild := c.params["guild_id"]
	if hasGuild && !s.knownGuild(guild) {
		c.violate(http.StatusForbidden, 50001, "Missing Access", "unknown guild "+guild)
		return
	}
	if vs := checkCommands(c.req.Body); len(vs) > 0 {
		c.invalid(vs)
		return
	}
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(c.req.Body, &cmds); err != nil {
		c.invalid(violations{{code: "MODEL_TYPE_CONVERT", msg: err.Error()}})
		return
	}
	s.mu.Lock()
	for _, cmd := range cmds {
		cmd.ID = s.newIDLocked()
		cmd.ApplicationID = s.AppID
		cmd.Version = s.newIDLocked()
		if cmd.Type == 0 {
			cmd.Type = discordgo.ChatApplicationCommand
		}
		if hasGuild {
			cmd.GuildID = guild
		}
	}
	if hasGuild {
		s.guildCmds = cmds
	} else {
		s.globalCmds = cmds
	}
	s.notifyLocked()
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, cmds)
}

// interactionForWebhook finds the live interaction behind a webhook
// token, answering with Discord's error when there is none.
func (s *Server) interactionForWebhook(c *call) (*Interaction, bool) {
	if c.params["webhook_id"] != s.AppID {
		c.violate(http.StatusNotFound, 10015, "Unknown Webhook", "webhook ID must be the application ID "+s.AppID)
		return nil, false
	}
	s.mu.Lock()
	it := s.byToken[c.params["webhook_token"]]
	var responded bool
	var age time.Duration
	if it != nil {
		responded = it.response != nil
		age = s.nowLocked().Sub(it.SentAt)
	}
	s.mu.Unlock()
	switch {
	case it == nil:
		c.violate(http.StatusUnauthorized, 50027, "Invalid Webhook Token", "unknown interaction token")
		return nil, false
	case age > TokenLifetime:
		c.violate(http.StatusUnauthorized, 50027, "Invalid Webhook Token", "interaction token used "+age.Round(time.Second).String()+" after the event (valid 15 min)")
		return nil, false
	case !responded:
		c.violate(http.StatusNotFound, 10015, "Unknown Webhook", "webhook used before the initial interaction response")
		return nil, false
	}
	return it, true
}

// webhookMessageLocked resolves @original or a follow-up ID.
func (s *Server) webhookMessageLocked(it *Interaction, id string) *Message {
	if id == "" {
		id = it.originalID
	} else if id != it.originalID && !slices.Contains(it.followupIDs, id) {
		return nil
	}
	m := s.messages[id]
	if m == nil || m.Deleted {
		return nil
	}
	return m
}

func (s *Server) getWebhookMessage(c *call) {
	it, ok := s.interactionForWebhook(c)
	if !ok {
		return
	}
	s.mu.Lock()
	m := s.webhookMessageLocked(it, c.params["message_id"])
	var w map[string]any
	if m != nil {
		w = s.wireLocked(m)
	}
	s.mu.Unlock()
	if m == nil {
		c.fail(http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	c.writeJSON(http.StatusOK, w)
}

func (s *Server) patchWebhookMessage(c *call) {
	it, ok := s.interactionForWebhook(c)
	if !ok {
		return
	}
	s.mu.Lock()
	m := s.webhookMessageLocked(it, c.params["message_id"])
	s.mu.Unlock()
	if m == nil {
		c.violate(http.StatusNotFound, 10008, "Unknown Message", "no such interaction message (a modal or autocomplete response has no @original)")
		return
	}
	s.editMessage(c, m)
}

func (s *Server) deleteWebhookMessage(c *call) {
	it, ok := s.interactionForWebhook(c)
	if !ok {
		return
	}
	s.mu.Lock()
	m := s.webhookMessageLocked(it, c.params["message_id"])
	if m != nil {
		m.Deleted = true
		s.notifyLocked()
	}
	s.mu.Unlock()
	if m == nil {
		c.fail(http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	c.noContent()
}

func (s *Server) postFollowup(c *call) {
	it, ok := s.interactionForWebhook(c)
	if !ok {
		return
	}
	m, ok := s.createMessage(c, it.ChannelID, it.ID, 0)
	if !ok {
		return
	}
	s.mu.Lock()
	it.followupIDs = append(it.followupIDs, m.ID)
	w := s.wireLocked(m)
	s.notifyLocked()
	s.mu.Unlock()
	if c.req.Query.Get("wait") == "true" {
		c.writeJSON(http.StatusOK, w)
		return
	}
	c.noContent()
}

// liveChannel answers 404 Unknown Channel for a deleted or unknown
// channel; an ID that never existed also fails the test.
func (s *Server) liveChannel(c *call) (*Channel, bool) {
	id := c.params["channel_id"]
	s.mu.Lock()
	ch, ok := s.channelLocked(id)
	existed := s.channels[id] != nil
	s.mu.Unlock()
	if !ok {
		if existed {
			c.fail(http.StatusNotFound, 10003, "Unknown Channel")
		} else {
			c.violate(http.StatusNotFound, 10003, "Unknown Channel", "channel "+id+" never existed")
		}
		return nil, false
	}
	return ch, true
}

func (s *Server) getChannel(c *call) {
	ch, ok := s.liveChannel(c)
	if !ok {
		return
	}
	s.mu.Lock()
	w := s.channelJSONLocked(ch)
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, w)
}

func (s *Server) postMessage(c *call) {
	ch, ok := s.liveChannel(c)
	if !ok {
		return
	}
	if ch.Type == ChannelDM && ch.Recipient != "" {
		s.mu.Lock()
		closed := s.users[ch.Recipient].NoDMs
		s.mu.Unlock()
		if closed {
			c.fail(http.StatusForbidden, 50007, "Cannot send messages to this user")
			return
		}
	}
	m, ok := s.createMessage(c, ch.ID, "", 0)
	if !ok {
		return
	}
	s.mu.Lock()
	w := s.wireLocked(m)
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, w)
}

// createMessage validates a create body and stores the bot's message,
// dispatching MESSAGE_CREATE unless it is ephemeral.
func (s *Server) createMessage(c *call, channelID, interactionID string, extraFlags int) (*Message, bool) {
	b, err := parseMessageBody(c.req.Body)
	if err != nil {
		c.invalid(violations{{code: "MODEL_TYPE_CONVERT", msg: err.Error()}})
		return nil, false
	}
	vs := checkMessageBody(b, true)
	if b.Reference != nil {
		s.mu.Lock()
		ref := s.messages[b.Reference.MessageID]
		unknown := ref == nil || ref.ChannelID != channelID && b.Reference.ChannelID == ""
		s.mu.Unlock()
		if unknown {
			vs.add("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "unknown message %s", b.Reference.MessageID)
		}
	}
	m := &Message{ChannelID: channelID, Author: s.BotUser, InteractionID: interactionID, Created: s.now()}
	if err := m.apply(b, c.files, c.req.Body); err != nil {
		vs.add("components", "MODEL_TYPE_CONVERT", "%v", err)
	}
	m.Flags |= extraFlags
	vs = append(vs, checkNotEmpty(m, len(b.StickerIDs) > 0 || len(b.Poll) > 0 && string(b.Poll) != "null")...)
	if len(vs) > 0 {
		c.invalid(vs)
		return nil, false
	}
	s.mu.Lock()
	s.storeLocked(m)
	w := s.wireLocked(m)
	s.mu.Unlock()
	if !m.Ephemeral() {
		s.dispatchMessageCreate(m.ChannelID, w)
	}
	return m, true
}

// storeLocked gives m an ID and attachment IDs and stores it.
func (s *Server) storeLocked(m *Message) {
	m.ID = s.newIDLocked()
	for i := range m.Attachments {
		if m.Attachments[i].ID == "" {
			m.Attachments[i].ID = s.newIDLocked()
		}
	}
	s.messages[m.ID] = m
	s.byChannel[m.ChannelID] = append(s.byChannel[m.ChannelID], m.ID)
	s.notifyLocked()
}

// editMessage validates an edit body and applies it to m.
func (s *Server) editMessage(c *call, m *Message) {
	b, err := parseMessageBody(c.req.Body)
	if err != nil {
		c.invalid(violations{{code: "MODEL_TYPE_CONVERT", msg: err.Error()}})
		return
	}
	vs := checkMessageBody(b, true)
	s.mu.Lock()
	next := m.clone()
	s.mu.Unlock()
	if err := next.apply(b, c.files, c.req.Body); err != nil {
		vs.add("components", "MODEL_TYPE_CONVERT", "%v", err)
	}
	vs = append(vs, checkNotEmpty(next, false)...)
	if len(vs) > 0 {
		c.invalid(vs)
		return
	}
	s.mu.Lock()
	for i := range next.Attachments {
		if next.Attachments[i].ID == "" {
			next.Attachments[i].ID = s.newIDLocked()
		}
	}
	next.Flags &^= FlagLoading
	next.EditTimes = append(next.EditTimes, s.nowLocked())
	*m = *next
	w := s.wireLocked(m)
	s.notifyLocked()
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, w)
}

// channelMessage finds a message in the live channel of the path.
func (s *Server) channelMessage(c *call) (*Message, bool) {
	ch, ok := s.liveChannel(c)
	if !ok {
		return nil, false
	}
	// An edit replaces *m under the lock: every field is read under it.
	s.mu.Lock()
	m := s.messages[c.params["message_id"]]
	found := m != nil && !m.Deleted && m.ChannelID == ch.ID
	s.mu.Unlock()
	if !found {
		c.fail(http.StatusNotFound, 10008, "Unknown Message")
		return nil, false
	}
	return m, true
}

// authorOf returns a message's ID and its author's ID and name, read under
// the lock (an edit may be replacing the message meanwhile).
func (s *Server) authorOf(m *Message) (id, authorID, authorName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return m.ID, m.Author.ID, m.Author.Username
}

func (s *Server) getMessage(c *call) {
	m, ok := s.channelMessage(c)
	if !ok {
		return
	}
	s.mu.Lock()
	w := s.wireLocked(m)
	s.mu.Unlock()
	c.writeJSON(http.StatusOK, w)
}

func (s *Server) patchMessage(c *call) {
	m, ok := s.channelMessage(c)
	if !ok {
		return
	}
	if id, author, name := s.authorOf(m); author != s.BotID {
		c.violate(http.StatusForbidden, 50005, "Cannot edit a message authored by another user", "edit of message "+id+" by "+name)
		return
	}
	s.editMessage(c, m)
}

func (s *Server) deleteMessage(c *call) {
	m, ok := s.channelMessage(c)
	if !ok {
		return
	}
	if _, author, name := s.authorOf(m); author != s.BotID && s.BotUser.Permissions&permManageMessages == 0 {
		c.violate(http.StatusForbidden, 50013, "Missing Permissions", "the bot lacks MANAGE_MESSAGES to delete "+name+"'s message")
		return
	}
	s.mu.Lock()
	m.Deleted = true
	s.notifyLocked()
	s.mu.Unlock()
	c.noContent()
}

func (s *Server) postTyping(c *call) {
	if _, ok := s.liveChannel(c); ok {
		c.noContent()
	}
}

func (s *Server) reaction(c *call) {
	if _, ok := s.channelMessage(c); ok {
		c.noContent()
	}
}

func (s *Server) postThread(c *call) {
	m, ok := s.channelMessage(c)
	if !ok {
		return
	}
	var body struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(c.req.Body, &body); err != nil {
		c.invalid(violations{{code: "MODEL_TYPE_CONVERT", msg: err.Error()}})
		return
	}
	s.mu.Lock()
	id := m.ID
	parent := s.channels[m.ChannelID]
	_, exists := s.channels[id]
	s.mu.Unlock()
	if parent.Type != ChannelText {
		c.violate(http.StatusBadRequest, 50024, "Cannot execute action on this channel type", "threads start from messages in text channels")
		return
	}
	if exists {
		c.violate(http.StatusBadRequest, 160004, "A thread has already been created for this message", "second thread on message "+id)
		return
	}
	th := s.createThread(Channel{ID: id, Name: body.Name, Type: ChannelPublicThread, ParentID: parent.ID}, s.BotID)
	c.writeJSON(http.StatusCreated, th)
}

// createThread adds a thread and dispatches THREAD_CREATE.
func (s *Server) createThread(ch Channel, ownerID string) map[string]any {
	s.mu.Lock()
	s.addChannel(ch)
	w := s.channelJSONLocked(s.channels[ch.ID])
	w["owner_id"] = ownerID
	s.notifyLocked()
	s.mu.Unlock()
	if s.gw.intents()&IntentGuilds != 0 {
		ev := map[string]any{"newly_created": true}
		for k, v := range w {
			ev[k] = v
		}
		s.mu.Lock()
		guildID := s.guildOfLocked(ch.ID)
		s.mu.Unlock()
		s.dispatch(guildID, "THREAD_CREATE", ev)
	}
	return w
}

func (s *Server) channelJSONLocked(c *Channel) map[string]any {
	w := map[string]any{"id": c.ID, "type": c.Type, "flags": 0}
	switch c.Type {
	case ChannelDM:
		r := s.Alice
		if c.Recipient != "" {
			r = s.users[c.Recipient]
		}
		w["recipients"] = []any{userJSON(r)}
		w["last_message_id"] = nil
	default:
		w["guild_id"] = s.guildOfLocked(c.ID)
		w["name"] = c.Name
		w["position"] = 0
		w["permission_overwrites"] = []any{}
		w["nsfw"] = false
		w["topic"] = nil
		w["rate_limit_per_user"] = 0
		w["parent_id"] = nil
	}
	if c.Type == ChannelPublicThread {
		w["parent_id"] = c.ParentID
		w["owner_id"] = s.Alice.ID
		w["member_count"] = 1
		w["message_count"] = 0
		w["thread_metadata"] = map[string]any{
			"archived": false, "auto_archive_duration": 1440, "locked": false,
			"archive_timestamp": time.Unix(1700000000, 0).UTC().Format(time.RFC3339),
		}
	}
	return w
}
