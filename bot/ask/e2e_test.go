package ask_test

// End-to-end tests: the real discordgo session, driven by the bot, talking
// to the strict fake Discord of internal/fakediscord over 127.0.0.1.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/bot/ask"
	"storybot/bot/bottest"
	"storybot/internal/fakediscord"
	"storybot/internal/logbuf"
	"storybot/qa"
)

// scripted answers like the embedded story's engine, except for questions
// with a keyword that asks for a behaviour: "slow", "long", "panic",
// "fail", "block", "fallback".
type scripted struct {
	*answer.Engine
	model   bool
	release chan struct{} // closes to let "block" questions finish

	mu        sync.Mutex
	questions []answer.Question
}

func newScripted(t testing.TB, model bool) *scripted {
	t.Helper()
	eng, err := answer.Story()
	if err != nil {
		t.Fatalf("answer.Story: %v", err)
	}
	return &scripted{Engine: eng, model: model, release: make(chan struct{})}
}

func (e *scripted) HasModel() bool { return e.model }

func (e *scripted) asked() []answer.Question {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]answer.Question(nil), e.questions...)
}

func (e *scripted) Answer(ctx context.Context, q answer.Question) (answer.Answer, error) {
	e.mu.Lock()
	e.questions = append(e.questions, answer.Question{Text: q.Text, History: q.History, Mode: q.Mode})
	e.mu.Unlock()
	text := strings.ToLower(q.Text)
	switch {
	case strings.Contains(text, "panic"):
		panic("scripted panic")
	case strings.Contains(text, "fail"):
		return answer.Answer{}, errors.New("scripted failure at /secret/path")
	case strings.Contains(text, "slow"):
		time.Sleep(1200 * time.Millisecond)
	case strings.Contains(text, "block"):
		select {
		case <-e.release:
		case <-ctx.Done():
			return answer.Answer{}, ctx.Err()
		}
	case strings.Contains(text, "long"):
		return longAnswer(q.Text), nil
	}
	if e.model && q.Mode != answer.ModeKeyword {
		return e.stream(ctx, q)
	}
	q.Stream = nil
	return e.Engine.Answer(ctx, q)
}

// stream writes a model-like answer over about 2.5 s.
func (e *scripted) stream(ctx context.Context, q answer.Question) (answer.Answer, error) {
	a, err := e.Engine.Answer(ctx, answer.Question{Text: q.Text, History: q.History, Mode: answer.ModeKeyword})
	if err != nil {
		return a, err
	}
	words := strings.Fields("The two presidents met at the Palace of Versailles [1] and talked for a long time, about Syria, Ukraine and the history of Russia and France.")
	for i := range words {
		select {
		case <-ctx.Done():
			return answer.Answer{}, ctx.Err()
		case <-time.After(120 * time.Millisecond):
		}
		if q.Stream != nil {
			q.Stream(strings.Join(words[:i+1], " "))
		}
	}
	a.Text = strings.Join(words, " ")
	a.Mode = answer.ModeLLM
	if strings.Contains(strings.ToLower(q.Text), "fallback") {
		a.Mode = answer.ModeFallback
	}
	return a, nil
}

// longAnswer has 8 paragraphs of ~1500 characters, each citing its own passage.
func longAnswer(q string) answer.Answer {
	a := answer.Answer{Question: q, Found: true, Mode: answer.ModeKeyword}
	var b strings.Builder
	for n := 1; n <= 8; n++ {
		fmt.Fprintf(&b, "Point %d: @everyone <@&100000000000000011> **this** matters [%d]. ", n, n)
		for i := 0; i < 70; i++ {
			b.WriteString("The talks went on. ")
		}
		b.WriteString("\n\n")
		a.Citations = append(a.Citations, answer.Citation{N: n, ID: fmt.Sprintf("macron-and-putin-at-versailles/%d/1", n),
			Ref: fmt.Sprintf("Macron and Putin at Versailles, ¶%d", n), Text: strings.Repeat("Quoted passage text. ", 40)})
	}
	a.Text = b.String()
	return a
}

