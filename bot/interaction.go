package bot

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Interaction is an interaction being handled, and the one way to answer
// it. It remembers how far the response went, so that [Interaction.Respond],
// a refusal, an error or a panic apology take the right route: the initial
// response, the edit of a deferred one, or a follow-up. It is safe for
// concurrent use.
type Interaction struct {
	*discordgo.Interaction
	// Session is the session the interaction came on.
	Session *discordgo.Session
	// Route is what the [Router] matched: a command path ("/ask",
	// "/qa/start") or a custom-ID prefix ("qa:vote:").
	Route string
	// Arg is the rest of the custom ID after Route ("12" of "qa:vote:12");
	// "" for commands.
	Arg string

	// Received is when the interaction arrived.
	Received time.Time

	// initial sends the initial response; nil means Discord's callback
	// endpoint (see [Interaction.SetInitial]).
	initial func(ctx context.Context, r *discordgo.InteractionResponse) error

	mu        sync.Mutex
	ephemeral bool
	state     int  // 0 nothing sent, 1 deferred, 2 responded
	noDefer   bool // the route may open a form: never defer automatically
	done      bool // the handler returned: defer no more
	firstAt   time.Time
	outcome   string // set by Recover and Report for Observe
}

// setOutcome notes how the handler's work ended (see [Outcome]).
func (x *Interaction) setOutcome(o string) {
	x.mu.Lock()
	x.outcome = o
	x.mu.Unlock()
}

// outcomeOr returns the outcome noted, or def when none was.
func (x *Interaction) outcomeOr(def string) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.outcome != "" {
		return x.outcome
	}
	return def
}

// NewInteraction returns i, arrived on s now, to be answered.
func NewInteraction(s *discordgo.Session, i *discordgo.Interaction) *Interaction {
	return &Interaction{Interaction: i, Session: s, Received: time.Now()}
}

// SetInitial makes the initial response (a message, a deferral, a form or
// choices) go through send instead of Discord's callback endpoint: for an
// interaction that arrived as an HTTP request, whose answer is the HTTP
// response. Edits and follow-ups still go through the session. Call it
// before serving x.
func (x *Interaction) SetInitial(send func(ctx context.Context, r *discordgo.InteractionResponse) error) {
	x.initial = send
}

// sendInitial sends the initial response r and notes when; call it with
// x.mu held.
func (x *Interaction) sendInitial(ctx context.Context, r *discordgo.InteractionResponse) error {
	var err error
	if x.initial != nil {
		err = x.initial(ctx, r)
	} else {
		err = x.Session.InteractionRespond(x.Interaction, r, discordgo.WithContext(ctx))
	}
	if err == nil && x.firstAt.IsZero() {
		x.firstAt = time.Now()
	}
	return err
}

// FirstResponse returns how long after [Interaction.Received] the initial
// response went out, and false while none has.
func (x *Interaction) FirstResponse() (time.Duration, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.firstAt.IsZero() {
		return 0, false
	}
	return x.firstAt.Sub(x.Received), true
}

// SetEphemeral makes the responses not yet sent private to the user (or
// public again). A deferred response keeps the choice made when deferring.
func (x *Interaction) SetEphemeral(private bool) {
	x.mu.Lock()
	x.ephemeral = private
	x.mu.Unlock()
}

// Ephemeral reports whether responses are private to the user.
func (x *Interaction) Ephemeral() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.ephemeral
}

// Respond sends m: as the response, as the edit of the deferred response,
// or, once responded, as a follow-up.
func (x *Interaction) Respond(ctx context.Context, m Message) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var err error
	switch x.state {
	case 0:
		err = x.sendInitial(ctx, responseOf(m, x.ephemeral))
	case 1:
		err = edit(ctx, x.Session, x.Interaction, m)
	default:
		err = Followup(ctx, x.Session, x.Interaction, m, x.ephemeral)
	}
	if err == nil {
		x.state = 2
	}
	return err
}

// Defer acknowledges the interaction with Discord's "thinking…" state, to
// be replaced by [Interaction.Respond]. Call it before slow work; it does
// nothing once a response was sent. The [Defer] middleware calls it for
// handlers that take longer than a moment.
func (x *Interaction) Defer(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.deferLocked(ctx)
}

func (x *Interaction) deferLocked(ctx context.Context) error {
	if x.state != 0 {
		return nil
	}
	err := x.sendInitial(ctx, deferral(x.ephemeral))
	if err == nil {
		x.state = 1
	}
	return err
}

// deferLate defers for the [Defer] middleware: not after the handler
// returned, and not on a route that may open a form.
func (x *Interaction) deferLate(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.done || x.noDefer {
		return nil
	}
	return x.deferLocked(ctx)
}

