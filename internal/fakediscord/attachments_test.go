package fakediscord

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestAttachments: a command's attachment arrives resolved as Discord
// sends it, and its bytes are served on loopback at its URL, once per
// request, without authentication; a second guild's channel carries that
// guild's ID.
func TestAttachments(t *testing.T) {
	const otherGuild, otherChannel = "200000000000000010", "200000000000000020"
	fake := New(t, Options{Channels: []Channel{{ID: otherChannel, Name: "elsewhere", Type: ChannelText, GuildID: otherGuild}}})
	dg, ev := connect(t, fake, discordgo.IntentsGuilds)
	if _, err := dg.ApplicationCommandBulkOverwrite(fake.AppID, "", []*discordgo.ApplicationCommand{{
		Name: "upload", Description: "Upload a file",
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The file", Required: true}},
	}}); err != nil {
		t.Fatal(err)
	}
	data := []byte("CHAPTER I\n\nIt was a dark night.\n")
	id := fake.Attach(File{Filename: "book.txt", ContentType: "text/plain; charset=utf-8", Data: data})
	redirect := fake.Attach(File{Filename: "moved.txt", Data: data, Redirect: "http://127.0.0.2:9/elsewhere.txt"})
	fake.SlashCommandFiles(fake.Alice, otherChannel, "upload", []string{id}, AttachmentOption("file", id))
	it := recv(t, ev.interactions, "interaction")
	d := it.ApplicationCommandData()
	att := d.Resolved.Attachments[d.Options[0].Value.(string)]
	if it.GuildID != otherGuild || att == nil || att.Filename != "book.txt" || att.Size != len(data) ||
		!strings.HasPrefix(att.URL, fake.URL()+"/attachments/"+otherChannel+"/"+id+"/") || att.ContentType != "text/plain; charset=utf-8" {
		t.Fatalf("interaction in guild %s with attachment %+v", it.GuildID, att)
	}
	resp, err := http.Get(att.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != string(data) || resp.ContentLength != int64(len(data)) {
		t.Errorf("GET %s = %d, %q (length %d)", att.URL, resp.StatusCode, got, resp.ContentLength)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = client.Get(fake.URL() + "/attachments/" + fake.ChannelID + "/" + redirect + "/moved.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://127.0.0.2:9/elsewhere.txt" {
		t.Errorf("redirecting attachment = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = http.Get(fake.URL() + "/attachments/1/2/unknown.txt")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown attachment = %d, want 404", resp.StatusCode)
	}
	dl := fake.Downloads()
	if len(dl) != 3 || dl[0].ID != id || dl[0].Status != 200 || dl[1].Status != 302 || dl[2].ID != "" || dl[2].Status != 404 {
		t.Errorf("Downloads = %+v", dl)
	}
}