// feedbackLog is an in-memory [qa.FeedbackRecorder].
type feedbackLog struct {
	mu  sync.Mutex
	got []qa.Feedback
}

func (f *feedbackLog) RecordFeedback(_ context.Context, fb qa.Feedback) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, fb)
	return nil
}

func (f *feedbackLog) all() []qa.Feedback {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]qa.Feedback(nil), f.got...)
}

type harness struct {
	fake     *fakediscord.Server
	eng      *scripted
	feedback *feedbackLog
	logs     *logbuf.Buffer
	run      *bottest.Running
}

type setup struct {
	opts    ask.Options
	model   bool
	discuss bool // configure OtherChannelID as a discussion channel (MESSAGE_CONTENT)
	global  bool // register globally
	// engine, when set, answers instead of the scripted story engine.
	engine ask.Engine
}

// start runs a bot with the ask plugin against a fresh fake Discord and
// stops it when t ends.
func start(t testing.TB, s setup) *harness {
	t.Helper()
	fake := fakediscord.New(t, fakediscord.Options{})
	logger, logs := bottest.Logger(t)
	h := &harness{fake: fake, eng: newScripted(t, s.model), feedback: &feedbackLog{}, logs: logs}
	opts := s.opts
	if opts.UserRate == 0 {
		opts.UserRate, opts.ChannelRate = -1, -1 // tested on their own
	}
	opts.Engine = h.eng
	if s.engine != nil {
		opts.Engine = s.engine
	}
	opts.Feedback = h.feedback
	opts.Logger = logger
	opts.Sources = bot.NewSourceIDs(nil, nil)
	if s.discuss {
		opts.DiscussionChannels = []string{fake.OtherChannelID}
	}
	plugin, err := ask.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	bo := bot.Options{Logger: logger, Plugins: []bot.Plugin{plugin}, Sources: opts.Sources, Passages: opts.Engine}
	if !s.global {
		bo.GuildID = fake.GuildID
	}
	h.run = bottest.Run(t, fake, bo, bottest.Config{Intents: bot.Intents(len(opts.DiscussionChannels) > 0)})
	return h
}

// stop cancels the bot and waits for Run to return.
func (h *harness) stop() error { return h.run.Stop() }

func (h *harness) ctx(t testing.TB, d time.Duration) context.Context { return bottest.Ctx(t, d) }

// response waits for the initial response to it.
func (h *harness) response(t testing.TB, it *fakediscord.Interaction) fakediscord.Response {
	t.Helper()
	return bottest.Response(t, it)
}

// final waits for the @original of it to be a finished (not loading)
// message with embeds or content.
func (h *harness) final(t testing.TB, it *fakediscord.Interaction) *fakediscord.Message {
	t.Helper()
	return bottest.Final(t, it)
}

