package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/qa"
)

// Friendly texts shown to users.
const (
	msgSorry        = "Sorry, something went wrong on my side. Please try again in a moment."
	msgShuttingDown = "I'm restarting right now. Please ask again in a minute."
	msgTimeout      = "Sorry, that took too long to answer. Please try again, or ask more simply."
	msgEmpty        = "Please ask a question, e.g. `/ask question: Where did they meet?`"
)

// ix is an interaction being answered; it remembers how far the response
// went so an error or a panic is reported the right way.
type ix struct {
	s         *discordgo.Session
	i         *discordgo.Interaction
	ephemeral bool

	mu    sync.Mutex
	state int // 0 nothing sent, 1 deferred, 2 responded
}

func (x *ix) respond(ctx context.Context, m Message) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var err error
	switch x.state {
	case 0:
		err = Respond(ctx, x.s, x.i, m, x.ephemeral)
	case 1:
		err = Edit(ctx, x.s, x.i, m)
	default:
		err = Followup(ctx, x.s, x.i, m, x.ephemeral)
	}
	if err == nil {
		x.state = 2
	}
	return err
}

func (x *ix) deferResponse(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.state != 0 {
		return nil
	}
	err := Defer(ctx, x.s, x.i, x.ephemeral)
	if err == nil {
		x.state = 1
	}
	return err
}

// edit replaces the deferred response (for streaming); it does nothing
// once a final response was given.
func (x *ix) edit(ctx context.Context, m Message) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.state != 1 {
		return nil
	}
	return Edit(ctx, x.s, x.i, m)
}

// fail tells the user something went wrong, ephemerally where possible.
func (x *ix) fail(ctx context.Context, text string) error {
	x.mu.Lock()
	state := x.state
	x.mu.Unlock()
	if state == 0 {
		x.ephemeral = true
	}
	return x.respond(ctx, RenderNotice(text))
}

func userOf(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic.Interaction == nil {
		return
	}
	x := &ix{s: s, i: ic.Interaction}
	ctx, ok := b.begin()
	if !ok {
		if ic.Type != discordgo.InteractionApplicationCommandAutocomplete {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = x.fail(sctx, msgShuttingDown)
		}
		return
	}
	defer b.end()
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("panic handling interaction", "panic", r, "interaction", ic.ID, "stack", string(debug.Stack()))
			if ic.Type != discordgo.InteractionApplicationCommandAutocomplete {
				if err := x.fail(ctx, msgSorry); err != nil {
					b.log.Error("send apology", "err", err)
				}
			}
		}
	}()
	for _, ext := range b.opts.Extensions {
		if ext.HandleInteraction(ctx, s, ic) {
			return
		}
	}
	var err error
	switch ic.Type {
	case discordgo.InteractionApplicationCommand:
		err = b.command(ctx, x)
	case discordgo.InteractionApplicationCommandAutocomplete:
		err = b.autocomplete(ctx, x)
	case discordgo.InteractionMessageComponent:
		err = b.component(ctx, x)
	default:
		return
	}
	if err != nil {
		b.log.Error("interaction failed", "err", err, "interaction", ic.ID, "type", ic.Type.String())
	}
}

func (b *Bot) command(ctx context.Context, x *ix) error {
	d := x.i.ApplicationCommandData()
	switch d.Name {
	case CommandAsk:
		var q askOptions
		for _, o := range d.Options {
			switch o.Name {
			case "question":
				q.text = o.StringValue()
			case "private":
				q.private = o.BoolValue()
			case "mode":
				q.mode = answer.Mode(o.StringValue())
			}
		}
		return b.ask(ctx, x, q)
	case CommandAskStory:
		var text string
		if d.Resolved != nil {
			if m := d.Resolved.Messages[d.TargetID]; m != nil {
				text, _ = StripMention(m.Content, b.botID())
			}
		}
		if text == "" {
			// Discord shares other people's message text only with the
			// Message Content intent (see [Intents]).
			return x.fail(ctx, "I can't read that message's text here. Ask with `/ask` instead, or mention me in a reply to it.")
		}
		return b.ask(ctx, x, askOptions{text: text})
	case CommandSearch:
		var query string
		for _, o := range d.Options {
			if o.Name == "query" {
				query = strings.TrimSpace(o.StringValue())
			}
		}
		return b.search(ctx, x, query)
	case CommandSource:
		var ref string
		for _, o := range d.Options {
			if o.Name == "ref" {
				ref = strings.TrimSpace(o.StringValue())
			}
		}
		src, err := b.opts.Engine.Source(ref)
		if errors.Is(err, answer.ErrUnknownRef) {
			return x.fail(ctx, fmt.Sprintf("No passage has the reference %q. Pick one from the list shown as you type.", Truncate(ref, 100)))
		}
		if err != nil {
			b.log.Error("source", "ref", ref, "err", err)
			return x.fail(ctx, msgSorry)
		}
		return x.respond(ctx, RenderSource(src))
	case CommandStory:
		x.ephemeral = true
		return x.respond(ctx, RenderStats(b.opts.Engine.Stats(), b.opts.Engine.HasModel()))
	}
	return x.fail(ctx, "I don't know that command. It may have been removed; try `/story`.")
}

