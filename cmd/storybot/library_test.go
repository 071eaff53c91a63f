package main

// The servers' libraries end to end: serve as it runs, with the real
// discordgo session against the strict fake Discord and a real SQLite
// file, books added by attachment in every format, chosen per channel and
// per server, asked from every entry point, read up to a progress per
// channel and per member, removed, through a restart and in two servers.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"storybot/answer"
	"storybot/bot/gateway"
	"storybot/internal/fakediscord"
	"storybot/internal/fakeopenai"
	"storybot/internal/logbuf"
	"storybot/internal/testbook"
	"storybot/library"
	"storybot/qa/sqlite"
)

// The second server of the fake, with one channel.
const (
	guild2   = "200000000000000010"
	channel2 = "200000000000000020"
)

// libEnv is serve against a fake Discord, restartable on one database.
type libEnv struct {
	t    *testing.T
	fake *fakediscord.Server
	cfg  Config
	eng  *answer.Engine
	logs *logbuf.Buffer
	stop func()

	librarian fakediscord.User // Manage Server
	bob       fakediscord.User // a member
	carol     fakediscord.User // the library role only
}

const libraryRole = "100000000000000061"

// newLibEnv starts serve with the library settings of env (NAME=value).
func newLibEnv(t *testing.T, env ...string) *libEnv {
	t.Helper()
	e := &libEnv{t: t,
		librarian: fakediscord.User{ID: "100000000000000051", Username: "librarian", Permissions: fakediscord.PermEveryone | 1<<5},
		bob:       fakediscord.User{ID: "100000000000000052", Username: "bob", Permissions: fakediscord.PermEveryone},
		carol:     fakediscord.User{ID: "100000000000000053", Username: "carol", Permissions: fakediscord.PermEveryone, Roles: []string{libraryRole}},
	}
	e.fake = fakediscord.New(t, fakediscord.Options{
		Users:    []fakediscord.User{e.librarian, e.bob, e.carol},
		Channels: []fakediscord.Channel{{ID: channel2, Name: "elsewhere", Type: fakediscord.ChannelText, GuildID: guild2}},
	})
	clearEnv(t)
	t.Setenv("DISCORD_TOKEN", e.fake.Token)
	t.Setenv("DISCORD_API_BASE", e.fake.URL())
	t.Setenv("DATABASE_PATH", filepath.Join(t.TempDir(), "storybot.db"))
	t.Setenv("DISCUSSION_CHANNELS", e.fake.OtherChannelID)
	t.Setenv("MODERATOR_ROLE_ID", e.fake.ModRoleID)
	t.Setenv("LIBRARY_ROLE_ID", libraryRole)
	t.Setenv("USER_RATE_PER_MINUTE", "-1")
	t.Setenv("CHANNEL_RATE_PER_MINUTE", "-1")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	var err error
	if e.cfg, err = loadConfig(); err != nil {
		t.Fatal(err)
	}
	if e.cfg.LLMConfigured() {
		// With a model, as serve's main builds it for the default corpus.
		e.eng, err = loadEngine(context.Background(), e.cfg, "", true, slog.New(slog.DiscardHandler))
	} else {
		e.eng, err = answer.Story()
	}
	if err != nil {
		t.Fatal(err)
	}
	e.logs = &logbuf.Buffer{}
	t.Cleanup(func() {
		if e.stop != nil {
			e.stop()
		}
		if t.Failed() {
			t.Logf("serve logs:\n%s", e.logs.String())
		}
	})
	e.start()
	return e
}

// start runs serve until stop, once it has registered its commands.
func (e *libEnv) start() {
	t := e.t
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// With DATABASE_URL a restart finds the commands registered, and says so.
	const unchanged = "commands already registered, unchanged"
	before, found := registrations(e.fake), strings.Count(e.logs.String(), unchanged)
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() { done <- runServe(ctx, e.cfg, e.eng, logger, gateway.Options{}) }()
	deadline := time.Now().Add(15 * time.Second)
	for registrations(e.fake) == before && strings.Count(e.logs.String(), unchanged) == found {
		if time.Now().After(deadline) {
			t.Fatal("commands not registered within 15s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := e.fake.WaitReady(e.ctx()); err != nil {
		t.Fatal(err)
	}
	e.stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve = %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("serve did not stop")
		}
		waitGatewayClosed(t, e.fake)
		e.stop = nil
	}
}

func (e *libEnv) restart() {
	e.t.Helper()
	e.stop()
	e.start()
}

