package fakediscord

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Message flags the fake understands.
const (
	FlagEphemeral = 1 << 6
	FlagLoading   = 1 << 7 // a deferred response, "bot is thinking"
)

// Message is the fake's record of a Discord message. Values returned by
// the Server are snapshots; changing them changes nothing on the server.
type Message struct {
	ID        string
	ChannelID string
	Author    User
	Content   string
	// Embeds and Components are decoded with discordgo's types.
	Embeds          []*discordgo.MessageEmbed
	Components      []discordgo.MessageComponent
	Flags           int
	Reference       *Reference       // message_reference, for replies
	AllowedMentions *AllowedMentions // as last sent; nil for messages not sent by the bot
	Attachments     []Attachment
	// InteractionID is set on interaction responses and follow-ups.
	InteractionID string
	// Created is when the message was created; EditTimes holds the time of
	// each later edit, so len(EditTimes) is the number of edits.
	Created   time.Time
	EditTimes []time.Time
	Deleted   bool
	// Raw is the JSON body of the request that last created or edited the
	// message (payload_json for multipart requests).
	Raw json.RawMessage
}

// Ephemeral reports whether the message carries flag 64.
func (m *Message) Ephemeral() bool { return m.Flags&FlagEphemeral != 0 }

// Edits returns the number of edits.
func (m *Message) Edits() int { return len(m.EditTimes) }

// Reference is a message_reference.
type Reference struct {
	MessageID string `json:"message_id"`
	ChannelID string `json:"channel_id,omitempty"`
	GuildID   string `json:"guild_id,omitempty"`
}

// AllowedMentions is the allowed_mentions object the bot sent.
type AllowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users"`
	Roles       []string `json:"roles"`
	RepliedUser bool     `json:"replied_user"`
}

// Attachment is a file uploaded with a message.
type Attachment struct {
	ID          string
	Filename    string
	ContentType string
	Data        []byte
}

func (m *Message) clone() *Message {
	if m == nil {
		return nil
	}
	c := *m
	c.Embeds = append([]*discordgo.MessageEmbed(nil), m.Embeds...)
	c.Components = append([]discordgo.MessageComponent(nil), m.Components...)
	c.Attachments = append([]Attachment(nil), m.Attachments...)
	c.EditTimes = append([]time.Time(nil), m.EditTimes...)
	return &c
}

// messageBody is the message-shaped part of a create or edit body. A nil
// field was absent (or null) in the body.
type messageBody struct {
	Content         *string            `json:"content"`
	Embeds          *[]json.RawMessage `json:"embeds"`
	Components      *[]json.RawMessage `json:"components"`
	Flags           *int               `json:"flags"`
	AllowedMentions *AllowedMentions   `json:"allowed_mentions"`
	Reference       *Reference         `json:"message_reference"`
	Attachments     *[]struct {
		ID string `json:"id"`
	} `json:"attachments"`
	StickerIDs []string        `json:"sticker_ids"`
	Poll       json.RawMessage `json:"poll"`

	hasAllowedMentions bool
}

func parseMessageBody(raw []byte) (*messageBody, error) {
	var b messageBody
	if len(raw) == 0 {
		return &b, nil
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, err
	}
	_, b.hasAllowedMentions = keys["allowed_mentions"]
	return &b, nil
}

func decodeEmbeds(raw []json.RawMessage) ([]*discordgo.MessageEmbed, error) {
	var out []*discordgo.MessageEmbed
	for _, r := range raw {
		var e discordgo.MessageEmbed
		if err := json.Unmarshal(r, &e); err != nil {
			return nil, fmt.Errorf("decode embed: %w", err)
		}
		out = append(out, &e)
	}
	return out, nil
}

