package fakediscord

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// events collects what a discordgo session receives.
type events struct {
	mu           sync.Mutex
	ready        *discordgo.Ready
	guild        *discordgo.GuildCreate
	interactions chan *discordgo.Interaction
	messages     chan *discordgo.Message
}

// connect opens a real discordgo session on fake.
func connect(t *testing.T, fake *Server, intents discordgo.Intent) (*discordgo.Session, *events) {
	t.Helper()
	dg, err := discordgo.New("Bot " + fake.Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: Transport(fake.URL()), Timeout: 10 * time.Second}
	dg.Identify.Intents = intents
	dg.LogLevel = discordgo.LogError
	ev := &events{interactions: make(chan *discordgo.Interaction, 16), messages: make(chan *discordgo.Message, 16)}
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		ev.mu.Lock()
		ev.ready = r
		ev.mu.Unlock()
	})
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
		ev.mu.Lock()
		ev.guild = g
		ev.mu.Unlock()
	})
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { ev.interactions <- i.Interaction })
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { ev.messages <- m.Message })
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		dg.ShouldReconnectOnError = false
		dg.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return dg, ev
}

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

func ctx5(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var noPings = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

func registerCommands(t *testing.T, dg *discordgo.Session, fake *Server) {
	t.Helper()
	perm := int64(discordgo.PermissionManageMessages)
	_, err := dg.ApplicationCommandBulkOverwrite(fake.AppID, fake.GuildID, []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask about the story", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true},
			{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Narrow it", Autocomplete: true},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Only you see it"},
		}},
		{Name: "session", Description: "Moderated Q&A", DefaultMemberPermissions: &perm},
		{Name: "Ask about this", Type: discordgo.MessageApplicationCommand},
	})
	if err != nil {
		t.Fatalf("ApplicationCommandBulkOverwrite: %v", err)
	}
}

