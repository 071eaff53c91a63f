package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Handler handles an interaction routed to it. It answers with x's
// methods; an error it returns is shown to the user as [ErrorMessage] says
// and logged unless it only refuses.
type Handler func(ctx context.Context, x *Interaction) error

// Middleware wraps a handler with what many handlers need: a check, a
// default, a recovery.
type Middleware func(Handler) Handler

// MessageHandler handles a message posted where the bot can read it, by
// someone other than a bot. An error it returns is told to the author in a
// reply, as [ErrorMessage] says, and logged unless it only refuses.
type MessageHandler func(ctx context.Context, s *discordgo.Session, m *discordgo.Message) error

// Router routes interactions to handlers: application commands by command
// path ("/ask", "/qa/start", "/Ask the story"), autocompletion by the same
// path, buttons and forms by the longest registered prefix of their custom
// ID ("qa:vote:" for "qa:vote:12"). It also keeps the definitions of the
// commands, registered with Discord as one list, and the message handlers.
//
// A new command is one definition and one handler:
//
//	r.Command(&discordgo.ApplicationCommand{Name: "story", Description: "What the bot knows"}, p.story)
//
// Routes are registered before the bot runs (see [Plugin]); registering a
// route twice panics.
type Router struct {
	t  *routes
	mw []Middleware // wrap the handlers registered through this router
}

type routes struct {
	use          []Middleware // wrap every handler when serving
	commands     []*discordgo.ApplicationCommand
	byPath       map[string]Handler
	autocomplete map[string]Handler
	components   []prefixRoute // longest prefix first
	modals       []prefixRoute
	messages     []MessageHandler
}

type prefixRoute struct {
	prefix string
	h      Handler
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{t: &routes{byPath: map[string]Handler{}, autocomplete: map[string]Handler{}}}
}

// Use adds middleware that wraps every handler of the router, routes
// already registered and not-found answers included, outermost first. The
// bot uses it for [Recover], [Report] and [Defer]; plugins use
// [Router.With].
func (r *Router) Use(mw ...Middleware) { r.t.use = append(r.t.use, mw...) }

// With returns a router that registers routes in the same table, their
// handlers wrapped in mw (outermost first) after the middleware of r.
func (r *Router) With(mw ...Middleware) *Router {
	return &Router{t: r.t, mw: append(slices.Clip(r.mw), mw...)}
}

func (r *Router) wrap(h Handler) Handler {
	for i := len(r.mw) - 1; i >= 0; i-- {
		h = r.mw[i](h)
	}
	return h
}

// Command defines the application command def and routes its path
// ("/"+def.Name) to h. h may be nil for a command whose subcommands have
// their own handlers (see [Router.Subcommand]).
func (r *Router) Command(def *discordgo.ApplicationCommand, h Handler) {
	for _, c := range r.t.commands {
		if c.Name == def.Name && c.Type == def.Type {
			panic(fmt.Sprintf("bot: command %q defined twice", def.Name))
		}
	}
	r.t.commands = append(r.t.commands, def)
	if h != nil {
		r.Subcommand("/"+def.Name, h)
	}
}

// Subcommand routes a command path ("/qa/start": the command, its
// subcommand group if any, and its subcommand) to h. A path with no
// handler falls back to its command's ("/qa").
func (r *Router) Subcommand(path string, h Handler) { r.set(r.t.byPath, path, h) }

// Autocomplete routes the autocompletion of a command path's options to h.
func (r *Router) Autocomplete(path string, h Handler) { r.set(r.t.autocomplete, path, h) }

func (r *Router) set(m map[string]Handler, path string, h Handler) {
	if !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("bot: command path %q does not start with /", path))
	}
	if _, ok := m[path]; ok {
		panic(fmt.Sprintf("bot: route %q registered twice", path))
	}
	m[path] = r.wrap(h)
}

// Component routes the buttons whose custom ID starts with prefix to h;
// [Interaction.Arg] is the rest of the custom ID.
func (r *Router) Component(prefix string, h Handler) {
	r.t.components = r.addPrefix(r.t.components, prefix, h)
}

