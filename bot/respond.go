package bot

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// NoMentions returns allowed mentions that let nothing in a message ping
// anyone: no @everyone, no role, no user, not even the author of a message
// replied to. It serializes as {"parse":[],"replied_user":false}.
func NoMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// Message is one Discord message: what every helper here sends or edits.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	// Files are attached when the message is sent (not when edited).
	Files []*discordgo.File
}

func flags(ephemeral bool) discordgo.MessageFlags {
	if ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// responseOf is the initial response to an interaction with m, ephemeral
// when asked, pinging no one.
func responseOf(m Message, ephemeral bool) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         m.Content,
			Embeds:          nonNilEmbeds(m.Embeds),
			Components:      nonNilComponents(m.Components),
			AllowedMentions: NoMentions(),
			Flags:           flags(ephemeral),
			Files:           m.Files,
		},
	}
}

// deferral acknowledges an interaction with a "thinking…" state to be
// replaced by [edit] within 15 minutes; ephemeral makes the final answer
// ephemeral too.
func deferral(ephemeral bool) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			AllowedMentions: NoMentions(),
			Flags:           flags(ephemeral),
		},
	}
}

// edit replaces the original response of an interaction (after a
// [deferral] or a [responseOf]) with m, pinging no one.
func edit(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, m Message) error {
	embeds := nonNilEmbeds(m.Embeds)
	components := nonNilComponents(m.Components)
	_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Content:         &m.Content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: NoMentions(),
	}, discordgo.WithContext(ctx))
	return err
}

// Followup sends m as a further message of an interaction, ephemeral when
// asked, pinging no one.
func Followup(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, m Message, ephemeral bool) error {
	_, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      nonNilComponents(m.Components),
		AllowedMentions: NoMentions(),
		Flags:           flags(ephemeral),
		Files:           m.Files,
	}, discordgo.WithContext(ctx))
	return err
}

// Reply sends m to a channel as a reply to the message ref (when not nil),
// pinging no one, not even ref's author.
func Reply(ctx context.Context, s *discordgo.Session, channelID string, ref *discordgo.Message, m Message) (*discordgo.Message, error) {
	send := &discordgo.MessageSend{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      m.Components,
		AllowedMentions: NoMentions(),
		Files:           m.Files,
	}
	if ref != nil {
		send.Reference = ref.SoftReference()
	}
	return s.ChannelMessageSendComplex(channelID, send, discordgo.WithContext(ctx))
}

// EditMessage replaces a message the bot sent in a channel with m, pinging
// no one.
func EditMessage(ctx context.Context, s *discordgo.Session, channelID, messageID string, m Message) error {
	embeds := nonNilEmbeds(m.Embeds)
	components := nonNilComponents(m.Components)
	_, err := s.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: messageID, Channel: channelID,
		Content: &m.Content, Embeds: &embeds, Components: &components,
		AllowedMentions: NoMentions(),
	}, discordgo.WithContext(ctx))
	return err
}

// DirectMessage sends m to a user in their direct-message channel.
func DirectMessage(ctx context.Context, s *discordgo.Session, userID string, m Message) error {
	ch, err := s.UserChannelCreate(userID, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("open DM channel: %w", err)
	}
	if _, err := Reply(ctx, s, ch.ID, nil, m); err != nil {
		return fmt.Errorf("send DM: %w", err)
	}
	return nil
}

// nonNilEmbeds and nonNilComponents send [] rather than null, which Discord
// reads as "no embeds" and "no components" in every route.
func nonNilEmbeds(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}