// botReply waits for a bot message in channel replying to msgID.
func (h *harness) botReply(t testing.TB, channelID, msgID string) *fakediscord.Message {
	t.Helper()
	m, err := h.fake.WaitMessage(h.ctx(t, 5*time.Second), channelID, func(m *fakediscord.Message) bool {
		return m.Author.ID == h.fake.BotID && m.Reference != nil && m.Reference.MessageID == msgID
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sourcesID(t testing.TB, m *fakediscord.Message) string {
	t.Helper()
	for _, id := range m.CustomIDs() {
		if strings.HasPrefix(id, "src:") || strings.HasPrefix(id, "srk:") {
			return id
		}
	}
	t.Fatalf("message has no Sources button: %v", m.CustomIDs())
	return ""
}

// noPings fails t unless every message the bot sent sets allowed_mentions
// that ping nobody.
func noPings(t testing.TB, msgs ...*fakediscord.Message) {
	t.Helper()
	bottest.NoPings(t, msgs...)
}

const question = "Where did Macron and Putin meet?"

func TestE2ERegistersCommands(t *testing.T) {
	for _, global := range []bool{false, true} {
		t.Run(fmt.Sprintf("global=%v", global), func(t *testing.T) {
			h := start(t, setup{global: global, model: global})
			if d := time.Since(h.run.Started); d > 10*time.Second {
				t.Errorf("commands registered after %v, want within 10s", d)
			}
			var put fakediscord.Request
			for _, r := range h.fake.Requests() {
				if r.Method == "PUT" {
					put = r
				}
			}
			wantPath := "/applications/" + h.fake.AppID + "/guilds/" + h.fake.GuildID + "/commands"
			if global {
				wantPath = "/applications/" + h.fake.AppID + "/commands"
			}
			if put.Path != wantPath {
				t.Errorf("commands registered at %q, want %q", put.Path, wantPath)
			}
			var names []string
			for _, c := range h.fake.Commands() {
				names = append(names, c.Name)
				if c.Name == "ask" {
					var opts []string
					for _, o := range c.Options {
						opts = append(opts, o.Name)
					}
					want := "question,private"
					if global { // with a model
						want += ",mode"
					}
					if got := strings.Join(opts, ","); got != want {
						t.Errorf("/ask options = %s, want %s", got, want)
					}
				}
			}
			if got := strings.Join(names, ","); got != "ask,search,source,story,Ask the story" {
				t.Errorf("commands = %s", got)
			}
			id := h.fake.Identify()
			if id.Intents&fakediscord.IntentMessageContent != 0 {
				t.Errorf("MESSAGE_CONTENT requested without discussion channels")
			}
			if want := fakediscord.IntentGuilds | fakediscord.IntentGuildMessages | fakediscord.IntentDirectMessages; id.Intents&want != want {
				t.Errorf("intents = %b, want %b", id.Intents, want)
			}
			deadline := time.Now().Add(2 * time.Second)
			for !strings.Contains(h.logs.String(), "permissions=277025508352") && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(h.logs.String(), "permissions=277025508352") {
				t.Errorf("invite link not logged:\n%s", h.logs.String())
			}
		})
	}
}

func TestE2EAsk(t *testing.T) {
	h := start(t, setup{})
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	r := h.response(t, it)
	if r.Type != fakediscord.ResponseMessage || r.Ephemeral {
		t.Errorf("response = type %d ephemeral %v, want a public message at once", r.Type, r.Ephemeral)
	}
	if r.Delay > time.Second {
		t.Errorf("keyword answer took %v, want < 1s", r.Delay)
	}
	m := h.final(t, it)
	noPings(t, m)
	text := m.Text()
	if !strings.Contains(text, "Versailles") || !regexp.MustCompile(`\[1\] `).MatchString(text) {
		t.Errorf("answer does not cite the story:\n%s", text)
	}
	ids := m.CustomIDs()
	if len(ids) != 3 || ids[1] != bot.FeedbackUp || ids[2] != bot.FeedbackDown {
		t.Errorf("buttons = %v, want Sources, fb:+1, fb:-1", ids)
	}

	t.Run("not found", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "Who won the football world cup in 1998?"))
		m := h.final(t, it)
		text := m.Text()
		if !strings.Contains(text, "The story doesn't say") && !strings.Contains(text, "doesn't say") {
			t.Errorf("not-found answer does not say so:\n%s", text)
		}
		if strings.Contains(text, "[1] Macron") {
			t.Errorf("not-found answer shows related passages as citations:\n%s", text)
		}
	})

	t.Run("too long", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", strings.Repeat("why ", 200)))
		r := h.response(t, it)
		m := h.final(t, it)
		if !r.Ephemeral || !strings.Contains(m.Content, "limit is 500") {
			t.Errorf("too long question: ephemeral %v, %q", r.Ephemeral, m.Content)
		}
	})

	t.Run("error", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "please fail now"))
		m := h.final(t, it)
		if !m.Ephemeral() || !strings.HasPrefix(m.Content, "Sorry") || strings.Contains(m.Content, "secret") {
			t.Errorf("error reply = %q (ephemeral %v), want a short apology", m.Content, m.Ephemeral())
		}
		if !strings.Contains(h.logs.String(), "/secret/path") {
			t.Errorf("full error not logged")
		}
	})

	t.Run("panic", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "make it panic please"))
		m := h.final(t, it)
		if !strings.HasPrefix(m.Content, "Sorry") {
			t.Errorf("panic reply = %q, want an apology", m.Content)
		}
		if !strings.Contains(h.logs.String(), "scripted panic") {
			t.Errorf("panic not logged")
		}
	})
}