func (b *Bot) search(ctx context.Context, x *ix, query string) error {
	if query == "" {
		return x.fail(ctx, "Please give some words to search for.")
	}
	if n := runes(query); n > b.opts.MaxQuestion {
		return x.fail(ctx, fmt.Sprintf("That search is %d characters long; the limit is %d.", n, b.opts.MaxQuestion))
	}
	if msg, ok := b.allow(userOf(x.i), x.i.ChannelID); !ok {
		return x.fail(ctx, msg)
	}
	results, err := b.opts.Engine.Search(query, 5)
	if err != nil {
		if userErr(err) {
			return x.fail(ctx, capitalize(err.Error())+".")
		}
		b.log.Error("search", "query", query, "err", err)
		return x.fail(ctx, msgSorry)
	}
	return x.respond(ctx, RenderSearch(query, results, b.sources))
}

func (b *Bot) autocomplete(ctx context.Context, x *ix) error {
	d := x.i.ApplicationCommandData()
	var prefix string
	for _, o := range d.Options {
		if o.Focused {
			prefix, _ = o.Value.(string)
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, c := range b.opts.Engine.Suggest(strings.TrimSpace(prefix), 25) {
		if c.ID == "" || len(c.ID) > 100 {
			continue
		}
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: Truncate(c.Ref, 100), Value: c.ID})
	}
	return x.s.InteractionRespond(x.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, discordgo.WithContext(ctx))
}

func (b *Bot) component(ctx context.Context, x *ix) error {
	id := x.i.MessageComponentData().CustomID
	if isSourcesID(id) {
		x.ephemeral = true
		ids, ok := b.sources.Decode(id)
		if !ok {
			return x.fail(ctx, "Those sources are no longer available; ask again to see them.")
		}
		var srcs []answer.Source
		for _, id := range ids {
			src, err := b.opts.Engine.Source(id)
			if err != nil {
				b.log.Warn("source of button", "id", id, "err", err)
				continue
			}
			srcs = append(srcs, src)
		}
		return x.respond(ctx, RenderSources(srcs))
	}
	if v, ok := feedbackValue(id); ok {
		return b.feedback(ctx, x, v)
	}
	return x.fail(ctx, "That button no longer works.")
}

func (b *Bot) feedback(ctx context.Context, x *ix, value int) error {
	x.ephemeral = true
	fb := qa.Feedback{GuildID: x.i.GuildID, ChannelID: x.i.ChannelID, Value: value}
	if fb.GuildID == "" {
		fb.GuildID = "@me" // direct messages
	}
	if u := userOf(x.i); u != nil {
		fb.UserID = u.ID
	}
	if m := x.i.Message; m != nil {
		fb.MessageID = m.ID
		if len(m.Embeds) > 0 {
			fb.Question, fb.Answer = m.Embeds[0].Title, m.Embeds[0].Description
		}
	}
	if b.opts.Feedback == nil {
		b.log.Info("feedback", "value", value, "message", fb.MessageID, "user", fb.UserID)
	} else {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := b.opts.Feedback.RecordFeedback(rctx, fb)
		cancel()
		if err != nil {
			b.log.Error("record feedback", "err", err, "message", fb.MessageID)
			return x.fail(ctx, "Sorry, I couldn't save your feedback. Please try again later.")
		}
	}
	text := "Thanks! Glad it helped."
	if value < 0 {
		text = "Thanks, noted. Try `/search` or the Sources button to check the story yourself."
	}
	return x.respond(ctx, RenderNotice(text))
}

// allow applies the per-user and per-channel rate limits and returns the
// message to show when a question is refused.
func (b *Bot) allow(u *discordgo.User, channelID string) (string, bool) {
	now := time.Now()
	if u != nil {
		if ok, wait := b.users.Allow(u.ID, now); !ok {
			return fmt.Sprintf("You're asking quickly. Please wait %s and try again.", waitText(wait)), false
		}
	}
	if ok, wait := b.channels.Allow(channelID, now); !ok {
		return fmt.Sprintf("This channel is asking a lot right now. Please wait %s and try again.", waitText(wait)), false
	}
	return "", true
}

func waitText(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s <= 1 {
		return "a second"
	}
	return fmt.Sprintf("%d seconds", s)
}

// userErr reports whether err's message is meant for the user.
func userErr(err error) bool {
	return errors.Is(err, answer.ErrEmptyQuestion) || errors.Is(err, answer.ErrInvalidQuestion) || errors.Is(err, answer.ErrUnknownRef)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
