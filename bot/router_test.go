package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func noop(context.Context, *Interaction) error { return nil }

func TestRouterMatch(t *testing.T) {
	r := NewRouter()
	r.Command(&discordgo.ApplicationCommand{Name: "qa", Description: "d"}, noop)
	r.Subcommand("/qa/start", noop)
	r.Command(&discordgo.ApplicationCommand{Name: "source", Description: "d"}, noop)
	r.Autocomplete("/source", noop)
	r.Command(&discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: "Ask the story"}, noop)
	r.Component("qa:", noop)
	r.Component("qa:vote:", noop)
	r.Modal("qa:vote:", noop)
	const (
		command = discordgo.InteractionApplicationCommand
		auto    = discordgo.InteractionApplicationCommandAutocomplete
		button  = discordgo.InteractionMessageComponent
		form    = discordgo.InteractionModalSubmit
	)
	tests := []struct {
		typ        discordgo.InteractionType
		path       string
		route, arg string
		ok         bool
	}{
		{command, "/qa/start", "/qa/start", "", true},
		{command, "/qa/end", "/qa", "", true}, // falls back to the command
		{command, "/qa", "/qa", "", true},
		{command, "/Ask the story", "/Ask the story", "", true},
		{command, "/nope", "", "", false},
		{auto, "/source", "/source", "", true},
		{auto, "/qa", "", "", false},                   // autocompletion has its own routes
		{button, "qa:vote:12", "qa:vote:", "12", true}, // the longest prefix wins
		{button, "qa:approve:3", "qa:", "approve:3", true},
		{button, "src:x", "", "", false},
		{form, "qa:vote:7", "qa:vote:", "7", true},
		{form, "qa:approve:7", "", "", false},
	}
	for _, tt := range tests {
		route, arg, ok := r.Match(tt.typ, tt.path)
		if route != tt.route || arg != tt.arg || ok != tt.ok {
			t.Errorf("Match(%s, %q) = %q, %q, %v, want %q, %q, %v", tt.typ, tt.path, route, arg, ok, tt.route, tt.arg, tt.ok)
		}
	}
	if got := len(r.Commands()); got != 3 {
		t.Errorf("Commands() has %d commands, want 3", got)
	}
}

func TestPath(t *testing.T) {
	sub := func(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
		typ := discordgo.ApplicationCommandOptionSubCommand
		if len(opts) > 0 && opts[0].Type == discordgo.ApplicationCommandOptionSubCommand {
			typ = discordgo.ApplicationCommandOptionSubCommandGroup
		}
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Options: opts}
	}
	str := &discordgo.ApplicationCommandInteractionDataOption{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "why?"}
	cmd := func(opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
		return &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand,
			Data: discordgo.ApplicationCommandInteractionData{Name: "qa", Options: opts}}
	}
	tests := []struct {
		i    *discordgo.Interaction
		want string
	}{
		{cmd(), "/qa"},
		{cmd(str), "/qa"},
		{cmd(sub("ask", str)), "/qa/ask"},
		{cmd(sub("admin", sub("reset"))), "/qa/admin/reset"},
		{&discordgo.Interaction{Type: discordgo.InteractionMessageComponent, Data: discordgo.MessageComponentInteractionData{CustomID: "qa:vote:1"}}, "qa:vote:1"},
		{&discordgo.Interaction{Type: discordgo.InteractionModalSubmit, Data: discordgo.ModalSubmitInteractionData{CustomID: "qa:ask:2"}}, "qa:ask:2"},
		{&discordgo.Interaction{Type: discordgo.InteractionPing}, ""},
	}
	for _, tt := range tests {
		if got := Path(tt.i); got != tt.want {
			t.Errorf("Path(%v) = %q, want %q", tt.i.Data, got, tt.want)
		}
	}
	x := NewInteraction(nil, cmd(sub("ask", str)))
	if got := x.StringOption("question"); got != "why?" {
		t.Errorf("StringOption of a subcommand = %q, want why?", got)
	}
}