// EditDeferred replaces the deferred response with m, for an answer being
// written; it does nothing unless the response is deferred and not final.
func (x *Interaction) EditDeferred(ctx context.Context, m Message) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.state != 1 {
		return nil
	}
	return edit(ctx, x.Session, x.Interaction, m)
}

// Followup sends m as a further message, whatever was sent before; a
// deferred response stays to be replaced by [Interaction.Respond].
func (x *Interaction) Followup(ctx context.Context, m Message) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return Followup(ctx, x.Session, x.Interaction, m, x.ephemeral)
}

// Notice tells the user text, privately unless a public response is
// already under way.
func (x *Interaction) Notice(ctx context.Context, text string) error {
	x.mu.Lock()
	if x.state == 0 {
		x.ephemeral = true
	}
	x.mu.Unlock()
	return x.Respond(ctx, RenderNotice(text))
}

// OpenForm answers with a form (a modal), which must be the first response.
func (x *Interaction) OpenForm(ctx context.Context, form *discordgo.InteractionResponseData) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	err := x.sendInitial(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: form,
	})
	if err == nil {
		x.state = 2
	}
	return err
}

// Suggest answers an autocomplete interaction with choices.
func (x *Interaction) Suggest(ctx context.Context, choices []*discordgo.ApplicationCommandOptionChoice) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	err := x.sendInitial(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	})
	if err == nil {
		x.state = 2
	}
	return err
}

// Caller returns the user who caused the interaction.
func (x *Interaction) Caller() *discordgo.User {
	if x.Member != nil && x.Member.User != nil {
		return x.Member.User
	}
	return x.User
}

// UserID returns the ID of the user who caused the interaction, or "".
func (x *Interaction) UserID() string {
	if u := x.Caller(); u != nil {
		return u.ID
	}
	return ""
}

// DisplayName is the name the server shows for the user who caused the
// interaction: their nickname, global name or user name.
func (x *Interaction) DisplayName() string {
	if x.Member != nil && strings.TrimSpace(x.Member.Nick) != "" {
		return x.Member.Nick
	}
	u := x.Caller()
	if u == nil {
		return ""
	}
	if strings.TrimSpace(u.GlobalName) != "" {
		return u.GlobalName
	}
	return u.Username
}

// options returns the options of the command or of its subcommand.
func (x *Interaction) options() []*discordgo.ApplicationCommandInteractionDataOption {
	if x.Type != discordgo.InteractionApplicationCommand && x.Type != discordgo.InteractionApplicationCommandAutocomplete {
		return nil
	}
	opts := x.ApplicationCommandData().Options
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		opts = opts[0].Options
	}
	return opts
}

// StringOption returns the value of the command's (or subcommand's) string
// option name, "" when it was not given.
func (x *Interaction) StringOption(name string) string {
	for _, o := range x.options() {
		if o.Name == name {
			s, _ := o.Value.(string)
			return s
		}
	}
	return ""
}

// BoolOption returns the value of the boolean option name, false when it
// was not given.
func (x *Interaction) BoolOption(name string) bool {
	for _, o := range x.options() {
		if o.Name == name {
			b, _ := o.Value.(bool)
			return b
		}
	}
	return false
}

// Focused returns what the user has typed so far in the option being
// autocompleted.
func (x *Interaction) Focused() string {
	for _, o := range x.options() {
		if o.Focused {
			s, _ := o.Value.(string)
			return s
		}
	}
	return ""
}

// FormValue returns the value of the submitted form's text input id.
func (x *Interaction) FormValue(id string) string {
	if x.Type != discordgo.InteractionModalSubmit {
		return ""
	}
	for _, row := range x.ModalSubmitData().Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if t, ok := c.(*discordgo.TextInput); ok && t.CustomID == id {
				return t.Value
			}
		}
	}
	return ""
}

// CustomID returns the custom ID of a button or form that acts on the
// record id: prefix followed by the ID, which [Interaction.RecordID] reads back.
func CustomID(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

// RecordID returns the record ID that follows the route's prefix in the
// custom ID (see [CustomID]); it refuses an ID that is not a positive
// number as a button or form that no longer works.
func (x *Interaction) RecordID() (int64, error) {
	if id, ok := ParseRecordID(x.Arg); ok {
		return id, nil
	}
	return 0, Refuse(unroutedText(x.Type))
}

// ParseRecordID parses the record ID of a custom ID made by [CustomID]
// after its prefix: a positive decimal number.
func ParseRecordID(arg string) (int64, bool) {
	id, err := strconv.ParseInt(arg, 10, 64)
	return id, err == nil && id > 0
}
