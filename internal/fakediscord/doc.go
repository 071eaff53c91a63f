// Package fakediscord is a strict fake of Discord's REST API and gateway
// on 127.0.0.1, for end-to-end tests of a bot built on the real
// github.com/bwmarrin/discordgo (v0.29.0).
//
// The fake plays one guild with text channels, a thread and a DM
// channel, and users to act as (Alice, a Moderator holding
// MANAGE_MESSAGES, OtherBot). Tests drive it by sending gateway events
// (slash and message commands, autocomplete, buttons, modal submits,
// messages) and observe what the bot did (responses, edits, follow-ups,
// channel messages, uploads, registered commands, raw requests).
//
// It is strict: every request body is validated against the request
// schema of its route in Discord's OpenAPI description (when available,
// see below) and against the
// rules Discord enforces by hand (3 s to answer an interaction and only
// once, 15 min tokens, 2000 characters, non-empty messages, embed,
// component, modal, autocomplete and command limits). An unknown route,
// a bad token or body, or a message whose allowed_mentions are missing or
// could ping @everyone, @here or a role fails the test with t.Errorf, and
// the bot gets the error Discord would send (400 50035 Invalid Form Body,
// 50006, 10062, 40060, 10015, 50027, ...). Every response carries
// X-RateLimit-* headers; [Server.RateLimitNext] injects 429s.
//
// The schemas come from specs/discord-openapi.json in the shared folder
// beside the repository (see storybot/internal/shareddir). Without it the
// fake still runs and checks every other rule; only the schema checks are
// skipped, and the first [New] of a test binary logs one line saying so.
//
// # Usage
//
//	func TestAsk(t *testing.T) {
//		fake := fakediscord.New(t, fakediscord.Options{})
//		dg, _ := discordgo.New("Bot " + fake.Token)
//		dg.Client = &http.Client{Transport: fakediscord.Transport(fake.URL())}
//		dg.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
//		// ... add the bot's handlers, then:
//		if err := dg.Open(); err != nil {
//			t.Fatal(err)
//		}
//		t.Cleanup(func() { dg.ShouldReconnectOnError = false; dg.Close() })
//		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
//		defer cancel()
//		if err := fake.WaitReady(ctx); err != nil {
//			t.Fatal(err)
//		}
//		// The bot registers its commands; wait for the bulk overwrite.
//		fake.WaitRequest(ctx, func(r fakediscord.Request) bool { return r.Method == "PUT" && r.Status == 200 })
//
//		it := fake.SlashCommand(fake.Alice, fake.ChannelID, "ask",
//			fakediscord.StringOption("question", "Who met at Versailles?"))
//		resp, err := it.WaitResponse(ctx) // resp.Type, resp.Ephemeral, resp.Delay
//		if err != nil || resp.Type != fakediscord.ResponseDeferred {
//			t.Fatalf("response %+v, %v", resp, err)
//		}
//		answer, err := it.WaitOriginal(ctx, func(m *fakediscord.Message) bool {
//			return strings.Contains(m.Content, "Macron")
//		})
//		// answer.EditTimes holds the time of each edit.
//	}
//
// A bot that reads DISCORD_API_BASE should route discordgo's
// https://discord.com requests to that base with its own RoundTripper;
// [Transport] is the fake's version. Do not reassign discordgo's
// Endpoint* variables.
//
// # Behaviour worth knowing
//
//   - AppID equals BotID, as for every modern Discord application.
//   - Users can only invoke commands the bot registered (bulk overwrite,
//     global or guild); otherwise the driving call fails the test.
//   - Driving calls need an identified gateway session: call WaitReady
//     first. Events sent while the bot reconnects are replayed on RESUME.
//   - Without the MESSAGE_CONTENT intent, content, embeds, attachments and
//     components arrive empty, except in DMs, messages mentioning the bot
//     (a reply to the bot mentions it) and the bot's own. The snapshot
//     that PostMessage returns keeps the full content.
//   - The bot's own non-ephemeral messages come back as MESSAGE_CREATE
//     when its intents subscribe to them, as on Discord.
//   - Ephemeral messages (flag 64) are kept in Messages with their flag.
//   - A deferred response (type 5) creates a loading message (flag 128)
//     that @original edits fill in; type 6 and 7 make @original the
//     message holding the clicked component.
//   - Advance moves the fake's clock, to test the 3 s and 15 min limits
//     without waiting.
//   - Files attached to a command ([Server.Attach],
//     [Server.SlashCommandFiles]) are served on loopback at the URL the
//     interaction names, under /attachments/, as the CDN would;
//     [Server.Downloads] records each request.
//   - A channel with its own [Channel].GuildID is in a second guild, to
//     test that servers are kept apart.
//
// # Failure modes
//
// Discord's ways of failing, for tests of a bot's reliability:
// [Server.SilenceGateway] (no answer to GET /gateway, no HELLO, no READY),
// [Server.SilenceREST], [Server.DropAcks] (a zombie connection),
// [Server.CloseGateway], [Server.CloseAfterResumed], [Server.CloseOnIdentify]
// and [Options.DisallowedIntents] (close codes), [Server.InvalidSession]
// (op 9), [Server.Reconnect] (op 7) and [Server.RateLimitGlobal] (a global
// 429 during which any request fails the test). READY's
// resume_gateway_url is ws://127.0.0.1:PORT/resume; [Server.GatewayConns]
// records each connection: the path dialled, IDENTIFY or RESUME,
// heartbeats and the close codes each side sent. As on Discord, a client
// that closes with 1000 or 1001 ends its session.
//
// # Shards and the interactions endpoint
//
// With [Options.Shards] the fake plays a bot of several shards: GET
// /gateway/bot recommends that count with [Options.MaxConcurrency], each
// shard has its own session and a guild of its own besides the main one
// ([Server.ShardGuilds]), and events go to the shard of their guild,
// (guild_id >> 22) % shards, DMs to shard 0. It fails the test for an
// IDENTIFY that names no shard or a wrong one (and closes with 4011 or
// 4010), for a second connection on a shard that has one, and for two
// IDENTIFYs of one max_concurrency bucket less than 5 s apart.
// [Server.ShardSessions] tells which shards are connected. The methods that
// act on "the current connection" act on shard 0's.
//
// [Server.UseInteractionsEndpoint] makes interactions arrive as signed
// POSTs to one or more URLs in turn, as to processes behind a load
// balancer, instead of over the gateway; the answer is held to the rules
// of the callback route (3 s included), and [SignInteraction] signs a
// request of a test's own.
package fakediscord
