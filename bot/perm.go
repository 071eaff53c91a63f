package bot

import (
	"slices"

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