func TestE2EAskPrivate(t *testing.T) {
	h := start(t, setup{})
	t.Run("at once", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question), fakediscord.BooleanOption("private", true))
		if r := h.response(t, it); !r.Ephemeral || r.Type != fakediscord.ResponseMessage {
			t.Errorf("response type %d ephemeral %v, want an ephemeral message", r.Type, r.Ephemeral)
		}
		noPings(t, h.final(t, it))
	})
	t.Run("deferred", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "slow: where did they meet?"), fakediscord.BooleanOption("private", true))
		r := h.response(t, it)
		if r.Type != fakediscord.ResponseDeferred || !r.Ephemeral {
			t.Errorf("response type %d ephemeral %v, want an ephemeral deferral", r.Type, r.Ephemeral)
		}
		if r.Delay < 700*time.Millisecond || r.Delay > 1500*time.Millisecond {
			t.Errorf("deferred after %v, want about 800ms", r.Delay)
		}
		m := h.final(t, it)
		if !m.Ephemeral() || len(m.Embeds) == 0 {
			t.Errorf("final answer ephemeral %v, %d embeds", m.Ephemeral(), len(m.Embeds))
		}
		noPings(t, m)
	})
	t.Run("long, follow-ups", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "a long one please"), fakediscord.BooleanOption("private", true))
		h.final(t, it)
		deadline := time.Now().Add(5 * time.Second)
		for len(it.Followups()) < 3 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		fs := it.Followups()
		if len(fs) < 3 {
			t.Fatalf("%d follow-ups, want the rest of a long answer", len(fs))
		}
		for _, f := range fs {
			if !f.Ephemeral() {
				t.Errorf("follow-up %s is not ephemeral", f.ID)
			}
		}
		noPings(t, fs...)
	})
}

func TestE2ELongAnswerSplit(t *testing.T) {
	h := start(t, setup{})
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "give me the long answer"))
	first := h.final(t, it)
	deadline := time.Now().Add(5 * time.Second)
	for len(it.Followups()) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	parts := append([]*fakediscord.Message{first}, it.Followups()...)
	marker := regexp.MustCompile(`\[(\d+)\]`)
	seen := map[string]bool{}
	for i, p := range parts {
		if len(p.Embeds) != 1 {
			t.Fatalf("part %d has %d embeds", i+1, len(p.Embeds))
		}
		e := p.Embeds[0]
		var cited, shown []string
		for _, m := range marker.FindAllStringSubmatch(e.Description, -1) {
			cited = append(cited, m[1])
			seen[m[1]] = true
		}
		for _, f := range e.Fields {
			shown = append(shown, marker.FindStringSubmatch(f.Name)[1])
		}
		if strings.Join(cited, ",") != strings.Join(shown, ",") {
			t.Errorf("part %d cites %v but shows %v", i+1, cited, shown)
		}
		if p.Ephemeral() {
			t.Errorf("part %d is ephemeral", i+1)
		}
	}
	if len(seen) != 8 {
		t.Errorf("parts cite %d of 8 passages", len(seen))
	}
	noPings(t, parts...)
}

