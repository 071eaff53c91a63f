package fakediscord

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// codes returns the violation codes, for comparison in tests.
func codes(vs violations) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.code)
	}
	return strings.Join(out, ",")
}

const am = `"allowed_mentions":{"parse":[]}`

func TestCheckMessageBody(t *testing.T) {
	long := strings.Repeat("x", 2001)
	row := func(buttons ...string) string {
		return `{"type":1,"components":[` + strings.Join(buttons, ",") + `]}`
	}
	btn := func(id string) string { return `{"type":2,"style":1,"label":"L","custom_id":"` + id + `"}` }
	rows := func(n int) string {
		var rs []string
		for i := range n {
			rs = append(rs, row(btn(fmt.Sprint("r", i))))
		}
		return strings.Join(rs, ",")
	}
	embeds := func(n int) string {
		var es []string
		for range n {
			es = append(es, `{"title":"t"}`)
		}
		return strings.Join(es, ",")
	}
	fields := func(n int) string {
		var fs []string
		for range n {
			fs = append(fs, `{"name":"n","value":"v"}`)
		}
		return strings.Join(fs, ",")
	}
	tests := []struct {
		name string
		body string
		want string // comma-separated violation codes; "" for valid
	}{
		{"plain", `{"content":"hi",` + am + `}`, ""},
		{"2000 chars", `{"content":"` + strings.Repeat("é", 2000) + `",` + am + `}`, ""},
		{"2001 chars", `{"content":"` + long + `",` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"no allowed_mentions", `{"content":"hi"}`, "FAKE_REQUIRED"},
		{"null allowed_mentions", `{"content":"hi","allowed_mentions":null}`, "FAKE_REQUIRED"},
		{"parse everyone", `{"content":"hi","allowed_mentions":{"parse":["everyone"]}}`, "FAKE_MASS_PING"},
		{"parse roles", `{"content":"hi","allowed_mentions":{"parse":["roles"]}}`, "FAKE_MASS_PING"},
		{"parse users with users", `{"content":"hi","allowed_mentions":{"parse":["users"],"users":["1"]}}`, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"},
		{"users list", `{"content":"<@1>","allowed_mentions":{"users":["1"]}}`, ""},
		{"role ping allowed by list", `{"content":"<@&5> hi","allowed_mentions":{"roles":["5"]}}`, "FAKE_MASS_PING"},
		{"role mention not pinged", `{"content":"<@&5> hi",` + am + `}`, ""},
		{"everyone text, nothing parsed", `{"content":"@everyone look",` + am + `}`, ""},
		{"101 users", `{"content":"x","allowed_mentions":{"users":[` + strings.TrimSuffix(strings.Repeat(`"1",`, 101), ",") + `]}}`, "BASE_TYPE_MAX_LENGTH"},
		{"10 embeds", `{"embeds":[` + embeds(10) + `],` + am + `}`, ""},
		{"11 embeds", `{"embeds":[` + embeds(11) + `],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"title 257", `{"embeds":[{"title":"` + strings.Repeat("t", 257) + `"}],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"description 4097", `{"embeds":[{"description":"` + strings.Repeat("d", 4097) + `"}],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"25 fields", `{"embeds":[{"fields":[` + fields(25) + `]}],` + am + `}`, ""},
		{"26 fields", `{"embeds":[{"fields":[` + fields(26) + `]}],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"field name 257", `{"embeds":[{"fields":[{"name":"` + strings.Repeat("n", 257) + `","value":"v"}]}],` + am + `}`, "BASE_TYPE_BAD_LENGTH"},
		{"field value 1025", `{"embeds":[{"fields":[{"name":"n","value":"` + strings.Repeat("v", 1025) + `"}]}],` + am + `}`, "BASE_TYPE_BAD_LENGTH"},
		{"empty field value", `{"embeds":[{"fields":[{"name":"n","value":""}]}],` + am + `}`, "BASE_TYPE_BAD_LENGTH"},
		{"footer 2049", `{"embeds":[{"footer":{"text":"` + strings.Repeat("f", 2049) + `"}}],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"author 257", `{"embeds":[{"author":{"name":"` + strings.Repeat("a", 257) + `"}}],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"total 6001", `{"embeds":[{"description":"` + strings.Repeat("d", 4000) + `"},{"description":"` + strings.Repeat("d", 2001) + `"}],` + am + `}`, "MAX_EMBED_SIZE_EXCEEDED"},
		{"5 rows", `{"components":[` + rows(5) + `],` + am + `}`, ""},
		{"6 rows", `{"components":[` + rows(6) + `],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"6 buttons", `{"components":[` + row(btn("a"), btn("b"), btn("c"), btn("d"), btn("e"), btn("f")) + `],` + am + `}`, "BASE_TYPE_BAD_LENGTH"},
		{"empty row", `{"components":[` + row() + `],` + am + `}`, "BASE_TYPE_BAD_LENGTH"},
		{"duplicate custom_id", `{"components":[` + row(btn("a"), btn("a")) + `],` + am + `}`, "COMPONENT_CUSTOM_ID_DUPLICATED"},
		{"custom_id 101", `{"components":[` + row(btn(strings.Repeat("c", 101))) + `],` + am + `}`, "BASE_TYPE_BAD_LENGTH"},
		{"no custom_id", `{"components":[` + row(`{"type":2,"style":1,"label":"L"}`) + `],` + am + `}`, "BASE_TYPE_BAD_LENGTH"},
		{"label 81", `{"components":[` + row(`{"type":2,"style":1,"custom_id":"a","label":"`+strings.Repeat("l", 81)+`"}`) + `],` + am + `}`, "BASE_TYPE_MAX_LENGTH"},
		{"no label or emoji", `{"components":[` + row(`{"type":2,"style":1,"custom_id":"a"}`) + `],` + am + `}`, "BUTTON_COMPONENT_MISSING_LABEL_OR_EMOJI"},
		{"link button", `{"components":[` + row(`{"type":2,"style":5,"label":"L","url":"https://example.com"}`) + `],` + am + `}`, ""},
		{"link button with custom_id", `{"components":[` + row(`{"type":2,"style":5,"label":"L","url":"https://example.com","custom_id":"a"}`) + `],` + am + `}`, "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED"},
		{"link button without url", `{"components":[` + row(`{"type":2,"style":5,"label":"L"}`) + `],` + am + `}`, "BUTTON_COMPONENT_URL_REQUIRED"},
		{"url on a normal button", `{"components":[` + row(`{"type":2,"style":1,"label":"L","custom_id":"a","url":"https://example.com"}`) + `],` + am + `}`, "BUTTON_COMPONENT_URL_NOT_ALLOWED"},
		{"button outside a row", `{"components":[` + btn("a") + `],` + am + `}`, "FAKE_UNSUPPORTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := parseMessageBody([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(checkMessageBody(b, true)); got != tt.want {
				t.Errorf("checkMessageBody(%.80s) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestCheckNotEmpty(t *testing.T) {
	tests := []struct {
		m    Message
		want string
	}{
		{Message{Content: "x"}, ""},
		{Message{Content: "  \n"}, "50006"},
		{Message{}, "50006"},
		{Message{Embeds: []*discordgo.MessageEmbed{{Title: "t"}}}, ""},
		{Message{Attachments: []Attachment{{Filename: "a.txt"}}}, ""},
		{Message{Components: []discordgo.MessageComponent{discordgo.ActionsRow{}}}, ""},
	}
	for _, tt := range tests {
		if got := codes(checkNotEmpty(&tt.m, false)); got != tt.want {
			t.Errorf("checkNotEmpty(%+v) = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestCheckModal(t *testing.T) {
	input := func(id, label string) string {
		return `{"type":1,"components":[{"type":4,"custom_id":"` + id + `","label":"` + label + `","style":2}]}`
	}
	inputs := func(n int) string {
		var rs []string
		for i := range n {
			rs = append(rs, input(fmt.Sprint("i", i), "Label"))
		}
		return strings.Join(rs, ",")
	}
	tests := []struct {
		name, data, want string
	}{
		{"ok", `{"custom_id":"m","title":"Title","components":[` + inputs(5) + `]}`, ""},
		{"6 inputs", `{"custom_id":"m","title":"Title","components":[` + inputs(6) + `]}`, "BASE_TYPE_BAD_LENGTH"},
		{"no inputs", `{"custom_id":"m","title":"Title","components":[]}`, "BASE_TYPE_BAD_LENGTH"},
		{"title 46", `{"custom_id":"m","title":"` + strings.Repeat("t", 46) + `","components":[` + inputs(1) + `]}`, "BASE_TYPE_BAD_LENGTH"},
		{"custom_id 101", `{"custom_id":"` + strings.Repeat("c", 101) + `","title":"T","components":[` + inputs(1) + `]}`, "BASE_TYPE_BAD_LENGTH"},
		{"label 46", `{"custom_id":"m","title":"T","components":[` + input("a", strings.Repeat("l", 46)) + `]}`, "BASE_TYPE_BAD_LENGTH"},
		{"value 4001", `{"custom_id":"m","title":"T","components":[{"type":1,"components":[{"type":4,"custom_id":"a","label":"L","style":1,"value":"` + strings.Repeat("v", 4001) + `"}]}]}`, "BASE_TYPE_MAX_LENGTH"},
		{"duplicate input", `{"custom_id":"m","title":"T","components":[` + input("a", "L") + `,` + input("a", "L") + `]}`, "COMPONENT_CUSTOM_ID_DUPLICATED"},
		{"button in modal", `{"custom_id":"m","title":"T","components":[{"type":1,"components":[{"type":2,"style":1,"label":"L","custom_id":"b"}]}]}`, "FAKE_UNSUPPORTED"},
	}
	for _, tt := range tests {
		if got := codes(checkModal(json.RawMessage(tt.data))); got != tt.want {
			t.Errorf("%s: checkModal = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckAutocomplete(t *testing.T) {
	choices := func(n int) string {
		var cs []string
		for i := range n {
			cs = append(cs, fmt.Sprintf(`{"name":"n%d","value":"v"}`, i))
		}
		return `{"choices":[` + strings.Join(cs, ",") + `]}`
	}
	tests := []struct{ name, data, want string }{
		{"25", choices(25), ""},
		{"26", choices(26), "BASE_TYPE_MAX_LENGTH"},
		{"long name", `{"choices":[{"name":"` + strings.Repeat("n", 101) + `","value":"v"}]}`, "BASE_TYPE_BAD_LENGTH"},
		{"long value", `{"choices":[{"name":"n","value":"` + strings.Repeat("v", 101) + `"}]}`, "BASE_TYPE_BAD_LENGTH"},
		{"int value", `{"choices":[{"name":"n","value":3}]}`, ""},
	}
	for _, tt := range tests {
		if got := codes(checkAutocomplete(json.RawMessage(tt.data))); got != tt.want {
			t.Errorf("%s: checkAutocomplete = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckCommands(t *testing.T) {
	opt := func(name string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: "d", Required: required}
	}
	many := func(n int) []*discordgo.ApplicationCommandOption {
		var out []*discordgo.ApplicationCommandOption
		for i := range n {
			out = append(out, opt(fmt.Sprint("o", i), false))
		}
		return out
	}
	cmd := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
		return &discordgo.ApplicationCommand{Name: name, Description: desc, Options: opts}
	}
	cmds := func(n int) []*discordgo.ApplicationCommand {
		var out []*discordgo.ApplicationCommand
		for i := range n {
			out = append(out, cmd(fmt.Sprint("c", i), "d"))
		}
		return out
	}
	long := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "pick", Description: "d"}
	for i := range 25 {
		long.Choices = append(long.Choices, &discordgo.ApplicationCommandOptionChoice{Name: strings.Repeat("n", 100), Value: strings.Repeat(fmt.Sprint(i%10), 100)})
	}
	tests := []struct {
		name string
		cmds []*discordgo.ApplicationCommand
		want string
	}{
		{"ok", []*discordgo.ApplicationCommand{cmd("ask", "Ask", opt("q", true), opt("topic", false))}, ""},
		{"upper case", []*discordgo.ApplicationCommand{cmd("Ask", "Ask")}, "APPLICATION_COMMAND_INVALID_NAME"},
		{"space", []*discordgo.ApplicationCommand{cmd("ask me", "Ask")}, "APPLICATION_COMMAND_INVALID_NAME"},
		{"33 chars", []*discordgo.ApplicationCommand{cmd(strings.Repeat("a", 33), "Ask")}, "APPLICATION_COMMAND_INVALID_NAME"},
		{"unicode", []*discordgo.ApplicationCommand{cmd("frage-über", "Ask")}, ""},
		{"no description", []*discordgo.ApplicationCommand{cmd("ask", "")}, "BASE_TYPE_BAD_LENGTH"},
		{"description 101", []*discordgo.ApplicationCommand{cmd("ask", strings.Repeat("d", 101))}, "BASE_TYPE_BAD_LENGTH"},
		{"25 options", []*discordgo.ApplicationCommand{cmd("ask", "d", many(25)...)}, ""},
		{"26 options", []*discordgo.ApplicationCommand{cmd("ask", "d", many(26)...)}, "BASE_TYPE_MAX_LENGTH"},
		{"required after optional", []*discordgo.ApplicationCommand{cmd("ask", "d", opt("a", false), opt("b", true))}, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"},
		{"duplicate names", []*discordgo.ApplicationCommand{cmd("ask", "d"), cmd("ask", "d")}, "APPLICATION_COMMANDS_DUPLICATE_NAME"},
		{"100 commands", cmds(100), ""},
		{"101 commands", cmds(101), "BASE_TYPE_MAX_LENGTH"},
		{"over 8000 chars", []*discordgo.ApplicationCommand{cmd("ask", "d", long, func() *discordgo.ApplicationCommandOption {
			o := *long
			o.Name = "pick2"
			return &o
		}())}, "APPLICATION_COMMAND_TOO_LARGE"},
		{"message command", []*discordgo.ApplicationCommand{{Name: "Ask about this", Type: discordgo.MessageApplicationCommand}}, ""},
		{"message command with description", []*discordgo.ApplicationCommand{{Name: "Ask", Description: "d", Type: discordgo.MessageApplicationCommand}}, "APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED"},
		{"autocomplete with choices", []*discordgo.ApplicationCommand{cmd("ask", "d", &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionString, Name: "q", Description: "d", Autocomplete: true,
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}},
		})}, "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.cmds)
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(checkCommands(b)); got != tt.want {
			t.Errorf("%s: checkCommands = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestSchemas checks that the patched spec accepts what discordgo really
// sends and rejects what Discord rejects.
func TestSchemas(t *testing.T) {
	set, err := loadSchemas()
	if err != nil {
		t.Skipf("spec: %v", err)
	}
	text := "edited"
	perm := int64(discordgo.PermissionManageMessages)
	mustJSON := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name, method, route, body string
		ok                        bool
	}{
		{"discordgo MessageSend", "POST", "/channels/{channel_id}/messages", mustJSON(&discordgo.MessageSend{Content: "hi", AllowedMentions: noPings}), true},
		{"discordgo MessageSend reply", "POST", "/channels/{channel_id}/messages", mustJSON(&discordgo.MessageSend{Content: "hi", Reference: &discordgo.MessageReference{MessageID: "12", ChannelID: "3"}, AllowedMentions: noPings}), true},
		{"discordgo MessageEdit", "PATCH", "/channels/{channel_id}/messages/{message_id}", mustJSON(&discordgo.MessageEdit{Content: &text, AllowedMentions: noPings}), true},
		{"discordgo WebhookParams", "POST", "/webhooks/{webhook_id}/{webhook_token}", mustJSON(&discordgo.WebhookParams{Content: "hi", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noPings}), true},
		{"discordgo WebhookEdit", "PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", mustJSON(&discordgo.WebhookEdit{Content: &text, AllowedMentions: noPings}), true},
		{"discordgo deferred", "POST", "/interactions/{interaction_id}/{interaction_token}/callback", mustJSON(&discordgo.InteractionResponse{Type: 5}), true},
		{"discordgo message response", "POST", "/interactions/{interaction_id}/{interaction_token}/callback", mustJSON(&discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x"}}), true},
		{"discordgo commands", "PUT", "/applications/{application_id}/commands", mustJSON([]*discordgo.ApplicationCommand{{Name: "ask", Description: "d", DefaultMemberPermissions: &perm}}), true},
		{"thread", "POST", "/channels/{channel_id}/messages/{message_id}/threads", `{"name":"Follow-up","auto_archive_duration":1440}`, true},
		{"content 4001", "POST", "/channels/{channel_id}/messages", `{"content":"` + strings.Repeat("x", 4001) + `"}`, false},
		{"webhook content 2001", "POST", "/webhooks/{webhook_id}/{webhook_token}", `{"content":"` + strings.Repeat("x", 2001) + `"}`, false},
		{"bad parse value", "POST", "/channels/{channel_id}/messages", `{"content":"x","allowed_mentions":{"parse":["all"]}}`, false},
		{"bad snowflake", "POST", "/channels/{channel_id}/messages", `{"content":"x","message_reference":{"message_id":"abc"}}`, false},
		{"content not a string", "POST", "/channels/{channel_id}/messages", `{"content":5}`, false},
		{"unknown callback type", "POST", "/interactions/{interaction_id}/{interaction_token}/callback", `{"type":42}`, false},
		{"permissions not a number", "PUT", "/applications/{application_id}/commands", `[{"name":"ask","description":"d","default_member_permissions":"lots"}]`, false},
		{"thread without name", "POST", "/channels/{channel_id}/messages/{message_id}/threads", `{}`, false},
		{"body on typing", "POST", "/channels/{channel_id}/typing", `{"x":1}`, false},
	}
	for _, tt := range tests {
		err := set.validate(tt.method, tt.route, []byte(tt.body))
		if (err == nil) != tt.ok {
			t.Errorf("%s: validate(%s %s, %.60s) = %v, want ok=%v", tt.name, tt.method, tt.route, tt.body, err, tt.ok)
		}
	}
}

// TestRoutesInSpec checks every route the fake serves exists in the spec
// with that method; v9 and v10 share these path shapes.
func TestRoutesInSpec(t *testing.T) {
	path, err := findSpec()
	if err != nil {
		t.Skip(err)
	}
	raw, err := readSpecPaths(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range routes {
		methods, ok := raw[rt.spec]
		if !ok || methods[strings.ToLower(rt.method)] == nil {
			t.Errorf("route %s %s is not in the spec", rt.method, rt.spec)
			continue
		}
		_, hasBody := methods[strings.ToLower(rt.method)]["requestBody"]
		if hasBody != rt.body {
			t.Errorf("route %s %s: body = %v, spec says %v", rt.method, rt.spec, rt.body, hasBody)
		}
	}
}

// readSpecPaths returns the spec's operations: path, then lower-case
// method, then the operation's keys.
func readSpecPaths(path string) (map[string]map[string]map[string]json.RawMessage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	out := map[string]map[string]map[string]json.RawMessage{}
	for p, ops := range doc.Paths {
		out[p] = map[string]map[string]json.RawMessage{}
		for m, op := range ops {
			var keys map[string]json.RawMessage
			if json.Unmarshal(op, &keys) == nil {
				out[p][m] = keys
			}
		}
	}
	return out, nil
}
