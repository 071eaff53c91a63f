package fakediscord

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// violation is one broken rule, reported at a dotted JSON path as in
// Discord's Invalid Form Body errors.
type violation struct {
	path string
	code string
	msg  string
}

func (v violation) String() string {
	if v.path == "" {
		return v.code + ": " + v.msg
	}
	return v.path + ": " + v.code + ": " + v.msg
}

type violations []violation

func (vs *violations) add(path, code, format string, args ...any) {
	*vs = append(*vs, violation{path: path, code: code, msg: fmt.Sprintf(format, args...)})
}

func join(prefix string, parts ...any) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range parts {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func (vs *violations) maxLen(path, s string, n int) {
	if runes(s) > n {
		vs.add(path, "BASE_TYPE_MAX_LENGTH", "must be %d or fewer in length (got %d)", n, runes(s))
	}
}

func (vs *violations) lenRange(path, s string, lo, hi int) {
	if l := runes(s); l < lo || l > hi {
		vs.add(path, "BASE_TYPE_BAD_LENGTH", "must be between %d and %d in length (got %d)", lo, hi, l)
	}
}

// checkMessageBody applies Discord's hand rules to a message create or
// edit body. requireMentions demands allowed_mentions, which storybot
// sets on everything it sends so that nothing can ever ping a crowd.
func checkMessageBody(b *messageBody, requireMentions bool) violations {
	var vs violations
	if b.Content != nil {
		vs.maxLen("content", *b.Content, 2000)
	}
	if b.Embeds != nil {
		vs = append(vs, checkEmbeds(*b.Embeds)...)
	}
	if b.Components != nil {
		vs = append(vs, checkMessageComponents(*b.Components)...)
	}
	if requireMentions && !b.hasAllowedMentions {
		vs.add("allowed_mentions", "FAKE_REQUIRED", "storybot must set allowed_mentions on every message it sends or edits")
	}
	if b.hasAllowedMentions && b.AllowedMentions == nil && requireMentions {
		vs.add("allowed_mentions", "FAKE_REQUIRED", "allowed_mentions is null; Discord then parses every mention")
	}
	content := ""
	if b.Content != nil {
		content = *b.Content
	}
	vs = append(vs, checkAllowedMentions(b.AllowedMentions, content)...)
	return vs
}

// checkAllowedMentions enforces the shape rules and that nothing can ping
// @everyone, @here or a role.
func checkAllowedMentions(am *AllowedMentions, content string) violations {
	var vs violations
	if am == nil {
		if strings.Contains(content, "@everyone") || strings.Contains(content, "@here") || roleMention.MatchString(content) {
			vs.add("allowed_mentions", "FAKE_MASS_PING", "content %q could ping a crowd and allowed_mentions is absent", clip(content))
		}
		return vs
	}
	for i, p := range am.Parse {
		switch p {
		case "users":
			if len(am.Users) > 0 {
				vs.add("allowed_mentions.parse", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "parse has users and a users list is given")
			}
		case "roles":
			vs.add(join("allowed_mentions.parse", i), "FAKE_MASS_PING", "parse must not include roles")
			if len(am.Roles) > 0 {
				vs.add("allowed_mentions.parse", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "parse has roles and a roles list is given")
			}
		case "everyone":
			vs.add(join("allowed_mentions.parse", i), "FAKE_MASS_PING", "parse must not include everyone")
		default:
			vs.add(join("allowed_mentions.parse", i), "BASE_TYPE_CHOICES", "unknown mention type %q", p)
		}
	}
	if len(am.Users) > 100 {
		vs.add("allowed_mentions.users", "BASE_TYPE_MAX_LENGTH", "at most 100 user IDs")
	}
	if len(am.Roles) > 100 {
		vs.add("allowed_mentions.roles", "BASE_TYPE_MAX_LENGTH", "at most 100 role IDs")
	}
	for _, sm := range roleMention.FindAllStringSubmatch(content, -1) {
		if slices.Contains(am.Roles, sm[1]) {
			vs.add("allowed_mentions.roles", "FAKE_MASS_PING", "content pings role %s and allowed_mentions allows it", sm[1])
		}
	}
	return vs
}

func clip(s string) string {
	if runes(s) > 60 {
		return string([]rune(s)[:60]) + "…"
	}
	return s
}

type rawEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Footer      *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
	Fields []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

func checkEmbeds(raw []json.RawMessage) violations {
	var vs violations
	if len(raw) > 10 {
		vs.add("embeds", "BASE_TYPE_MAX_LENGTH", "at most 10 embeds (got %d)", len(raw))
	}
	total := 0
	for i, r := range raw {
		var e rawEmbed
		if err := json.Unmarshal(r, &e); err != nil {
			vs.add(join("embeds", i), "MODEL_TYPE_CONVERT", "%v", err)
			continue
		}
		p := join("embeds", i)
		vs.maxLen(p+".title", e.Title, 256)
		vs.maxLen(p+".description", e.Description, 4096)
		total += runes(e.Title) + runes(e.Description)
		if e.Footer != nil {
			vs.maxLen(p+".footer.text", e.Footer.Text, 2048)
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			vs.maxLen(p+".author.name", e.Author.Name, 256)
			total += runes(e.Author.Name)
		}
		if len(e.Fields) > 25 {
			vs.add(p+".fields", "BASE_TYPE_MAX_LENGTH", "at most 25 fields (got %d)", len(e.Fields))
		}
		for j, f := range e.Fields {
			fp := join(p+".fields", j)
			vs.lenRange(fp+".name", f.Name, 1, 256)
			vs.lenRange(fp+".value", f.Value, 1, 1024)
			total += runes(f.Name) + runes(f.Value)
		}
	}
	if total > 6000 {
		vs.add("embeds", "MAX_EMBED_SIZE_EXCEEDED", "embed text totals %d characters, more than 6000", total)
	}
	return vs
}

type rawComponent struct {
	Type        int             `json:"type"`
	CustomID    *string         `json:"custom_id"`
	Label       *string         `json:"label"`
	Style       int             `json:"style"`
	URL         *string         `json:"url"`
	Emoji       json.RawMessage `json:"emoji"`
	SKUID       *string         `json:"sku_id"`
	Value       *string         `json:"value"`
	Placeholder *string         `json:"placeholder"`
	MinLength   *int            `json:"min_length"`
	MaxLength   *int            `json:"max_length"`
	Options     []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"options"`
	Components []rawComponent `json:"components"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkMessageComponents applies the rules for classic (action row)
// message components.
func checkMessageComponents(raw []json.RawMessage) violations {
	var vs violations
	if len(raw) > 5 {
		vs.add("components", "BASE_TYPE_MAX_LENGTH", "at most 5 action rows (got %d)", len(raw))
	}
	ids := map[string]bool{}
	for i, r := range raw {
		var row rawComponent
		p := join("components", i)
		if err := json.Unmarshal(r, &row); err != nil {
			vs.add(p, "MODEL_TYPE_CONVERT", "%v", err)
			continue
		}
		if row.Type != 1 {
			vs.add(p+".type", "FAKE_UNSUPPORTED", "top-level components must be action rows (type 1), got %d", row.Type)
			continue
		}
		if len(row.Components) == 0 || len(row.Components) > 5 {
			vs.add(p+".components", "BASE_TYPE_BAD_LENGTH", "an action row holds 1 to 5 components (got %d)", len(row.Components))
		}
		for j, c := range row.Components {
			cp := join(p+".components", j)
			switch c.Type {
			case 2:
				vs = append(vs, checkButton(cp, c)...)
			case 3, 5, 6, 7, 8:
				if len(row.Components) != 1 {
					vs.add(cp, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "a select menu must be alone in its row")
				}
				vs.lenRange(cp+".custom_id", str(c.CustomID), 1, 100)
				if c.Type == 3 && (len(c.Options) == 0 || len(c.Options) > 25) {
					vs.add(cp+".options", "BASE_TYPE_BAD_LENGTH", "1 to 25 options (got %d)", len(c.Options))
				}
				vs.maxLen(cp+".placeholder", str(c.Placeholder), 150)
			default:
				vs.add(cp+".type", "FAKE_UNSUPPORTED", "component type %d is not allowed in a message action row", c.Type)
			}
			if c.CustomID != nil {
				if ids[*c.CustomID] {
					vs.add(cp+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "custom_id %q is used twice in the message", *c.CustomID)
				}
				ids[*c.CustomID] = true
			}
		}
	}
	return vs
}

func checkButton(p string, c rawComponent) violations {
	var vs violations
	vs.maxLen(p+".label", str(c.Label), 80)
	if str(c.Label) == "" && len(c.Emoji) == 0 && c.Style != 6 {
		vs.add(p, "BUTTON_COMPONENT_MISSING_LABEL_OR_EMOJI", "a button needs a label or an emoji")
	}
	switch c.Style {
	case 1, 2, 3, 4:
		vs.lenRange(p+".custom_id", str(c.CustomID), 1, 100)
		if c.URL != nil {
			vs.add(p+".url", "BUTTON_COMPONENT_URL_NOT_ALLOWED", "only link buttons (style 5) have a url")
		}
	case 5:
		if str(c.URL) == "" {
			vs.add(p+".url", "BUTTON_COMPONENT_URL_REQUIRED", "a link button needs a url")
		}
		if c.CustomID != nil {
			vs.add(p+".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "a link button has no custom_id")
		}
	default:
		vs.add(p+".style", "BASE_TYPE_CHOICES", "button style %d is not supported by the fake", c.Style)
	}
	return vs
}

// checkModal applies the rules for a modal callback's data.
func checkModal(raw json.RawMessage) violations {
	var vs violations
	var m struct {
		CustomID   string         `json:"custom_id"`
		Title      string         `json:"title"`
		Components []rawComponent `json:"components"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		vs.add("data", "MODEL_TYPE_CONVERT", "%v", err)
		return vs
	}
	vs.lenRange("data.custom_id", m.CustomID, 1, 100)
	vs.lenRange("data.title", m.Title, 1, 45)
	if len(m.Components) == 0 || len(m.Components) > 5 {
		vs.add("data.components", "BASE_TYPE_BAD_LENGTH", "a modal holds 1 to 5 rows (got %d)", len(m.Components))
	}
	ids := map[string]bool{}
	for i, row := range m.Components {
		p := join("data.components", i)
		if row.Type != 1 || len(row.Components) != 1 || row.Components[0].Type != 4 {
			vs.add(p, "FAKE_UNSUPPORTED", "each modal row must be an action row holding exactly one text input")
			continue
		}
		c := row.Components[0]
		cp := p + ".components.0"
		vs.lenRange(cp+".custom_id", str(c.CustomID), 1, 100)
		if ids[str(c.CustomID)] {
			vs.add(cp+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "custom_id %q is used twice in the modal", str(c.CustomID))
		}
		ids[str(c.CustomID)] = true
		vs.lenRange(cp+".label", str(c.Label), 1, 45)
		if c.Style != 1 && c.Style != 2 {
			vs.add(cp+".style", "BASE_TYPE_CHOICES", "text input style must be 1 or 2 (got %d)", c.Style)
		}
		vs.maxLen(cp+".value", str(c.Value), 4000)
		vs.maxLen(cp+".placeholder", str(c.Placeholder), 100)
		if c.MinLength != nil && (*c.MinLength < 0 || *c.MinLength > 4000) {
			vs.add(cp+".min_length", "NUMBER_TYPE_MAX", "min_length must be 0 to 4000")
		}
		if c.MaxLength != nil && (*c.MaxLength < 1 || *c.MaxLength > 4000) {
			vs.add(cp+".max_length", "NUMBER_TYPE_MAX", "max_length must be 1 to 4000")
		}
	}
	return vs
}

// checkAutocomplete applies the rules for autocomplete choices.
func checkAutocomplete(raw json.RawMessage) violations {
	var vs violations
	var d struct {
		Choices []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		vs.add("data", "MODEL_TYPE_CONVERT", "%v", err)
		return vs
	}
	if len(d.Choices) > 25 {
		vs.add("data.choices", "BASE_TYPE_MAX_LENGTH", "at most 25 choices (got %d)", len(d.Choices))
	}
	for i, c := range d.Choices {
		p := join("data.choices", i)
		vs.lenRange(p+".name", c.Name, 1, 100)
		var sv string
		if json.Unmarshal(c.Value, &sv) == nil {
			vs.lenRange(p+".value", sv, 1, 100)
		}
	}
	return vs
}

var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

type rawCommand struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Type        int         `json:"type"`
	Options     []rawOption `json:"options"`
}

type rawOption struct {
	Type         int         `json:"type"`
	Name         string      `json:"name"`
	Description  string      `json:"description"`
	Required     bool        `json:"required"`
	Autocomplete bool        `json:"autocomplete"`
	Options      []rawOption `json:"options"`
	Choices      []struct {
		Name  string          `json:"name"`
		Value json.RawMessage `json:"value"`
	} `json:"choices"`
}

// checkCommands applies the rules for a bulk overwrite of commands.
func checkCommands(raw []byte) violations {
	var vs violations
	var cmds []rawCommand
	if err := json.Unmarshal(raw, &cmds); err != nil {
		vs.add("", "MODEL_TYPE_CONVERT", "%v", err)
		return vs
	}
	if len(cmds) > 100 {
		vs.add("", "BASE_TYPE_MAX_LENGTH", "at most 100 commands (got %d)", len(cmds))
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		p := strconv.Itoa(i)
		typ := c.Type
		if typ == 0 {
			typ = 1
		}
		key := strconv.Itoa(typ) + "/" + c.Name
		if seen[key] {
			vs.add(p+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "command name %q is used twice", c.Name)
		}
		seen[key] = true
		switch typ {
		case 1:
			checkName(&vs, p+".name", c.Name)
			vs.lenRange(p+".description", c.Description, 1, 100)
			checkOptions(&vs, p+".options", c.Options, 0)
		case 2, 3:
			vs.lenRange(p+".name", c.Name, 1, 32)
			if c.Description != "" {
				vs.add(p+".description", "APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED", "user and message commands have no description")
			}
			if len(c.Options) > 0 {
				vs.add(p+".options", "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED", "user and message commands have no options")
			}
		default:
			vs.add(p+".type", "BASE_TYPE_CHOICES", "command type %d is not supported by the fake", typ)
		}
		if n := commandChars(c); n > 8000 {
			vs.add(p, "APPLICATION_COMMAND_TOO_LARGE", "command has %d characters, more than 8000", n)
		}
	}
	return vs
}

func checkName(vs *violations, path, name string) {
	if !commandName.MatchString(name) || strings.ToLower(name) != name {
		vs.add(path, "APPLICATION_COMMAND_INVALID_NAME", "name %q must match ^[-_\\p{L}\\p{N}]{1,32}$ and be lower case", name)
	}
}

func checkOptions(vs *violations, path string, opts []rawOption, depth int) {
	if len(opts) > 25 {
		vs.add(path, "BASE_TYPE_MAX_LENGTH", "at most 25 options (got %d)", len(opts))
	}
	optional := false
	names := map[string]bool{}
	for i, o := range opts {
		p := join(path, i)
		checkName(vs, p+".name", o.Name)
		if names[o.Name] {
			vs.add(p+".name", "APPLICATION_COMMAND_OPTION_NAME_NOT_UNIQUE", "option name %q is used twice", o.Name)
		}
		names[o.Name] = true
		vs.lenRange(p+".description", o.Description, 1, 100)
		if o.Required && optional {
			vs.add(p+".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "required options must come before optional ones")
		}
		if !o.Required {
			optional = true
		}
		if len(o.Choices) > 25 {
			vs.add(p+".choices", "BASE_TYPE_MAX_LENGTH", "at most 25 choices (got %d)", len(o.Choices))
		}
		if o.Autocomplete && len(o.Choices) > 0 {
			vs.add(p+".autocomplete", "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES", "autocomplete and choices exclude each other")
		}
		for j, c := range o.Choices {
			vs.lenRange(join(p+".choices", j, "name"), c.Name, 1, 100)
		}
		switch o.Type {
		case 1, 2:
			if o.Type == 2 && depth > 0 || o.Type == 1 && depth > 1 {
				vs.add(p+".type", "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "subcommands nest at most command > group > subcommand")
			}
			checkOptions(vs, p+".options", o.Options, depth+1)
		default:
			if len(o.Options) > 0 {
				vs.add(p+".options", "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED", "only subcommands and groups have options")
			}
		}
	}
}

// commandChars counts the characters Discord limits to 8000 a command:
// names, descriptions and choice names and values, at every level.
func commandChars(c rawCommand) int {
	n := runes(c.Name) + runes(c.Description)
	var walk func([]rawOption)
	walk = func(opts []rawOption) {
		for _, o := range opts {
			n += runes(o.Name) + runes(o.Description)
			for _, ch := range o.Choices {
				n += runes(ch.Name)
				var sv string
				if json.Unmarshal(ch.Value, &sv) == nil {
					n += runes(sv)
				} else {
					n += len(ch.Value)
				}
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}

// checkNotEmpty applies error 50006: a message needs content, an embed,
// a component, a file, a sticker or a poll.
func checkNotEmpty(m *Message, extra bool) violations {
	var vs violations
	if strings.TrimSpace(m.Content) == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(m.Attachments) == 0 && !extra {
		vs.add("", "50006", "Cannot send an empty message")
	}
	return vs
}