func (e *libEnv) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// store opens a second handle on the bot's database, as another process
// would, to see what is stored.
func (e *libEnv) store() *sqlite.Store {
	e.t.Helper()
	st, err := sqlite.Open(e.ctx(), e.cfg.DatabasePath, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	return st
}

// final waits for the finished response of it: not loading, not an
// "Opening…" or "Reading…" notice.
func (e *libEnv) final(it *fakediscord.Interaction) *fakediscord.Message {
	e.t.Helper()
	r, err := it.WaitResponse(e.ctx())
	if err != nil {
		e.t.Fatal(err)
	}
	if r.Delay > fakediscord.InteractionDeadline {
		e.t.Errorf("first response after %v", r.Delay)
	}
	m, err := it.WaitOriginal(e.ctx(), func(m *fakediscord.Message) bool {
		return m.Flags&fakediscord.FlagLoading == 0 && (m.Content != "" || len(m.Embeds) > 0) &&
			!strings.HasPrefix(m.Content, "Opening **") && !strings.HasPrefix(m.Content, "Reading **")
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// private waits for the finished response of it and checks it is private
// and holds every one of want.
func (e *libEnv) private(it *fakediscord.Interaction, want ...string) *fakediscord.Message {
	e.t.Helper()
	m := e.final(it)
	if !m.Ephemeral() {
		e.t.Errorf("reply %q is public, want private", m.Text())
	}
	for _, w := range want {
		if !strings.Contains(m.Text(), w) {
			e.t.Errorf("reply %q does not say %q", m.Text(), w)
		}
	}
	return m
}

// book sends /book sub with opts.
func (e *libEnv) book(u fakediscord.User, channel, sub string, opts ...fakediscord.Option) *fakediscord.Interaction {
	e.t.Helper()
	return e.fake.SlashCommand(u, channel, "book", fakediscord.Subcommand(sub, opts...))
}

// add attaches f to /book add in channel, with opts.
func (e *libEnv) add(u fakediscord.User, channel string, f fakediscord.File, opts ...fakediscord.Option) *fakediscord.Interaction {
	e.t.Helper()
	id := e.fake.Attach(f)
	return e.fake.SlashCommandFiles(u, channel, "book", []string{id},
		fakediscord.Subcommand("add", append([]fakediscord.Option{fakediscord.AttachmentOption("file", id)}, opts...)...))
}

// ask sends /ask question with opts.
func (e *libEnv) ask(u fakediscord.User, channel, question string, opts ...fakediscord.Option) *fakediscord.Interaction {
	e.t.Helper()
	return e.fake.SlashCommand(u, channel, "ask", append([]fakediscord.Option{fakediscord.StringOption("question", question)}, opts...)...)
}

// answer waits for the bot's reply to the message m posted in channel.
func (e *libEnv) replyTo(channel string, m *fakediscord.Message) *fakediscord.Message {
	e.t.Helper()
	r, err := e.fake.WaitMessage(e.ctx(), channel, func(r *fakediscord.Message) bool {
		return r.Author.ID == e.fake.BotID && r.Reference != nil && r.Reference.MessageID == m.ID
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// bookID is the ID of the book titled title in the guild's store.
func (e *libEnv) bookID(st *sqlite.Store, guild, title string) int64 {
	e.t.Helper()
	books, err := st.Books(e.ctx(), guild)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, b := range books {
		if b.Title == title {
			return b.ID
		}
	}
	e.t.Fatalf("no book %q in %s", title, guild)
	return 0
}

// millerAs is the Miller titled for the format it is written in, so
// that each answer says which book it came from.
func millerAs(ext string) testbook.Book {
	b := testbook.Miller
	b.Title = "The Miller of Dunmore (" + strings.TrimPrefix(ext, ".") + ")"
	return b
}

func id(n int64) string { return fmt.Sprint(n) }

// spoilerFree removes what spoiler markup hides and the asker's own
// words from a body the bot sent.
var spoilerRE = regexp.MustCompile(`\|\|.*?\|\|`)

// leaks returns the words of the later chapters that a body shows
// outside spoiler markup.
func leaks(body string, words []string) []string {
	open := spoilerRE.ReplaceAllString(body, "")
	var out []string
	for _, w := range words {
		if strings.Contains(open, w) {
			out = append(out, w)
		}
	}
	return out
}

// bodiesSince returns the text of every body the bot sent to Discord
// in requests begun since t: the strings of the JSON, decoded so that no
// escape hides a word. (A request is recorded once answered, after the
// bot has seen its answer, so counting requests would not do.)
func (e *libEnv) bodiesSince(t time.Time) []string {
	var out []string
	for _, r := range e.fake.Requests() {
		if len(r.Body) == 0 || r.At.Before(t) {
			continue
		}
		var v any
		if err := json.Unmarshal(r.Body, &v); err != nil {
			out = append(out, string(r.Body))
			continue
		}
		var parts []string
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				parts = append(parts, v)
			case []any:
				for _, x := range v {
					walk(x)
				}
			case map[string]any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
		out = append(out, r.Method+" "+r.Path+"\n"+strings.Join(parts, "\n"))
	}
	return out
}

// TestLibrary is a reading group's library from the first book to a
// restart: every format added by attachment, the refusals, the choices
// of channel and server, every way of asking, progress per channel and
// per member with nothing later shown, spoilers on request, two servers
// kept apart, and removal.
func TestLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve end to end")
	}
	e := newLibEnv(t, "LIBRARY_MAX_BOOKS=7", "LIBRARY_MAX_FILE_MB=1")
	f := e.fake
	general, discussion, thread := f.ChannelID, f.OtherChannelID, f.ThreadID

	// A server without books answers from the default corpus.
	e.private(e.fake.SlashCommand(f.Alice, general, "story"), "Macron and Putin at Versailles", "no book is chosen", "/book use")
	if m := e.final(e.ask(f.Alice, general, "Where did Macron meet Putin?")); !strings.Contains(m.Text(), "Versailles") {
		t.Errorf("before any book: %q", m.Text())
	}

	// Only librarians add, and nothing is fetched for anyone else.
	e.private(e.add(e.bob, general, fakediscord.File{Filename: "miller.txt", Data: millerAs(".txt").Text()}), "Only librarians")
	if n := len(f.Downloads()); n != 0 {
		t.Errorf("%d downloads for a member who may not add books", n)
	}

	// Each format, by attachment; the first becomes the server's book.
	for i, ext := range testbook.Formats {
		b := millerAs(ext)
		who := e.librarian
		if ext == ".pdf" {
			who = e.carol // a librarian by the library role only
		}
		want := []string{"Added: " + b.Title, "3 (ch. I to ch. III)", "Words"}
		if ext != ".md" {
			want = append(want, "Jane Tester")
		}
		if i == 0 {
			want = append(want, "now the book this server talks about")
		}
		m := e.private(e.add(who, general, fakediscord.File{Filename: "The Miller" + ext, Data: b.File(ext)}), want...)
		if i > 0 && strings.Contains(m.Text(), "now the book this server") {
			t.Errorf("%s became the server's book too", ext)
		}
	}
	st := e.store()
	ids := map[string]int64{}
	for _, ext := range testbook.Formats {
		ids[ext] = e.bookID(st, f.GuildID, millerAs(ext).Title)
	}

	// Refusals, each naming its reason, and nothing half-stored.
	other := atomic.Int64{}
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		w.Write([]byte("CHAPTER I\n\nA book from elsewhere.\n"))
	}))
	defer elsewhere.Close()
	before := len(f.Downloads())
	for _, tc := range []struct {
		name     string
		file     fakediscord.File
		reason   string
		download bool
	}{
		{"announced oversized", fakediscord.File{Filename: "big.txt", Data: []byte("x"), Size: 3 << 20}, "it is 3.0 MB, over the limit of 1.0 MB (LIBRARY_MAX_FILE_MB)", false},
		{"oversized, announced small", fakediscord.File{Filename: "liar.txt", Data: []byte(strings.Repeat("word ", 300000)), Size: 1000}, "it is 1.4 MB, over the limit of 1.0 MB", true},
		{"a zip bomb", fakediscord.File{Filename: "bomb.epub", Data: testbook.ZipBomb(8 << 20)}, "zip bomb", true},
		{"a scan", fakediscord.File{Filename: "scan.pdf", Data: testbook.ScannedPDF()}, "no text; it may be a scan", true},
		{"binary text", fakediscord.File{Filename: "nul.txt", Data: []byte("a\x00b")}, "binary", true},
		{"another kind", fakediscord.File{Filename: "book.exe", Data: []byte("MZ")}, "storybot reads .txt, .md, .epub, .html", false},
		{"another host", fakediscord.File{Filename: "far.txt", Data: []byte("x"), URL: elsewhere.URL + "/far.txt"}, "not on Discord's CDN", false},
		{"a redirect elsewhere", fakediscord.File{Filename: "moved.txt", Data: []byte("x"), Redirect: elsewhere.URL + "/moved.txt"}, "redirected away from Discord's CDN", true},
		{"the same file again", fakediscord.File{Filename: "again.txt", Data: millerAs(".txt").Text()}, "already holds this file, as **The Miller of Dunmore (txt)**", true},
	} {
		n := len(f.Downloads())
		e.private(e.add(e.librarian, general, tc.file), "I can't add", tc.reason)
		if got := len(f.Downloads()) > n; got != tc.download {
			t.Errorf("%s: downloaded %v, want %v", tc.name, got, tc.download)
		}
	}
	if n := other.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
	if books, _ := st.Books(e.ctx(), f.GuildID); len(books) != 5 {
		t.Errorf("after the refusals the library holds %d books, want the 5 added", len(books))
	}
	t.Logf("%d downloads for the refusals", len(f.Downloads())-before)
	// The library's limit: 7 here.
	for i, title := range []string{"Emma", "Persuasion"} {
		b := testbook.Book{Title: title, Author: "J. A.", Chapters: []testbook.Chapter{{Heading: "CHAPTER I", Paras: []string{title + " begins here, and nothing happens."}}}}
		e.private(e.add(e.librarian, general, fakediscord.File{Filename: strings.ToLower(title) + ".md", Data: b.Markdown()}), "Added: "+title)
		_ = i
	}
	e.private(e.add(e.librarian, general, fakediscord.File{Filename: "one-more.txt", Data: []byte("CHAPTER I\n\nOne more.\n")}), "library is full", "LIBRARY_MAX_BOOKS")

	// The list, privately.
	e.private(e.book(f.Alice, general, "list"), "The Miller of Dunmore (txt)", "The Miller of Dunmore (pdf)", "Emma", "the server's book", "7 of 7 books")

	// Choices: the server's (librarians), a channel's (its moderators).
	e.private(e.book(e.bob, discussion, "use", fakediscord.StringOption("book", id(ids[".epub"])), fakediscord.StringOption("scope", "channel")), "Only this channel's moderators")
	e.private(e.book(f.Moderator, general, "use", fakediscord.StringOption("book", id(ids[".md"]))), "Only librarians")
	e.private(e.book(f.Moderator, discussion, "use", fakediscord.StringOption("book", id(ids[".epub"])), fakediscord.StringOption("scope", "channel")),
		"This channel now talks about **The Miller of Dunmore (epub)**")
	e.private(e.book(e.librarian, general, "use", fakediscord.StringOption("book", id(ids[".md"]))), "The server now talks about **The Miller of Dunmore (md)**")
	e.private(e.fake.SlashCommand(f.Alice, general, "story"), "The Miller of Dunmore (md)", "the server's choice")
	e.private(e.fake.SlashCommand(f.Alice, discussion, "story"), "The Miller of Dunmore (epub)", "this channel's choice")

	// Every way of asking answers from the channel's book.
	md, epub := "The Miller of Dunmore (md), ch. I", "The Miller of Dunmore (epub), ch. I"
	q := "Who owned the mill?"
	if m := e.final(e.ask(f.Alice, general, q)); !strings.Contains(m.Text(), "Thomas Reed") || !strings.Contains(m.Text(), md) {
		t.Errorf("/ask in the server's book: %q", m.Text())
	}
	if m := e.final(e.ask(f.Alice, discussion, q)); !strings.Contains(m.Text(), epub) {
		t.Errorf("/ask in the channel's book: %q", m.Text())
	}
	if m := e.final(e.ask(f.Alice, general, q, fakediscord.StringOption("book", id(ids[".html"])))); !strings.Contains(m.Text(), "The Miller of Dunmore (html), ch. I") {
		t.Errorf("/ask book:html: %q", m.Text())
	}
	posted := f.PostMessage(f.Alice, general, "<@"+f.BotID+"> "+q)
	if r := e.replyTo(general, posted); !strings.Contains(r.Text(), md) {
		t.Errorf("a mention: %q", r.Text())
	}
	posted = f.PostMessage(f.Alice, discussion, q)
	if r := e.replyTo(discussion, posted); !strings.Contains(r.Text(), epub) {
		t.Errorf("a question in the discussion channel: %q", r.Text())
	}
	posted = f.PostMessage(f.Alice, thread, "<@"+f.BotID+"> "+q)
	if r := e.replyTo(thread, posted); !strings.Contains(r.Text(), md) {
		t.Errorf("a mention in a thread of the server's channel: %q", r.Text())
	}
	target := f.PostMessage(f.Alice, general, q)
	if m := e.final(f.MessageCommand(f.Moderator, general, "Ask the story", target)); !strings.Contains(m.Text(), md) {
		t.Errorf("Ask the story: %q", m.Text())
	}
	if m := e.final(f.SlashCommand(f.Alice, general, "search", fakediscord.StringOption("query", "mill owner"))); !strings.Contains(m.Text(), "The Miller of Dunmore (md)") {
		t.Errorf("/search: %q", m.Text())
	}
	ac := f.Autocomplete(f.Alice, general, "source", fakediscord.Option{Name: "ref", Type: 3, Value: "mill", Focused: true})
	r, err := ac.WaitResponse(e.ctx())
	if err != nil || len(r.Choices) == 0 || !strings.Contains(r.Choices[0].Name, "The Miller of Dunmore (md)") {
		t.Errorf("/source suggestions: %+v, %v", r.Choices, err)
	} else if m := e.final(f.SlashCommand(f.Alice, general, "source", fakediscord.StringOption("ref", r.Choices[0].Value.(string)))); !strings.Contains(m.Text(), "The Miller of Dunmore (md)") {
		t.Errorf("/source: %q", m.Text())
	}
	e.private(e.fake.SlashCommand(f.Moderator, general, "qa", fakediscord.Subcommand("start")), "")
	if m := e.private(e.fake.SlashCommand(f.Alice, general, "qa", fakediscord.Subcommand("ask", fakediscord.StringOption("question", q)))); !strings.Contains(m.Text(), md) {
		t.Errorf("/qa ask draft: %q", m.Text())
	}

	// The channel has read chapter I: nothing after it shows, wherever
	// it is asked, until a member asks for spoilers.
	e.private(e.book(f.Alice, general, "progress", fakediscord.StringOption("chapter", "#1")), "Only this channel's moderators", "mine:true")
	e.private(e.book(f.Moderator, general, "progress", fakediscord.StringOption("chapter", "I")), "This channel has read **The Miller of Dunmore (md)** up to ch. I, “The Offer”")
	// Bob has read it all; the channel has not.
	e.private(e.book(e.bob, general, "progress", fakediscord.StringOption("chapter", "#3"), fakediscord.BooleanOption("mine", true)), "You have read **The Miller of Dunmore (md)** up to ch. III")
	mark := time.Now()
	later := "Who paid his bill?"
	beyond := "The book answers this after ch. I, beyond where this channel has read."
	if m := e.final(e.ask(f.Alice, general, later)); !strings.Contains(m.Text(), beyond) {
		t.Errorf("/ask beyond the channel's progress: %q", m.Text())
	}
	posted = f.PostMessage(f.Alice, general, "<@"+f.BotID+"> "+later)
	if r := e.replyTo(general, posted); !strings.Contains(r.Text(), beyond) {
		t.Errorf("a mention beyond the progress: %q", r.Text())
	}
	posted = f.PostMessage(f.Alice, thread, "<@"+f.BotID+"> "+later)
	if r := e.replyTo(thread, posted); !strings.Contains(r.Text(), beyond) {
		t.Errorf("a thread follows its channel's progress: %q", r.Text())
	}
	target = f.PostMessage(f.Alice, general, later)
	if m := e.final(f.MessageCommand(f.Moderator, general, "Ask the story", target)); !strings.Contains(m.Text(), beyond) {
		t.Errorf("Ask the story beyond the progress: %q", m.Text())
	}
	e.final(f.SlashCommand(f.Alice, general, "search", fakediscord.StringOption("query", "who paid the bill and left the inn on a horse")))
	for _, typed := range []string{"", "bill", "The Miller of Dunmore (md), ch. III"} {
		ac := f.Autocomplete(f.Alice, general, "source", fakediscord.Option{Name: "ref", Type: 3, Value: typed, Focused: true})
		if _, err := ac.WaitResponse(e.ctx()); err != nil {
			t.Fatal(err)
		}
	}
	e.final(f.SlashCommand(f.Alice, general, "source", fakediscord.StringOption("ref", "The Miller of Dunmore (md), ch. III, ¶2")))
	ac = f.Autocomplete(f.Moderator, general, "book", fakediscord.Subcommand("progress", fakediscord.Option{Name: "chapter", Type: 3, Value: "", Focused: true}))
	if r, err := ac.WaitResponse(e.ctx()); err != nil || len(r.Choices) != 4 || r.Choices[3].Name != "ch. III" || r.Choices[1].Name != "ch. I — The Offer" {
		t.Errorf("chapter suggestions = %+v, %v; want the whole book, then ch. I named and the later ones by label", r.Choices, err)
	}
	e.private(e.book(f.Alice, general, "info", fakediscord.StringOption("book", id(ids[".md"]))), "This channel: ch. I, “The Offer”")
	e.private(e.fake.SlashCommand(e.bob, general, "qa", fakediscord.Subcommand("ask", fakediscord.StringOption("question", later))))
	e.private(e.fake.SlashCommand(f.Alice, general, "story"), "Answers stop at ch. I")
	// A member who has read further gets the channel's progress in public,
	// and theirs in private.
	if m := e.final(e.ask(e.bob, general, later)); !strings.Contains(m.Text(), beyond) || !strings.Contains(m.Text(), "you have read to ch. III") {
		t.Errorf("a member's public question beyond the channel's progress: %q", m.Text())
	}
	bodies := e.bodiesSince(mark)
	checked := 0
	for _, b := range bodies {
		b = strings.ReplaceAll(b, later, "")
		if l := leaks(b, append(testbook.MillerLater, testbook.MillerMiddle...)); len(l) > 0 {
			t.Errorf("a body the bot sent shows %q from after ch. I:\n%s", l, b)
		}
		checked++
	}
	t.Logf("%d bodies sent while the channel had read ch. I, none showing a later word", checked)
	if checked < 15 {
		t.Errorf("only %d bodies checked", checked)
	}

	if m := e.private(e.ask(e.bob, general, later, fakediscord.BooleanOption("private", true))); !strings.Contains(m.Text(), "Bristol") {
		t.Errorf("the member's own progress, in private: %q", m.Text())
	}
	m := e.final(e.ask(f.Alice, general, later, fakediscord.BooleanOption("spoilers", true)))
	if !strings.Contains(m.Text(), "||") || len(leaks(m.Text(), testbook.MillerLater)) > 0 || !strings.Contains(m.Text(), "Spoilers") {
		t.Errorf("spoilers:true = %q; want the later text in ||…|| only", m.Text())
	}
	// Its Sources show the later passage only in spoiler markup.
	if src := sourcesOf(m); src == "" {
		t.Errorf("no Sources button on the spoiler answer")
	} else if s := e.final(f.Button(f.Alice, m, src)); !strings.Contains(s.Text(), "||") || len(leaks(s.Text(), testbook.MillerLater)) > 0 {
		t.Errorf("Sources of the spoiler answer = %q", s.Text())
	}

	// Two servers: the other sees none of these books, by any ID.
	e.private(e.book(e.librarian, channel2, "list"), "No books yet")
	if m := e.final(e.ask(f.Alice, channel2, "Where did Macron meet Putin?")); !strings.Contains(m.Text(), "Versailles") {
		t.Errorf("the other server's answer: %q", m.Text())
	}
	e.final(e.ask(f.Alice, channel2, q, fakediscord.StringOption("book", id(ids[".md"]))))
	for _, it := range []*fakediscord.Interaction{
		e.ask(f.Alice, channel2, q, fakediscord.StringOption("book", id(ids[".md"]))),
		e.book(e.librarian, channel2, "info", fakediscord.StringOption("book", id(ids[".md"]))),
		e.book(e.librarian, channel2, "remove", fakediscord.StringOption("book", id(ids[".md"]))),
		e.book(e.librarian, channel2, "use", fakediscord.StringOption("book", id(ids[".md"]))),
	} {
		if m := e.final(it); !strings.Contains(m.Text(), "not in this server's library") && !strings.Contains(m.Text(), "No book called") {
			t.Errorf("another server's book by its ID: %q", m.Text())
		}
	}
	ac = f.Autocomplete(f.Alice, channel2, "ask", fakediscord.StringOption("question", q), fakediscord.Option{Name: "book", Type: 3, Value: "", Focused: true})
	if r, err := ac.WaitResponse(e.ctx()); err != nil || len(r.Choices) != 0 {
		t.Errorf("book suggestions in the other server = %+v, %v", r.Choices, err)
	}
	e.private(e.add(e.librarian, channel2, fakediscord.File{Filename: "emma.md", Data: []byte("# Emma of Elsewhere\n\nEmma lived in another server.\n")}), "Added: Emma of Elsewhere")
	if m := e.private(e.book(f.Alice, general, "list")); strings.Contains(m.Text(), "Elsewhere") {
		t.Errorf("the first server lists the other's book: %q", m.Text())
	}

	// A restart: books, choices and progress are all still there, and a
	// book's first question is deferred at once and answered when indexed.
	e.restart()
	mark = time.Now()
	it := e.ask(f.Alice, general, later)
	if r, err := it.WaitResponse(e.ctx()); err != nil || r.Type != fakediscord.ResponseDeferred || r.Delay > fakediscord.InteractionDeadline {
		t.Errorf("first question after a restart: response %+v, %v; want deferred within 3 s", r, err)
	}
	if m := e.final(it); !strings.Contains(m.Text(), beyond) {
		t.Errorf("after a restart the channel's progress is gone: %q", m.Text())
	}
	opened := false
	for _, b := range e.bodiesSince(mark) {
		opened = opened || strings.Contains(b, "Opening **The Miller of Dunmore (md)** (its index is being built)")
	}
	if !opened {
		t.Errorf("the first question after a restart did not say the book was being opened")
	}
	if m := e.private(e.ask(e.bob, general, later, fakediscord.BooleanOption("private", true))); !strings.Contains(m.Text(), "Bristol") {
		t.Errorf("after a restart the member's progress is gone: %q", m.Text())
	}
	if m := e.final(e.ask(f.Alice, discussion, q)); !strings.Contains(m.Text(), epub) {
		t.Errorf("after a restart the channel's book is gone: %q", m.Text())
	}

	// Removal: librarians only, confirmed, and then gone everywhere.
	fromEpub := e.final(e.ask(f.Alice, discussion, q))
	e.private(e.book(e.bob, general, "remove", fakediscord.StringOption("book", id(ids[".epub"]))), "Only librarians")
	confirm := e.private(e.book(e.librarian, general, "remove", fakediscord.StringOption("book", id(ids[".epub"]))), "Remove **The Miller of Dunmore (epub)**")
	e.private(f.Button(e.bob, confirm, "book:rm:"+id(ids[".epub"])), "Only librarians")
	if m := e.final(f.Button(e.librarian, confirm, "book:keep:"+id(ids[".epub"]))); !strings.Contains(m.Text(), "Kept **The Miller of Dunmore (epub)**") {
		t.Errorf("Keep it: %q", m.Text())
	}
	confirm = e.private(e.book(e.librarian, general, "remove", fakediscord.StringOption("book", id(ids[".epub"]))))
	if m := e.final(f.Button(e.librarian, confirm, "book:rm:"+id(ids[".epub"]))); !strings.Contains(m.Text(), "Removed **The Miller of Dunmore (epub)**") {
		t.Errorf("Remove it: %q", m.Text())
	}
	if _, err := st.BookFile(e.ctx(), f.GuildID, ids[".epub"]); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("the removed book's file: %v, want it gone", err)
	}
	if m := e.final(e.ask(f.Alice, discussion, q)); !strings.Contains(m.Text(), md) {
		t.Errorf("the channel of a removed book follows the server's: %q", m.Text())
	}
	if m := e.final(e.ask(f.Alice, general, q, fakediscord.StringOption("book", id(ids[".epub"])))); !strings.Contains(m.Text(), "not in this server's library") {
		t.Errorf("asking a removed book: %q", m.Text())
	}
	if books, _ := st.Books(e.ctx(), f.GuildID); len(books) != 6 {
		t.Errorf("after removing one, %d books", len(books))
	}
	if m := e.final(f.Button(f.Alice, fromEpub, sourcesOf(fromEpub))); !strings.Contains(m.Text(), "no longer available") {
		t.Errorf("Sources of an answer from the removed book = %q", m.Text())
	}
}

// TestLibraryMemoryBudget asks five books in turn with a budget that
// holds two indexes: the least recently used are unloaded, never more
// than the budget is held, and every book still answers, again and again.
func TestLibraryMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve end to end")
	}
	e := newLibEnv(t, "LIBRARY_MEMORY_MB=5")
	f := e.fake
	for _, ext := range testbook.Formats {
		e.private(e.add(e.librarian, f.ChannelID, fakediscord.File{Filename: "miller" + ext, Data: millerAs(ext).File(ext)}), "Added")
	}
	st := e.store()
	for round := range 2 {
		for _, ext := range testbook.Formats {
			m := e.final(e.ask(f.Alice, f.ChannelID, "Who owned the mill?", fakediscord.StringOption("book", id(e.bookID(st, f.GuildID, millerAs(ext).Title)))))
			if !strings.Contains(m.Text(), "Thomas Reed") || !strings.Contains(m.Text(), millerAs(ext).Title) {
				t.Errorf("round %d, %s: %q", round, ext, m.Text())
			}
		}
	}
	logs := e.logs.String()
	unloads := strings.Count(logs, "unloaded a book to keep within the memory budget")
	builds := strings.Count(logs, "library: indexed a book")
	used := regexp.MustCompile(`used_mb=([0-9.]+)`)
	most := 0.0
	for _, m := range used.FindAllStringSubmatch(logs, -1) {
		var v float64
		fmt.Sscan(m[1], &v)
		most = max(most, v)
	}
	t.Logf("5 books asked twice with LIBRARY_MEMORY_MB=5: %d indexed again, %d unloaded, at most %.1f MB held", builds, unloads, most)
	if unloads < 5 || builds < 5 || most > 5 {
		t.Errorf("%d unloads, %d builds, at most %.1f MB held; want the budget of 5 MB kept by unloading", unloads, builds, most)
	}
}