func TestE2ESearchSourceStory(t *testing.T) {
	h := start(t, setup{})
	t.Run("search", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "search", fakediscord.StringOption("query", "Versailles palace"))
		m := h.final(t, it)
		if len(m.Embeds) != 1 || len(m.Embeds[0].Fields) == 0 || !strings.Contains(m.Embeds[0].Fields[0].Name, "[1] ") {
			t.Errorf("search result:\n%s", m.Text())
		}
		noPings(t, m)
	})
	t.Run("autocomplete and source", func(t *testing.T) {
		it := h.fake.Autocomplete(h.fake.Alice, h.fake.ChannelID, "source", fakediscord.Option{Name: "ref", Type: int(discordgo.ApplicationCommandOptionString), Value: "Macron", Focused: true})
		r := h.response(t, it)
		if r.Type != fakediscord.ResponseAutocomplete || len(r.Choices) == 0 {
			t.Fatalf("autocomplete response type %d, %d choices", r.Type, len(r.Choices))
		}
		ref := r.Choices[0].Value.(string)
		it = h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "source", fakediscord.StringOption("ref", ref))
		m := h.final(t, it)
		if len(m.Embeds) != 1 || m.Embeds[0].Description == "" {
			t.Errorf("source:\n%s", m.Text())
		}
		noPings(t, m)
	})
	t.Run("unknown source", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "source", fakediscord.StringOption("ref", "no such thing"))
		m := h.final(t, it)
		if !m.Ephemeral() || !strings.Contains(m.Content, "No passage") {
			t.Errorf("unknown source reply = %q", m.Content)
		}
	})
	t.Run("story", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "story")
		m := h.final(t, it)
		if text := m.Text(); !strings.Contains(text, "Documents") || !strings.Contains(text, "/ask") {
			t.Errorf("story:\n%s", text)
		}
	})
}

func TestE2EButtons(t *testing.T) {
	h := start(t, setup{})
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	m := h.final(t, it)

	src := h.fake.Button(h.fake.Moderator, m, sourcesID(t, m))
	if r := h.response(t, src); r.Type != fakediscord.ResponseMessage || !r.Ephemeral {
		t.Errorf("Sources response type %d ephemeral %v, want an ephemeral message", r.Type, r.Ephemeral)
	}
	sm := h.final(t, src)
	if len(sm.Embeds) == 0 || sm.Embeds[0].Description == "" {
		t.Errorf("Sources shows:\n%s", sm.Text())
	}
	noPings(t, sm)

	for _, v := range []string{bot.FeedbackUp, bot.FeedbackDown} {
		fb := h.fake.Button(h.fake.Alice, m, v)
		if r := h.response(t, fb); !r.Ephemeral {
			t.Errorf("feedback %s acknowledged publicly", v)
		}
	}
	got := h.feedback.all()
	if len(got) != 2 || got[0].Value != 1 || got[1].Value != -1 || got[0].MessageID != m.ID ||
		got[0].UserID != h.fake.Alice.ID || got[0].GuildID != h.fake.GuildID || got[0].Question != question || got[0].Answer == "" {
		t.Errorf("feedback recorded = %+v", got)
	}
}

func TestE2EMessageCommand(t *testing.T) {
	h := start(t, setup{discuss: true})
	target := h.fake.PostMessage(h.fake.Alice, h.fake.ChannelID, question)
	it := h.fake.MessageCommand(h.fake.Moderator, h.fake.ChannelID, ask.CommandAskStory, target)
	m := h.final(t, it)
	if !strings.Contains(m.Text(), "Versailles") {
		t.Errorf("message command answer:\n%s", m.Text())
	}
	noPings(t, m)
	if qs := h.eng.asked(); len(qs) == 0 || qs[len(qs)-1].Text != question {
		t.Errorf("engine asked %+v, want the target's text", qs)
	}
}