func TestSession(t *testing.T) {
	fake := New(t, Options{RequireIntents: IntentGuilds | IntentGuildMessages})
	dg, ev := connect(t, fake, discordgo.IntentsGuilds|discordgo.IntentsGuildMessages|discordgo.IntentsDirectMessages)
	ctx := ctx5(t)

	// READY and GUILD_CREATE arrive intact.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ev.mu.Lock()
		ok := ev.ready != nil && ev.guild != nil
		ev.mu.Unlock()
		if ok || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	ev.mu.Lock()
	if ev.ready == nil || ev.ready.User.ID != fake.BotID || !ev.ready.User.Bot || ev.ready.SessionID == "" {
		t.Errorf("READY = %+v, want bot user %s and a session", ev.ready, fake.BotID)
	}
	if g := ev.guild; g == nil || g.ID != fake.GuildID || len(g.Channels) < 2 || len(g.Threads) != 1 || len(g.Members) < 4 || len(g.Roles) != 2 {
		t.Errorf("GUILD_CREATE = %+v, want the fake guild with channels, a thread, members and roles", g)
	} else if g.Roles[0].Permissions != PermEveryone {
		t.Errorf("@everyone permissions = %d, want %d", g.Roles[0].Permissions, PermEveryone)
	}
	ev.mu.Unlock()
	if id := fake.Identify(); id.Token != "Bot fake-token" || id.Intents&IntentGuildMessages == 0 {
		t.Errorf("Identify() = %+v, want token %q and GUILD_MESSAGES", id, "Bot fake-token")
	}

	registerCommands(t, dg, fake)
	if got := len(fake.Commands()); got != 3 {
		t.Fatalf("Commands() has %d commands, want 3", got)
	}

	t.Run("slash command: defer, edit, follow-up", func(t *testing.T) {
		it := fake.SlashCommand(fake.Moderator, fake.ChannelID, "ask", StringOption("question", "Who won?"), BooleanOption("private", true))
		in := recv(t, ev.interactions, "interaction")
		if in.ID != it.ID || in.Token != it.Token || in.GuildID != fake.GuildID || in.ChannelID != fake.ChannelID || in.Version != 1 {
			t.Errorf("interaction = %+v, want ID %s in guild channel %s", in, it.ID, fake.ChannelID)
		}
		if in.Member == nil || in.Member.User.ID != fake.Moderator.ID || in.Member.Permissions&discordgo.PermissionManageMessages == 0 || len(in.Member.Roles) != 1 {
			t.Errorf("member = %+v, want the moderator with MANAGE_MESSAGES", in.Member)
		}
		if in.AppPermissions != PermEveryone {
			t.Errorf("app_permissions = %d, want %d", in.AppPermissions, PermEveryone)
		}
		data := in.ApplicationCommandData()
		if data.Name != "ask" || len(data.Options) != 2 || data.Options[0].StringValue() != "Who won?" || !data.Options[1].BoolValue() {
			t.Errorf("command data = %+v", data)
		}
		err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			t.Fatalf("InteractionRespond: %v", err)
		}
		r, err := it.WaitResponse(ctx)
		if err != nil || r.Type != ResponseDeferred || !r.Ephemeral {
			t.Fatalf("WaitResponse = %+v, %v; want an ephemeral deferred response", r, err)
		}
		for _, text := range []string{"Partial", "Full answer"} {
			text := text
			if _, err := dg.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noPings}); err != nil {
				t.Fatalf("InteractionResponseEdit: %v", err)
			}
		}
		orig := it.Original()
		if orig.Content != "Full answer" || orig.Edits() != 2 || !orig.Ephemeral() || orig.Flags&FlagLoading != 0 {
			t.Errorf("Original() = %+v, want edited twice to %q, ephemeral, loaded", orig, "Full answer")
		}
		got, err := dg.InteractionResponse(in)
		if err != nil || got.Content != "Full answer" {
			t.Errorf("GET @original = %+v, %v", got, err)
		}
		fm, err := dg.FollowupMessageCreate(in, true, &discordgo.WebhookParams{
			Content: "Sources", AllowedMentions: noPings,
			Files: []*discordgo.File{{Name: "transcript.txt", ContentType: "text/plain", Reader: strings.NewReader("Q: Who won?")}},
		})
		if err != nil {
			t.Fatalf("FollowupMessageCreate: %v", err)
		}
		fs := it.Followups()
		if len(fs) != 1 || fs[0].ID != fm.ID || len(fs[0].Attachments) != 1 || fs[0].Attachments[0].Filename != "transcript.txt" || string(fs[0].Attachments[0].Data) != "Q: Who won?" {
			t.Errorf("Followups() = %+v, want one with transcript.txt", fs)
		}
	})

	t.Run("message command sees the target", func(t *testing.T) {
		target := fake.PostMessage(fake.Alice, fake.ChannelID, "Macron met Putin at Versailles")
		recv(t, ev.messages, "MESSAGE_CREATE")
		it := fake.MessageCommand(fake.Alice, fake.ChannelID, "Ask about this", target)
		in := recv(t, ev.interactions, "interaction")
		data := in.ApplicationCommandData()
		if data.TargetID != target.ID || data.Resolved == nil || data.Resolved.Messages[target.ID] == nil {
			t.Fatalf("message command data = %+v, want target %s resolved", data, target.ID)
		}
		// Without MESSAGE_CONTENT the bot sees no content, even here.
		if c := data.Resolved.Messages[target.ID].Content; c != "" {
			t.Errorf("resolved content = %q, want empty without MESSAGE_CONTENT", c)
		}
		if err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "On it", AllowedMentions: noPings},
		}); err != nil {
			t.Fatal(err)
		}
		if m := it.Original(); m == nil || m.Content != "On it" || m.Ephemeral() {
			t.Errorf("Original() = %+v, want public %q", m, "On it")
		}
		recv(t, ev.messages, "MESSAGE_CREATE of the response")
	})

	var card *Message
	t.Run("channel message with button, click, update", func(t *testing.T) {
		sent, err := dg.ChannelMessageSendComplex(fake.ChannelID, &discordgo.MessageSend{
			Content:         "Question from <@" + fake.Alice.ID + ">: who won?",
			AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{fake.Alice.ID}},
			Embeds:          []*discordgo.MessageEmbed{{Title: "Queue", Description: "1 question"}},
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Answer", Style: discordgo.PrimaryButton, CustomID: "answer:1"},
				discordgo.Button{Label: "Docs", Style: discordgo.LinkButton, URL: "https://example.com"},
			}}},
		})
		if err != nil {
			t.Fatalf("ChannelMessageSendComplex: %v", err)
		}
		recv(t, ev.messages, "MESSAGE_CREATE of the bot's message")
		card = fake.Message(sent.ID)
		if card == nil || len(card.Components) != 1 || len(card.Embeds) != 1 || card.AllowedMentions == nil {
			t.Fatalf("stored message = %+v", card)
		}
		fake.Button(fake.Moderator, card, "answer:1")
		in := recv(t, ev.interactions, "button interaction")
		if in.Type != discordgo.InteractionMessageComponent || in.MessageComponentData().CustomID != "answer:1" || in.Message == nil || in.Message.ID != card.ID {
			t.Fatalf("button interaction = %+v", in)
		}
		if err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "Answered", AllowedMentions: noPings, Components: []discordgo.MessageComponent{}},
		}); err != nil {
			t.Fatalf("InteractionRespond update: %v", err)
		}
		if m := fake.Message(card.ID); m.Content != "Answered" || len(m.Components) != 0 || m.Edits() != 1 {
			t.Errorf("card after update = %+v", m)
		}
		// A second response is a violation; the fake answers 40060.
		rec := &recordTB{TB: t}
		old := fake.setTB(rec)
		err = dg.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		fake.setTB(old)
		if err == nil || !strings.Contains(err.Error(), "40060") || len(rec.errs) != 1 {
			t.Errorf("second response: err %v, violations %q; want 40060 and one violation", err, rec.errs)
		}
	})

	t.Run("modal and autocomplete", func(t *testing.T) {
		it := fake.SlashCommand(fake.Moderator, fake.ChannelID, "session")
		in := recv(t, ev.interactions, "interaction")
		if err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseModal,
			Data: &discordgo.InteractionResponseData{CustomID: "prepare", Title: "Prepared answer", Components: []discordgo.MessageComponent{
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "answer", Label: "Answer", Style: discordgo.TextInputParagraph, Required: true, MaxLength: 4000},
				}},
			}},
		}); err != nil {
			t.Fatalf("modal: %v", err)
		}
		if r, _ := it.WaitResponse(ctx); r.Type != ResponseModal {
			t.Errorf("response type = %d, want modal", r.Type)
		}
		it = fake.ModalSubmit(fake.Moderator, fake.ChannelID, "prepare", map[string]string{"answer": "Macron"}, nil)
		in = recv(t, ev.interactions, "modal submit")
		md := in.ModalSubmitData()
		if md.CustomID != "prepare" || len(md.Components) != 1 || md.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput).Value != "Macron" {
			t.Errorf("modal submit data = %+v", md)
		}
		if err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "Saved", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPings},
		}); err != nil {
			t.Fatal(err)
		}
		if m := it.Original(); m == nil || !m.Ephemeral() || m.Content != "Saved" {
			t.Errorf("modal submit Original() = %+v, want ephemeral %q", m, "Saved")
		}
		it = fake.Autocomplete(fake.Alice, fake.ChannelID, "ask", StringOption("question", "x"), Option{Name: "topic", Type: 3, Value: "Ver", Focused: true})
		in = recv(t, ev.interactions, "autocomplete")
		if o := in.ApplicationCommandData().Options; len(o) != 2 || !o[1].Focused {
			t.Errorf("autocomplete options = %+v", o)
		}
		if err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Versailles", Value: "versailles"}}},
		}); err != nil {
			t.Fatal(err)
		}
		if r, _ := it.WaitResponse(ctx); len(r.Choices) != 1 || r.Choices[0].Name != "Versailles" {
			t.Errorf("autocomplete response = %+v", r)
		}
	})

	t.Run("429 then success", func(t *testing.T) {
		fake.RateLimitNext("/channels/"+fake.OtherChannelID+"/messages", 1, 0.1)
		m, err := dg.ChannelMessageSendComplex(fake.OtherChannelID, &discordgo.MessageSend{Content: "after a 429", AllowedMentions: noPings})
		if err != nil {
			t.Fatalf("send after 429: %v", err)
		}
		var statuses []int
		for _, r := range fake.Requests() {
			if r.Path == "/channels/"+fake.OtherChannelID+"/messages" {
				statuses = append(statuses, r.Status)
			}
		}
		if len(statuses) != 2 || statuses[0] != 429 || statuses[1] != 200 {
			t.Errorf("statuses = %v, want [429 200]", statuses)
		}
		if got := fake.Messages(fake.OtherChannelID); len(got) != 1 || got[0].ID != m.ID {
			t.Errorf("Messages = %+v", got)
		}
		recv(t, ev.messages, "MESSAGE_CREATE")
	})

	t.Run("DM interaction and thread", func(t *testing.T) {
		fake.SlashCommand(fake.Alice, fake.DMChannelID, "ask", StringOption("question", "private?"))
		in := recv(t, ev.interactions, "DM interaction")
		if in.User == nil || in.User.ID != fake.Alice.ID || in.Member != nil || in.GuildID != "" {
			t.Errorf("DM interaction user %+v member %+v guild %q; want user only", in.User, in.Member, in.GuildID)
		}
		if err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "In DM", AllowedMentions: noPings},
		}); err != nil {
			t.Fatal(err)
		}
		recv(t, ev.messages, "MESSAGE_CREATE in DM")
		root, err := dg.ChannelMessageSendComplex(fake.ChannelID, &discordgo.MessageSend{Content: "Answer", AllowedMentions: noPings})
		if err != nil {
			t.Fatal(err)
		}
		recv(t, ev.messages, "MESSAGE_CREATE")
		th, err := dg.MessageThreadStart(fake.ChannelID, root.ID, "Follow-ups", 1440)
		if err != nil {
			t.Fatalf("MessageThreadStart: %v", err)
		}
		if th.ID != root.ID || th.ParentID != fake.ChannelID || th.Type != discordgo.ChannelTypeGuildPublicThread {
			t.Errorf("thread = %+v", th)
		}
		if _, err := dg.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{Content: "in thread", AllowedMentions: noPings}); err != nil {
			t.Fatal(err)
		}
		recv(t, ev.messages, "MESSAGE_CREATE in thread")
		if got := fake.Messages(th.ID); len(got) != 1 {
			t.Errorf("thread messages = %d, want 1", len(got))
		}
	})

	t.Run("reconnect after op 7 resumes", func(t *testing.T) {
		fake.Reconnect()
		fake.PostMessage(fake.Alice, fake.ChannelID, "hello <@"+fake.BotID+">", ReplyTo(card))
		var m *discordgo.Message
		for m == nil || m.Author.ID == fake.BotID {
			m = recv(t, ev.messages, "MESSAGE_CREATE after resume")
		}
		if m.Content != "hello <@"+fake.BotID+">" || len(m.Mentions) != 1 || m.Mentions[0].ID != fake.BotID || m.MessageReference == nil {
			t.Errorf("message = %+v, want content visible because it mentions the bot", m)
		}
		if err := fake.WaitReady(ctx); err != nil {
			t.Fatal(err)
		}
		if ids, resumes := fake.GatewayStats(); ids != 1 || resumes != 1 {
			t.Errorf("GatewayStats() = %d, %d; want 1 identify, 1 resume", ids, resumes)
		}
		// Still works after resuming.
		fake.SlashCommand(fake.Alice, fake.ThreadID, "ask", StringOption("question", "again?"))
		in := recv(t, ev.interactions, "interaction after resume")
		if err := dg.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "Yes", AllowedMentions: noPings},
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// recordTB records Errorf calls instead of failing.
type recordTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func (r *recordTB) Helper() {}

func TestMessageContentIntent(t *testing.T) {
	for _, tt := range []struct {
		intents int
		content string
		want    string
	}{
		{IntentGuilds | IntentGuildMessages, "hello", ""},
		{IntentGuilds | IntentGuildMessages | IntentMessageContent, "hello", "hello"},
		{IntentGuilds | IntentGuildMessages, "hi <@100000000000000001>", "hi <@100000000000000001>"},
	} {
		fake := New(t, Options{})
		rawBot(t, fake, tt.intents)
		m := fake.PostMessage(fake.Alice, fake.ChannelID, tt.content)
		fake.mu.Lock()
		got := fake.wireLocked(fake.messages[m.ID])["content"]
		fake.mu.Unlock()
		if got != tt.want {
			t.Errorf("intents %#x: content %q arrives as %q, want %q", tt.intents, tt.content, got, tt.want)
		}
		dm := fake.PostMessage(fake.Alice, fake.DMChannelID, "dm text")
		fake.mu.Lock()
		got = fake.wireLocked(fake.messages[dm.ID])["content"]
		fake.mu.Unlock()
		if got != "dm text" {
			t.Errorf("intents %#x: DM content arrives as %q, want it intact", tt.intents, got)
		}
	}
}
