package bot

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"

	"storybot/bot/gateway"
)

// events are the gateway dispatches the bot decodes: those its handlers
// serve and those that keep discordgo's State (guilds, channels, threads,
// roles) current. Others are ignored.
var events = map[string]func() any{
	"READY":              func() any { return new(discordgo.Ready) },
	"RESUMED":            func() any { return new(discordgo.Resumed) },
	"GUILD_CREATE":       func() any { return new(discordgo.GuildCreate) },
	"GUILD_UPDATE":       func() any { return new(discordgo.GuildUpdate) },
	"GUILD_DELETE":       func() any { return new(discordgo.GuildDelete) },
	"GUILD_ROLE_CREATE":  func() any { return new(discordgo.GuildRoleCreate) },
	"GUILD_ROLE_UPDATE":  func() any { return new(discordgo.GuildRoleUpdate) },
	"GUILD_ROLE_DELETE":  func() any { return new(discordgo.GuildRoleDelete) },
	"CHANNEL_CREATE":     func() any { return new(discordgo.ChannelCreate) },
	"CHANNEL_UPDATE":     func() any { return new(discordgo.ChannelUpdate) },
	"CHANNEL_DELETE":     func() any { return new(discordgo.ChannelDelete) },
	"THREAD_CREATE":      func() any { return new(discordgo.ThreadCreate) },
	"THREAD_UPDATE":      func() any { return new(discordgo.ThreadUpdate) },
	"THREAD_DELETE":      func() any { return new(discordgo.ThreadDelete) },
	"THREAD_LIST_SYNC":   func() any { return new(discordgo.ThreadListSync) },
	"MESSAGE_CREATE":     func() any { return new(discordgo.MessageCreate) },
	"INTERACTION_CREATE": func() any { return new(discordgo.InteractionCreate) },
}

// dispatch decodes a gateway event, updates the session's State with it
// and hands interactions and messages to their handlers, each in its own
// goroutine, once the routes are ready. It runs on the gateway's reading
// goroutine, so State changes keep the gateway's order.
func (b *Bot) dispatch(e gateway.Event) {
	mk, ok := events[e.Type]
	if !ok {
		return
	}
	v := mk()
	if err := json.Unmarshal(e.Data, v); err != nil {
		b.log.Warn("undecodable gateway event", "type", e.Type, "err", err)
		return
	}
	if b.s.StateEnabled && b.s.State != nil {
		if err := b.s.State.OnInterface(b.s, v); err != nil {
			b.log.Debug("state update", "type", e.Type, "err", err)
		}
	}
	switch ev := v.(type) {
	case *discordgo.Ready:
		b.onReady(b.s, ev)
	case *discordgo.InteractionCreate:
		go b.whenRouted(func() { b.onInteraction(b.s, ev) })
	case *discordgo.MessageCreate:
		go b.whenRouted(func() { b.onMessage(b.s, ev) })
	}
}

// whenRouted runs f once every plugin's routes are registered, or not at
// all when Run ends first.
func (b *Bot) whenRouted(f func()) {
	select {
	case <-b.routed:
		f()
	case <-b.stopped:
	}
}
