package bot

import (
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Command names.
const (
	CommandAsk      = "ask"
	CommandSearch   = "search"
	CommandSource   = "source"
	CommandStory    = "story"
	CommandAskStory = "Ask the story" // message command, in the Apps menu
)

// Permissions is what the bot needs in a channel: View Channel, Send
// Messages, Send Messages in Threads, Embed Links, Attach Files, Read
// Message History and Use Application Commands (277025508352).
const Permissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionUseApplicationCommands

// InviteURL returns the link that adds the application appID to a server
// with the scopes bot and applications.commands and [Permissions]; with a
// guildID, that server is preselected.
func InviteURL(appID, guildID string) string {
	v := url.Values{}
	v.Set("client_id", appID)
	v.Set("permissions", strconv.FormatInt(Permissions, 10))
	v.Set("scope", "bot applications.commands")
	if guildID != "" {
		v.Set("guild_id", guildID)
		v.Set("disable_guild_select", "true")
	}
	return "https://discord.com/oauth2/authorize?" + v.Encode()
}

// Commands returns the application commands of the bot itself: /ask (with
// a mode choice when withModel), /search, /source, /story and the message
// command "Ask the story". maxQuestion caps /ask's question option.
func Commands(withModel bool, maxQuestion int) []*discordgo.ApplicationCommand {
	ask := &discordgo.ApplicationCommand{
		Name:        CommandAsk,
		Description: "Ask a question about the story",
		Options: []*discordgo.ApplicationCommandOption{
			{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        "question",
				Description: "What do you want to know?",
				Required:    true,
				MaxLength:   min(maxQuestion, 6000),
			},
			{
				Type:        discordgo.ApplicationCommandOptionBoolean,
				Name:        "private",
				Description: "Only you see the answer",
			},
		},
	}
	if withModel {
		ask.Options = append(ask.Options, &discordgo.ApplicationCommandOption{
			Type:        discordgo.ApplicationCommandOptionString,
			Name:        "mode",
			Description: "How to answer: quote the story, or let the language model write from it",
			Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "keyword", Value: "keyword"},
				{Name: "llm", Value: "llm"},
			},
		})
	}
	return []*discordgo.ApplicationCommand{
		ask,
		{
			Name:        CommandSearch,
			Description: "Find the passages of the story that best match some words",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        "query",
				Description: "Words to look for",
				Required:    true,
				MaxLength:   min(maxQuestion, 6000),
			}},
		},
		{
			Name:        CommandSource,
			Description: "Show a passage of the story in full, with its neighbours",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:         discordgo.ApplicationCommandOptionString,
				Name:         "ref",
				Description:  "The passage's reference, e.g. from an answer's citations",
				Required:     true,
				Autocomplete: true,
			}},
		},
		{
			Name:        CommandStory,
			Description: "What the bot knows and how to ask it",
		},
		{
			Type: discordgo.MessageApplicationCommand,
			Name: CommandAskStory,
		},
	}
}
