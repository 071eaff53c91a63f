package bot

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// IsModerator reports whether the member who caused i may moderate: they
// have the Manage Messages permission (or Administrator) in the channel, as
// Discord computed it in i.Member.Permissions, or they have the role roleID
// (when not empty). Outside a server (no member) nobody moderates.
func IsModerator(i *discordgo.Interaction, roleID string) bool {
	if i == nil || i.Member == nil {
		return false
	}
	p := i.Member.Permissions
	if p&discordgo.PermissionManageMessages != 0 || p&discordgo.PermissionAdministrator != 0 {
		return true
	}
	return roleID != "" && slices.Contains(i.Member.Roles, roleID)
}

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