func decodeComponents(raw []json.RawMessage) ([]discordgo.MessageComponent, error) {
	var out []discordgo.MessageComponent
	for _, r := range raw {
		c, err := discordgo.MessageComponentFromJSON(r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// apply merges a create or edit body into m. Files are appended after
// the attachments the body keeps.
func (m *Message) apply(b *messageBody, files []Attachment, raw []byte) error {
	if b.Content != nil {
		m.Content = *b.Content
	}
	if b.Embeds != nil {
		e, err := decodeEmbeds(*b.Embeds)
		if err != nil {
			return err
		}
		m.Embeds = e
	}
	if b.Components != nil {
		c, err := decodeComponents(*b.Components)
		if err != nil {
			return err
		}
		m.Components = c
	}
	if b.Flags != nil {
		// Only the ephemeral and suppress-embeds flags are set by clients;
		// ephemeral never changes after creation.
		m.Flags = m.Flags&(FlagEphemeral) | *b.Flags&^FlagLoading
	}
	if b.hasAllowedMentions {
		m.AllowedMentions = b.AllowedMentions
	}
	if b.Reference != nil {
		m.Reference = b.Reference
	}
	if b.Attachments != nil {
		keep := map[string]bool{}
		for _, a := range *b.Attachments {
			keep[a.ID] = true
		}
		var kept []Attachment
		for _, a := range m.Attachments {
			if keep[a.ID] {
				kept = append(kept, a)
			}
		}
		m.Attachments = kept
	}
	m.Attachments = append(m.Attachments, files...)
	m.Raw = append(json.RawMessage(nil), raw...)
	return nil
}

var (
	userMention = regexp.MustCompile(`<@!?([0-9]+)>`)
	roleMention = regexp.MustCompile(`<@&([0-9]+)>`)
)

// wireLocked returns m as Discord would send it to the bot. Without the
// MESSAGE_CONTENT intent, content and its kin are blanked unless the
// message is a DM, mentions the bot or is the bot's own.
func (s *Server) wireLocked(m *Message) map[string]any {
	author := s.users[m.Author.ID]
	if author.ID == "" {
		author = m.Author
	}
	content, embeds, components, attachments := m.Content, any(nonNil(m.Embeds)), any(nonNilC(m.Components)), []any{}
	for _, a := range m.Attachments {
		attachments = append(attachments, map[string]any{
			"id": a.ID, "filename": a.Filename, "content_type": a.ContentType, "size": len(a.Data),
			"url":       "https://cdn.discordapp.com/attachments/" + m.ChannelID + "/" + a.ID + "/" + a.Filename,
			"proxy_url": "https://media.discordapp.net/attachments/" + m.ChannelID + "/" + a.ID + "/" + a.Filename,
		})
	}
	mentions := []any{}
	mentionsBot := false
	for _, sm := range userMention.FindAllStringSubmatch(m.Content, -1) {
		if u, ok := s.users[sm[1]]; ok {
			mentions = append(mentions, userJSON(u))
			mentionsBot = mentionsBot || u.ID == s.BotID
		}
	}
	if m.Reference != nil && m.Author.ID != s.BotID {
		if ref := s.messages[m.Reference.MessageID]; ref != nil && ref.Author.ID == s.BotID && !mentionsBot {
			// Replies ping the replied-to author by default.
			mentions = append(mentions, userJSON(s.BotUser))
			mentionsBot = true
		}
	}
	roles := []any{}
	for _, sm := range roleMention.FindAllStringSubmatch(m.Content, -1) {
		roles = append(roles, sm[1])
	}
	dm := !s.isGuildChannel(m.ChannelID)
	if s.gw.intents()&IntentMessageContent == 0 && !dm && !mentionsBot && m.Author.ID != s.BotID {
		content, embeds, components, attachments = "", []any{}, []any{}, []any{}
	}
	typ := 0
	if m.Reference != nil {
		typ = 19
	}
	w := map[string]any{
		"id":               m.ID,
		"channel_id":       m.ChannelID,
		"author":           userJSON(author),
		"content":          content,
		"timestamp":        m.Created.UTC().Format(time.RFC3339Nano),
		"edited_timestamp": nil,
		"tts":              false,
		"mention_everyone": false,
		"mentions":         mentions,
		"mention_roles":    roles,
		"attachments":      attachments,
		"embeds":           embeds,
		"components":       components,
		"pinned":           false,
		"type":             typ,
		"flags":            m.Flags,
	}
	if n := len(m.EditTimes); n > 0 {
		w["edited_timestamp"] = m.EditTimes[n-1].UTC().Format(time.RFC3339Nano)
	}
	if !dm {
		w["guild_id"] = s.guildOfLocked(m.ChannelID)
	}
	if m.Reference != nil {
		ref := *m.Reference
		if ref.ChannelID == "" {
			ref.ChannelID = m.ChannelID
		}
		if ref.GuildID == "" && !dm {
			ref.GuildID = s.guildOfLocked(m.ChannelID)
		}
		w["message_reference"] = ref
	}
	if m.InteractionID != "" {
		w["webhook_id"] = s.AppID
		w["application_id"] = s.AppID
	}
	return w
}

func nonNil(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilC(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

func userJSON(u User) map[string]any {
	return map[string]any{
		"id":            u.ID,
		"username":      u.Username,
		"global_name":   u.Username,
		"discriminator": "0",
		"avatar":        nil,
		"bot":           u.Bot,
	}
}

// Text is everything a reader sees of the message: its content and its
// embeds' titles, descriptions, fields and footers, one per line.
func (m *Message) Text() string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
		if e.Footer != nil {
			b.WriteString("\n" + e.Footer.Text)
		}
	}
	return b.String()
}

// CustomIDs lists the custom IDs of the message's buttons, in order.
func (m *Message) CustomIDs() []string {
	var ids []string
	for _, c := range m.Components {
		if row, ok := c.(*discordgo.ActionsRow); ok {
			for _, c := range row.Components {
				if b, ok := c.(*discordgo.Button); ok {
					ids = append(ids, b.CustomID)
				}
			}
		}
	}
	return ids
}