func TestE2EMentions(t *testing.T) {
	h := start(t, setup{})
	q := h.fake.PostMessage(h.fake.Alice, h.fake.ChannelID, "<@"+h.fake.BotID+"> "+question)
	reply := h.botReply(t, h.fake.ChannelID, q.ID)
	if time.Since(q.Created) > 5*time.Second {
		t.Errorf("reply took %v", time.Since(q.Created))
	}
	if !strings.Contains(reply.Text(), "Versailles") {
		t.Errorf("reply:\n%s", reply.Text())
	}
	noPings(t, reply)
	if got := h.eng.asked()[0].Text; got != question {
		t.Errorf("asked %q, want the mention stripped: %q", got, question)
	}

	t.Run("nickname mention", func(t *testing.T) {
		q := h.fake.PostMessage(h.fake.Alice, h.fake.ChannelID, "<@!"+h.fake.BotID+"> how long did they talk?")
		noPings(t, h.botReply(t, h.fake.ChannelID, q.ID))
	})

	t.Run("reply to the bot continues the conversation", func(t *testing.T) {
		f := h.fake.PostMessage(h.fake.Alice, h.fake.ChannelID, "and what did they discuss?", fakediscord.ReplyTo(reply))
		noPings(t, h.botReply(t, h.fake.ChannelID, f.ID))
		qs := h.eng.asked()
		last := qs[len(qs)-1]
		if last.Text != "and what did they discuss?" || len(last.History) != 1 || last.History[0] != question {
			t.Errorf("follow-up asked %+v, want history [%q]", last, question)
		}
	})

	t.Run("bots are ignored", func(t *testing.T) {
		n := len(h.eng.asked())
		h.fake.PostMessage(h.fake.OtherBot, h.fake.ChannelID, "<@"+h.fake.BotID+"> where did they meet?")
		// A later question is answered, so the bot's message was seen and skipped.
		q := h.fake.PostMessage(h.fake.Alice, h.fake.ChannelID, "<@"+h.fake.BotID+"> who came?")
		h.botReply(t, h.fake.ChannelID, q.ID)
		if got := len(h.eng.asked()); got != n+1 {
			t.Errorf("engine asked %d questions, want %d (bot message ignored)", got-n, 1)
		}
	})

	t.Run("direct message", func(t *testing.T) {
		q := h.fake.PostMessage(h.fake.Alice, h.fake.DMChannelID, question)
		noPings(t, h.botReply(t, h.fake.DMChannelID, q.ID))
	})
}

func TestE2EDiscussionAndThread(t *testing.T) {
	h := start(t, setup{discuss: true})
	if h.fake.Identify().Intents&fakediscord.IntentMessageContent == 0 {
		t.Errorf("MESSAGE_CONTENT not requested with discussion channels")
	}
	chatter := h.fake.PostMessage(h.fake.Alice, h.fake.OtherChannelID, "good morning everyone")
	q := h.fake.PostMessage(h.fake.Alice, h.fake.OtherChannelID, question)
	noPings(t, h.botReply(t, h.fake.OtherChannelID, q.ID))
	for _, m := range h.fake.Messages(h.fake.OtherChannelID) {
		if m.Reference != nil && m.Reference.MessageID == chatter.ID {
			t.Errorf("bot answered chatter")
		}
	}
	t.Run("not in other channels without a mention", func(t *testing.T) {
		n := len(h.eng.asked())
		h.fake.PostMessage(h.fake.Alice, h.fake.ChannelID, "where did they meet?")
		q := h.fake.PostMessage(h.fake.Alice, h.fake.ChannelID, "<@"+h.fake.BotID+"> where?")
		h.botReply(t, h.fake.ChannelID, q.ID)
		if got := len(h.eng.asked()) - n; got != 1 {
			t.Errorf("engine asked %d questions, want 1", got)
		}
	})
	t.Run("thread follow-up with memory", func(t *testing.T) {
		first := h.fake.PostMessage(h.fake.Alice, h.fake.ThreadID, "<@"+h.fake.BotID+"> where did Macron meet Putin?")
		noPings(t, h.botReply(t, h.fake.ThreadID, first.ID))
		next := h.fake.PostMessage(h.fake.Moderator, h.fake.ThreadID, "How long did they talk?")
		noPings(t, h.botReply(t, h.fake.ThreadID, next.ID))
		qs := h.eng.asked()
		last := qs[len(qs)-1]
		if last.Text != "How long did they talk?" || len(last.History) != 1 || last.History[0] != "where did Macron meet Putin?" {
			t.Errorf("thread follow-up asked %+v, want the first question as history", last)
		}
	})
}

