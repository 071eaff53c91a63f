package ask

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
)

// Command names.
const (
	CommandAsk      = "ask"
	CommandAskStory = "Ask the story" // message command, in the Apps menu
)

// askCommand is /ask, with a mode choice when withModel and the book:
// and spoilers: options withBooks; maxQuestion caps its question.
func askCommand(withModel bool, maxQuestion int, withBooks bool) *discordgo.ApplicationCommand {
	c := &discordgo.ApplicationCommand{
		Name:        CommandAsk,
		Description: "Ask a question about the story",
		Options: []*discordgo.ApplicationCommandOption{
			{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        "question",
				Description: "What do you want to know?",
				Required:    true,
				MaxLength:   min(maxQuestion, 6000),
			},
			{
				Type:        discordgo.ApplicationCommandOptionBoolean,
				Name:        "private",
				Description: "Only you see the answer",
			},
		},
	}
	if withBooks {
		c.Options = append(c.Options, bookOption(), &discordgo.ApplicationCommandOption{
			Type:        discordgo.ApplicationCommandOptionBoolean,
			Name:        "spoilers",
			Description: "Answer from the whole book, what comes after your progress hidden behind spoiler bars",
		})
	}
	if withModel {
		c.Options = append(c.Options, &discordgo.ApplicationCommandOption{
			Type:        discordgo.ApplicationCommandOptionString,
			Name:        "mode",
			Description: "How to answer: quote the story, or let the language model write from it",
			Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "keyword", Value: "keyword"},
				{Name: "llm", Value: "llm"},
			},
		})
	}
	return c
}

// askStoryCommand is "Ask the story", in the Apps menu of a message.
var askStoryCommand = &discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: CommandAskStory}

// ask answers /ask.
func (p *Plugin) ask(ctx context.Context, x *bot.Interaction) error {
	return p.answer(ctx, x, x.StringOption("question"), x.BoolOption("private"), answer.Mode(x.StringOption("mode")), x.BoolOption("spoilers"))
}

// askMessage answers the text of the message "Ask the story" was used on.
func (p *Plugin) askMessage(ctx context.Context, x *bot.Interaction) error {
	d := x.ApplicationCommandData()
	var text string
	if d.Resolved != nil {
		if m := d.Resolved.Messages[d.TargetID]; m != nil {
			text, _ = StripMention(m.Content, bot.BotID(x.Session))
		}
	}
	if text == "" {
		// Discord shares other people's message text only with the
		// Message Content intent (see [bot.Intents]).
		return bot.Refuse("I can't read that message's text here. Ask with `/ask` instead, or mention me in a reply to it.")
	}
	return p.answer(ctx, x, text, false, "", false)
}

// answer answers a question asked by an interaction. A keyword answer is
// sent at once (the bot defers it when it takes long); a model answer is
// deferred at once and edited as it streams.
func (p *Plugin) answer(ctx context.Context, x *bot.Interaction, text string, private bool, mode answer.Mode, spoilers bool) error {
	x.SetEphemeral(private)
	text = strings.TrimSpace(text)
	if text == "" {
		return bot.Refuse(msgEmpty)
	}
	if err := bot.CheckQuestion(text, p.opts.MaxQuestion); err != nil {
		return err
	}
	if err := p.allow(x.Caller(), x.ChannelID); err != nil {
		return err
	}
	r, err := interactionReader(x, !private)
	if err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(ctx, p.opts.AnswerTimeout)
	defer cancel()
	// A book read for the first time takes a while: say so.
	pk, err := p.pick(actx, r, func(title string) {
		if err := x.Defer(ctx); err == nil {
			x.EditDeferred(ctx, bot.RenderNotice(fmt.Sprintf("Opening **%s** (its index is being built); the answer follows in a moment…", bot.Truncate(title, 200))))
		}
	})
	if err != nil {
		return err
	}
	eng := pk.eng
	// In a thread the bot answered in, earlier questions are the context.
	var conv string
	if p.isThread(x.Session, x.ChannelID) {
		conv = "c:" + x.ChannelID
	}
	question := answer.Question{Text: text, Mode: mode, Spoilers: spoilers}
	if conv != "" {
		question.History = p.memory.history(conv, time.Now())
	}
	if mode != "" && mode != answer.ModeKeyword && mode != answer.ModeLLM {
		question.Mode = answer.ModeAuto
	}

	var a answer.Answer
	if eng.HasModel() && question.Mode != answer.ModeKeyword {
		st := newStreamer(text)
		question.Stream = st.update
		if err := x.Defer(ctx); err != nil {
			return fmt.Errorf("defer: %w", err)
		}
		a, err = func() (answer.Answer, error) {
			defer st.run(ctx, x, p.opts.EditInterval, p.log)()
			return eng.Answer(actx, question)
		}()
	} else {
		a, err = eng.Answer(actx, question)
	}
	if err != nil {
		return answerError(actx, err)
	}
	a = withOwnProgress(a, pk.view)
	if conv != "" {
		p.memory.add(conv, text, time.Now())
	}
	if isThreadChannel(x.Session, x.ChannelID) {
		p.threads.Put(x.ChannelID, true)
	}
	for _, m := range bot.RenderAnswer(ctx, a, p.sources) {
		if err := x.Respond(ctx, m); err != nil {
			return fmt.Errorf("send answer: %w", err)
		}
	}
	p.log.Info("answered", "interaction", x.ID, "mode", a.Mode, "found", a.Found, "beyond", a.Beyond,
		"citations", len(a.Citations), "private", x.Ephemeral(), "book", pk.view.Book.ID, "chapter", pk.view.Progress.Chapter)
	return nil
}

// streamer edits a deferred response with a model answer as it arrives, at
// most once an interval, never after the final answer.
type streamer struct {
	question string

	mu       sync.Mutex
	partial  string
	dirty    bool
	lastEdit time.Time
}

func newStreamer(question string) *streamer { return &streamer{question: question} }

// update is the [answer.Question.Stream] callback.
func (st *streamer) update(partial string) {
	st.mu.Lock()
	st.partial, st.dirty = partial, true
	st.mu.Unlock()
}

func (st *streamer) take() (string, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	p, d := st.partial, st.dirty
	st.dirty = false
	return p, d
}

// run edits the response until the returned stop function is called; stop
// waits for an edit in progress.
func (st *streamer) run(ctx context.Context, x *bot.Interaction, every time.Duration, log interface {
	Warn(msg string, args ...any)
}) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// The next edit waits a whole interval after the last one ended,
		// not a tick of a fixed clock, so a slow request never brings two
		// edits closer together than every.
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if p, ok := st.take(); ok {
				if err := x.EditDeferred(ctx, bot.RenderPartial(st.question, p)); err != nil {
					log.Warn("streaming edit", "err", err)
				}
				st.mu.Lock()
				st.lastEdit = time.Now()
				st.mu.Unlock()
			}
			t.Reset(every)
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
		// Keep the final edit an interval after the last one too.
		st.mu.Lock()
		last := st.lastEdit
		st.mu.Unlock()
		if wait := every - time.Since(last); !last.IsZero() && wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
	}
}
