package fakediscord

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestDirectMessages opens DM channels with the real discordgo client: the
// existing one for Alice, a new one for another user, and one whose user
// takes no direct messages (50007 on send).
func TestDirectMessages(t *testing.T) {
	closed := User{ID: "100000000000000077", Username: "closed", Permissions: PermEveryone, NoDMs: true}
	fake := New(t, Options{Users: []User{closed}})
	dg, err := discordgo.New("Bot " + fake.Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: Transport(fake.URL()), Timeout: 10 * time.Second}
	noPing := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

	ch, err := dg.UserChannelCreate(fake.Alice.ID)
	if err != nil || ch.ID != fake.DMChannelID || ch.Type != discordgo.ChannelTypeDM {
		t.Fatalf("UserChannelCreate(Alice) = %+v, %v; want the existing DM channel", ch, err)
	}
	ch, err = dg.UserChannelCreate(fake.Moderator.ID)
	if err != nil || ch.ID != fake.DMChannel(fake.Moderator) || len(ch.Recipients) != 1 || ch.Recipients[0].ID != fake.Moderator.ID {
		t.Fatalf("UserChannelCreate(Moderator) = %+v, %v", ch, err)
	}
	if _, err := dg.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{Content: "hello", AllowedMentions: noPing}); err != nil {
		t.Fatalf("send DM: %v", err)
	}
	if ms := fake.Messages(ch.ID); len(ms) != 1 || ms[0].Content != "hello" {
		t.Errorf("DM channel holds %+v", ms)
	}
	ch, err = dg.UserChannelCreate(closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = dg.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{Content: "hello", AllowedMentions: noPing})
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != 50007 {
		t.Errorf("send to a user without DMs: %v, want error 50007", err)
	}
}