func TestE2ERateLimit(t *testing.T) {
	h := start(t, setup{opts: ask.Options{UserRate: 1, UserBurst: 1}})
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	h.final(t, it)
	it = h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	m := h.final(t, it)
	if !m.Ephemeral() || !strings.Contains(m.Content, "asking quickly") {
		t.Errorf("second question: %q (ephemeral %v), want a friendly ephemeral rate limit", m.Content, m.Ephemeral())
	}
	it = h.fake.SlashCommand(h.fake.Moderator, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	if m := h.final(t, it); len(m.Embeds) == 0 {
		t.Errorf("another user was limited too: %q", m.Content)
	}
}

func TestE2EDiscord429(t *testing.T) {
	h := start(t, setup{})
	h.fake.RateLimitNext("/callback", 1, 0.3)
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	r := h.response(t, it)
	if r.Delay > 3*time.Second {
		t.Errorf("response after 429 took %v", r.Delay)
	}
	noPings(t, h.final(t, it))
	var limited bool
	for _, r := range h.fake.Requests() {
		limited = limited || r.Status == 429
	}
	if !limited {
		t.Errorf("the fake did not rate limit")
	}
}

func TestE2EReconnect(t *testing.T) {
	h := start(t, setup{})
	h.fake.Reconnect()
	if err := h.fake.WaitReady(h.ctx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	noPings(t, h.final(t, it))
	if ids, resumes := h.fake.GatewayStats(); ids+resumes < 2 {
		t.Errorf("identifies %d, resumes %d after op 7; want a new connection", ids, resumes)
	}
}

func TestE2EGracefulShutdown(t *testing.T) {
	h := start(t, setup{})
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "block until released: where did they meet?"))
	if r := h.response(t, it); r.Type != fakediscord.ResponseDeferred {
		t.Fatalf("response type %d, want a deferral", r.Type)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- h.stop() }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) while an answer was running", err)
	default:
	}
	// No new work while shutting down: a new question gets a notice.
	late := h.fake.SlashCommand(h.fake.Moderator, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	if m := h.final(t, late); !m.Ephemeral() || !strings.Contains(m.Content, "restarting") {
		t.Errorf("question during shutdown got %q (ephemeral %v), want a restart notice", m.Content, m.Ephemeral())
	}
	close(h.eng.release)
	m := h.final(t, it)
	if len(m.Embeds) == 0 {
		t.Errorf("running answer not delivered: %q", m.Content)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Run did not return after the answer finished")
	}
}

func TestE2EStreaming(t *testing.T) {
	h := start(t, setup{model: true})
	it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question))
	if r := h.response(t, it); r.Type != fakediscord.ResponseDeferred || r.Delay > time.Second {
		t.Errorf("model answer: response type %d after %v, want an immediate deferral", r.Type, r.Delay)
	}
	m := h.final(t, it)
	if m.Edits() < 3 {
		t.Errorf("%d edits, want partial edits and a final one", m.Edits())
	}
	for i := 1; i < len(m.EditTimes); i++ {
		if d := m.EditTimes[i].Sub(m.EditTimes[i-1]); d < 900*time.Millisecond {
			t.Errorf("edits %d and %d %v apart, want about 1s or more", i, i+1, d)
		}
	}
	text := m.Text()
	if !strings.Contains(text, "[1] ") || !strings.Contains(text, "Model answer") {
		t.Errorf("final edit lacks citations or mode:\n%s", text)
	}
	noPings(t, m)

	t.Run("keyword mode", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", question), fakediscord.StringOption("mode", "keyword"))
		if r := h.response(t, it); r.Type != fakediscord.ResponseMessage {
			t.Errorf("keyword mode: response type %d, want an answer at once", r.Type)
		}
	})
	t.Run("fallback", func(t *testing.T) {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", "fallback: where did they meet?"))
		if text := h.final(t, it).Text(); !strings.Contains(text, "Model unavailable, keyword answer") {
			t.Errorf("fallback not marked:\n%s", text)
		}
	})
}

func TestNoMentionsOnWire(t *testing.T) {
	b, _ := json.Marshal(&discordgo.WebhookParams{Content: "x", AllowedMentions: bot.NoMentions()})
	if !strings.Contains(string(b), `"allowed_mentions":{"parse":[],"replied_user":false}`) {
		t.Errorf("webhook params = %s", b)
	}
}
