package bot

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"one two three four five", 12, "one two…"},
		{"ééééééééééé", 5, "éééé…"},
		{"abcdef", 1, "a"},
	}
	for _, tt := range tests {
		got := Truncate(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if runes(got) > tt.n {
			t.Errorf("Truncate(%q, %d) has %d characters", tt.in, tt.n, runes(got))
		}
	}
}

func TestTruncateFrom(t *testing.T) {
	const passage = "Before it came the rain. Then the cited sentence, which matters. After it the sun."
	cited := strings.Index(passage, "Then")
	tests := []struct {
		focus, n int
		want     string
	}{
		{cited, 200, passage},                                       // it fits
		{0, 30, "Before it came the rain.…"},                        // no focus: the end is cut
		{cited, 40, "Before it came the rain. Then the…"},           // the focus stays in sight
		{cited, 30, "…Then the cited sentence,…"},                   // it would not: the start goes
		{len(passage), 30, "Before it came the rain.…"},             // a focus past the text is none
		{strings.Index(passage, "After"), 20, "…After it the sun."}, // the last sentence
	}
	for _, tt := range tests {
		got := TruncateFrom(passage, tt.focus, tt.n)
		if got != tt.want {
			t.Errorf("TruncateFrom(%d, %d) = %q, want %q", tt.focus, tt.n, got, tt.want)
		}
		if runes(got) > tt.n {
			t.Errorf("TruncateFrom(%d, %d) has %d characters", tt.focus, tt.n, runes(got))
		}
	}
}

func TestNoMentionsJSON(t *testing.T) {
	b, err := json.Marshal(NoMentions())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"parse":[],"replied_user":false}`; got != want {
		t.Errorf("NoMentions() = %s, want %s", got, want)
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(6, 2, 3) // one every 10 s, bursts of 2, 3 keys
	now := time.Unix(1000, 0)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Allow("u1", now); ok != want {
			t.Errorf("Allow #%d = %v, want %v", i, ok, want)
		}
	}
	if ok, wait := l.Allow("u1", now); ok || wait <= 0 || wait > 10*time.Second {
		t.Errorf("Allow when exhausted = %v, %v; want false, 0 < wait <= 10s", ok, wait)
	}
	if ok, _ := l.Allow("u2", now); !ok {
		t.Errorf("Allow(u2) = false: users must not share a bucket")
	}
	if ok, _ := l.Allow("u1", now.Add(10*time.Second)); !ok {
		t.Errorf("Allow(u1) after 10s = false, want true")
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		l.Allow(k, now)
	}
	if n := l.Len(); n != 3 {
		t.Errorf("Len() = %d after many keys, want 3 (bounded)", n)
	}
	if ok, _ := NewLimiter(-1, 0, 0).Allow("x", now); !ok {
		t.Errorf("Allow with no limit = false")
	}
}

func TestTransport(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Method + " " + r.Host + r.URL.RequestURI()
	}))
	defer srv.Close()
	base, err := ParseAPIBase(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &Transport{Base: base}}
	resp, err := c.Get("https://discord.com/api/v9/gateway?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "GET " + base.Host + "/api/v9/gateway?x=1"; got != want {
		t.Errorf("request went to %q, want %q", got, want)
	}
	for _, u := range []string{"https://cdn.discordapp.com/x", "http://discord.com/api", "https://example.com/"} {
		if resp, err := c.Get(u); err == nil {
			resp.Body.Close()
			t.Errorf("Get(%q) succeeded; want refused", u)
		}
	}
}

func TestParseAPIBase(t *testing.T) {
	for _, ok := range []string{"https://discord.com", "http://127.0.0.1:8080", "http://127.0.0.1:8080/"} {
		if _, err := ParseAPIBase(ok); err != nil {
			t.Errorf("ParseAPIBase(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "discord.com", "ftp://x", "https://discord.com/api", "http://127.0.0.1?x=1"} {
		if _, err := ParseAPIBase(bad); err == nil {
			t.Errorf("ParseAPIBase(%q) = nil error, want one", bad)
		}
	}
}

func TestInviteURL(t *testing.T) {
	if Permissions != 277025508352 {
		t.Errorf("Permissions = %d, want 277025508352", Permissions)
	}
	got := InviteURL("123", "")
	for _, want := range []string{"client_id=123", "permissions=277025508352", "scope=bot+applications.commands"} {
		if !strings.Contains(got, want) {
			t.Errorf("InviteURL = %q, missing %q", got, want)
		}
	}
}

func TestIsModerator(t *testing.T) {
	member := func(perms int64, roles ...string) *discordgo.Interaction {
		return &discordgo.Interaction{Member: &discordgo.Member{Permissions: perms, Roles: roles}}
	}
	tests := []struct {
		name string
		i    *discordgo.Interaction
		role string
		want bool
	}{
		{"manage messages", member(discordgo.PermissionManageMessages), "", true},
		{"administrator", member(discordgo.PermissionAdministrator), "", true},
		{"plain member", member(discordgo.PermissionSendMessages), "", false},
		{"moderator role", member(0, "7", "9"), "9", true},
		{"other role", member(0, "7"), "9", false},
		{"no role configured", member(0, "7"), "", false},
		{"direct message", &discordgo.Interaction{User: &discordgo.User{ID: "1"}}, "9", false},
	}
	for _, tt := range tests {
		if got := IsModerator(tt.i, tt.role); got != tt.want {
			t.Errorf("IsModerator(%s, %q) = %v, want %v", tt.name, tt.role, got, tt.want)
		}
	}
}