// TestRouterMiddleware checks the order of middleware: the router's
// [Router.Use] outermost, then [Router.With]'s, outer first.
func TestRouterMiddleware(t *testing.T) {
	var trace []string
	mark := func(name string) Middleware {
		return func(next Handler) Handler {
			return func(ctx context.Context, x *Interaction) error {
				trace = append(trace, name)
				return next(ctx, x)
			}
		}
	}
	r := NewRouter()
	r.With(mark("with1"), mark("with2")).With(mark("with3")).Component("b:", func(context.Context, *Interaction) error {
		trace = append(trace, "handler")
		return errors.New("boom")
	})
	r.Use(mark("use1"), mark("use2")) // after the route: still applies
	x := NewInteraction(nil, &discordgo.Interaction{Type: discordgo.InteractionMessageComponent,
		Data: discordgo.MessageComponentInteractionData{CustomID: "b:42"}})
	if err := r.Serve(context.Background(), x); err == nil || err.Error() != "boom" {
		t.Errorf("Serve = %v, want the handler's error", err)
	}
	if got := strings.Join(trace, " "); got != "use1 use2 with1 with2 with3 handler" {
		t.Errorf("order = %s", got)
	}
	if x.Route != "b:" || x.Arg != "42" {
		t.Errorf("route %q arg %q, want b: and 42", x.Route, x.Arg)
	}
	if id, err := x.RecordID(); err != nil || id != 42 {
		t.Errorf("RecordID = %d, %v", id, err)
	}

	trace = nil
	x = NewInteraction(nil, &discordgo.Interaction{Type: discordgo.InteractionModalSubmit,
		Data: discordgo.ModalSubmitInteractionData{CustomID: "b:42"}})
	err := r.Serve(context.Background(), x)
	if got := strings.Join(trace, " "); got != "use1 use2" || ErrorMessage(err) != "That form no longer works." || !isRefusal(err) {
		t.Errorf("unrouted form: trace %q, err %v", got, err)
	}
}

func TestRouterTwicePanics(t *testing.T) {
	for name, register := range map[string]func(r *Router){
		"command":   func(r *Router) { r.Command(&discordgo.ApplicationCommand{Name: "a"}, noop) },
		"path":      func(r *Router) { r.Subcommand("/a/b", noop) },
		"component": func(r *Router) { r.Component("a:", noop) },
	} {
		r := NewRouter()
		register(r)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s registered twice: no panic", name)
				}
			}()
			register(r)
		}()
	}
}

func TestErrorMessage(t *testing.T) {
	cause := errors.New("open /secret/db: permission denied")
	tests := []struct {
		err     error
		want    string
		refusal bool
	}{
		{Refuse("Only moderators can do that."), "Only moderators can do that.", true},
		{Refusef("The limit is %d.", 5), "The limit is 5.", true},
		{Explain("Sorry, I couldn't save that.", cause), "Sorry, I couldn't save that.", false},
		{cause, msgSorry, false},
		{errors.Join(errors.New("send"), Refuse("Too late.")), "Too late.", true},
	}
	for _, tt := range tests {
		if got := ErrorMessage(tt.err); got != tt.want || isRefusal(tt.err) != tt.refusal {
			t.Errorf("ErrorMessage(%v) = %q (refusal %v), want %q (%v)", tt.err, got, isRefusal(tt.err), tt.want, tt.refusal)
		}
	}
	if e := Explain("x", cause); !errors.Is(e, cause) {
		t.Errorf("Explain does not wrap its cause")
	}
}

func TestCheckQuestion(t *testing.T) {
	if err := CheckQuestion(strings.Repeat("é", 10), 10); err != nil {
		t.Errorf("CheckQuestion(10 characters, 10) = %v", err)
	}
	err := CheckQuestion(strings.Repeat("é", 11), 10)
	if want := "Your question is 11 characters long; the limit is 10. Please shorten it."; ErrorMessage(err) != want || !isRefusal(err) {
		t.Errorf("CheckQuestion(11 characters, 10) = %v, want the refusal %q", err, want)
	}
}