// TestLibraryOff: LIBRARY_MAX_BOOKS=0 serves no /book, and every question
// is answered from the default corpus.
func TestLibraryOff(t *testing.T) {
	e := newLibEnv(t, "LIBRARY_MAX_BOOKS=0")
	for _, c := range e.fake.Commands() {
		if c.Name == "book" {
			t.Errorf("/book is registered with the library off")
		}
		for _, o := range c.Options {
			if o.Name == "book" || o.Name == "spoilers" {
				t.Errorf("/%s has the option %s with the library off", c.Name, o.Name)
			}
		}
	}
	if m := e.final(e.ask(e.fake.Alice, e.fake.ChannelID, "Where did Macron meet Putin?")); !strings.Contains(m.Text(), "Versailles") {
		t.Errorf("with the library off: %q", m.Text())
	}
}

// sourcesOf returns the custom ID of a message's Sources button.
func sourcesOf(m *fakediscord.Message) string {
	for _, id := range m.CustomIDs() {
		if strings.HasPrefix(id, "src:") || strings.HasPrefix(id, "srk:") {
			return id
		}
	}
	return ""
}

// TestAskUntilChapter: the command line reads as far as --until-chapter,
// as /book progress does on Discord, with --spoilers, --json and --jsonl.
func TestAskUntilChapter(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	book := filepath.Join(dir, "miller.epub")
	if err := os.WriteFile(book, testbook.Miller.EPUB(), 0o644); err != nil {
		t.Fatal(err)
	}
	q := "Who paid his bill?"
	for _, tc := range []struct {
		args      []string
		stdin     string
		want      []string
		spoilered bool
	}{
		{[]string{"ask", "--corpus", book, q}, "", []string{"Bristol"}, false},
		{[]string{"ask", "--corpus", book, "--until-chapter", "1", q}, "", []string{"The book answers this after ch. I, beyond where you have read."}, false},
		{[]string{"ask", "--corpus", book, "--until-chapter", "The Sluice", "--json", q}, "", []string{`"found":false`, `"beyond":true`, "after ch. II"}, false},
		{[]string{"ask", "--corpus", book, "--until-chapter", "ch. II", "--spoilers", "--json", q}, "", []string{`"found":true`, `"beyond":true`, "||"}, true},
		{[]string{"ask", "--jsonl", "--corpus", book, "--until-chapter", "II"}, `{"id":"a","question":"Who paid his bill?"}` + "\n" + `{"id":"b","question":"Who owned the mill?"}` + "\n",
			[]string{`"id":"a"`, `"beyond":true`, `"id":"b"`, "Thomas Reed"}, false},
		{[]string{"search", "--corpus", book, "--until-chapter", "1", "bill paid landlord coach"}, "", nil, false},
	} {
		out, _, err := runCLI(t, tc.stdin, tc.args...)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q = %s; want it to say %q", tc.args, out, w)
			}
		}
		if slices.Contains(tc.args, "--until-chapter") {
			if l := leaks(strings.ReplaceAll(out, q, ""), testbook.MillerLater); len(l) > 0 {
				t.Errorf("%q shows %q outside ||…||: %s", tc.args, l, out)
			}
			if tc.spoilered != strings.Contains(out, "||") {
				t.Errorf("%q: spoiler markup %v, want %v", tc.args, !tc.spoilered, tc.spoilered)
			}
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ask", "--corpus", book, "--until-chapter", "9", q}, `--until-chapter 9: no such chapter: "9" (the text has 3, ch. I to ch. III)`},
		{[]string{"ask", "--spoilers", q}, "--spoilers needs --until-chapter"},
		{[]string{"ask", "--until-chapter", "1", q}, "the text has no chapters"},
	} {
		if _, _, err := runCLI(t, "", tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q = %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
}

// TestLibraryMeaning checks LLM_EMBED_MODEL for the library's books: a
// book added is embedded in the background, the model is then given the
// sentence nearest the question's meaning, which its words miss, and
// after a restart the book's vectors are read back from the cache folder
// instead of being made again.
func TestLibraryMeaning(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve end to end")
	}
	srv := fakeopenai.New(t, "")
	const gate = "They mended the gate before Christmas."
	srv.SetEmbed(func(text string) []float32 {
		if strings.Contains(text, "mended") || strings.Contains(text, "zorblax") {
			return []float32{1, 0}
		}
		return []float32{0, 1}
	})
	var mu sync.Mutex
	var prompts []string
	srv.SetDefault(func(r fakeopenai.Request) fakeopenai.Reply {
		mu.Lock()
		defer mu.Unlock()
		var b strings.Builder
		for _, m := range r.Chat.Messages {
			b.WriteString(m.Content)
		}
		prompts = append(prompts, b.String())
		return fakeopenai.Reply{Text: "He rode in from the north [1]."}
	})
	cache := t.TempDir()
	e := newLibEnv(t, "LLM_BASE_URL="+srv.BaseURL(), "LLM_API_KEY="+srv.Key(), "LLM_MODEL=test-model",
		"LLM_EMBED_MODEL=embed-model", "LLM_REWRITE=false", "LLM_RETRIES=0", "INDEX_CACHE_DIR="+cache)
	f := e.fake
	inputs := func() (n int) {
		for _, r := range srv.Requests() {
			n += len(r.Inputs)
		}
		return n
	}
	embedded := func(want int) {
		t.Helper()
		for range 1000 {
			if strings.Count(e.logs.String(), "library: embedded a book's sentences") >= want {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("the book was not embedded within 10s")
	}
	story := inputs()
	e.private(e.add(e.librarian, f.ChannelID, fakediscord.File{Filename: "miller.txt", Data: millerAs(".txt").Text()}), "Added")
	embedded(1)
	book := inputs() - story
	ask := func() string {
		t.Helper()
		mu.Lock()
		before := len(prompts)
		mu.Unlock()
		m := e.final(e.ask(f.Alice, f.ChannelID, "What zorblax did the stranger from the north do?"))
		if !strings.Contains(m.Text(), "north") {
			t.Errorf("answer %q", m.Text())
		}
		mu.Lock()
		defer mu.Unlock()
		if len(prompts) == before {
			t.Fatalf("the model was not asked")
		}
		return prompts[len(prompts)-1]
	}
	if p := ask(); !strings.Contains(p, gate) || !strings.Contains(p, "stranger rode into the village") {
		t.Errorf("the model was given:\n%s\nwant the sentence of the stranger, and the one nearest the question's meaning", p)
	}
	saved, _ := filepath.Glob(filepath.Join(cache, "*"+vectorsExt))
	if book < 10 || len(saved) != 2 {
		t.Errorf("%d of the book's texts embedded, %d vector files saved; want its sentences, and the story's file and the book's", book, len(saved))
	}
	// After a restart the book is built on its first question, and its
	// vectors read back: only questions are embedded.
	e.restart()
	before := inputs()
	ask()
	embedded(2)
	if p := ask(); !strings.Contains(p, gate) {
		t.Errorf("after a restart the model was given:\n%s", p)
	}
	if n := inputs() - before; n > 2 {
		t.Errorf("after a restart %d texts embedded, want the question's alone", n)
	}
}