// Modal routes the submitted forms whose custom ID starts with prefix to h.
func (r *Router) Modal(prefix string, h Handler) { r.t.modals = r.addPrefix(r.t.modals, prefix, h) }

func (r *Router) addPrefix(rs []prefixRoute, prefix string, h Handler) []prefixRoute {
	if prefix == "" {
		panic("bot: empty custom-ID prefix")
	}
	for _, p := range rs {
		if p.prefix == prefix {
			panic(fmt.Sprintf("bot: custom-ID prefix %q registered twice", prefix))
		}
	}
	rs = append(rs, prefixRoute{prefix, r.wrap(h)})
	slices.SortStableFunc(rs, func(a, b prefixRoute) int { return len(b.prefix) - len(a.prefix) })
	return rs
}

// Message adds a handler of messages; each message goes to every handler,
// in the order they were added.
func (r *Router) Message(h MessageHandler) { r.t.messages = append(r.t.messages, h) }

// Commands returns the definitions of every command, in the order they
// were defined.
func (r *Router) Commands() []*discordgo.ApplicationCommand { return slices.Clone(r.t.commands) }

// Path returns the path an interaction is routed by: the command path of
// a command or an autocompletion, the custom ID of a button or a form.
func Path(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		d := i.ApplicationCommandData()
		path := "/" + d.Name
		opts := d.Options
		for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
			opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
			path += "/" + opts[0].Name
			opts = opts[0].Options
		}
		return path
	case discordgo.InteractionMessageComponent:
		return i.MessageComponentData().CustomID
	case discordgo.InteractionModalSubmit:
		return i.ModalSubmitData().CustomID
	}
	return ""
}

// Match returns the route an interaction of type t with path (see [Path])
// goes to, and for buttons and forms the rest of the custom ID after the
// route's prefix.
func (r *Router) Match(t discordgo.InteractionType, path string) (route, arg string, ok bool) {
	route, arg, h := r.match(t, path)
	return route, arg, h != nil
}

func (r *Router) match(t discordgo.InteractionType, path string) (route, arg string, h Handler) {
	switch t {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		m := r.t.byPath
		if t == discordgo.InteractionApplicationCommandAutocomplete {
			m = r.t.autocomplete
		}
		for p := path; p != ""; p = p[:max(strings.LastIndex(p, "/"), 0)] {
			if h := m[p]; h != nil {
				return p, "", h
			}
		}
	case discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		rs := r.t.components
		if t == discordgo.InteractionModalSubmit {
			rs = r.t.modals
		}
		for _, p := range rs {
			if rest, ok := strings.CutPrefix(path, p.prefix); ok {
				return p.prefix, rest, p.h
			}
		}
	}
	return "", "", nil
}

// Serve routes x to its handler, within the middleware added with
// [Router.Use], or tells the user that the command, button or form is not
// known (any more). It returns what the outermost middleware returns.
func (r *Router) Serve(ctx context.Context, x *Interaction) error {
	route, arg, h := r.match(x.Type, Path(x.Interaction))
	if h == nil {
		h = notFound
	}
	x.Route, x.Arg = route, arg
	for i := len(r.t.use) - 1; i >= 0; i-- {
		h = r.t.use[i](h)
	}
	return h(ctx, x)
}

// ServeMessage gives m to every message handler, stopping at the first
// error.
func (r *Router) ServeMessage(ctx context.Context, s *discordgo.Session, m *discordgo.Message) error {
	for _, h := range r.t.messages {
		if err := h(ctx, s, m); err != nil {
			return err
		}
	}
	return nil
}

// notFound answers an interaction no route takes.
func notFound(ctx context.Context, x *Interaction) error {
	if x.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return x.Suggest(ctx, nil)
	}
	return Refuse(unroutedText(x.Type))
}

func unroutedText(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionApplicationCommand:
		return "I don't know that command. It may have been removed; try `/story`."
	case discordgo.InteractionModalSubmit:
		return "That form no longer works."
	}
	return "That button no longer works."
}
