package shelf_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/answer"
	"storybot/corpus"
	"storybot/internal/testbook"
	"storybot/library"
	"storybot/library/memstore"
	"storybot/library/shelf"
)

// env is a shelf over an in-memory library with the Miller added to guild
// g1 as a text file.
type env struct {
	t     *testing.T
	st    *memstore.Store
	shelf *shelf.Shelf
	def   *answer.Engine
	book  library.Book
}

func newEnv(t *testing.T, opts shelf.Options) *env {
	t.Helper()
	def, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	st := memstore.New()
	if opts.Store == nil {
		opts.Store = st
	}
	opts.Default = def
	opts.Logger = slog.New(slog.DiscardHandler)
	sh, err := shelf.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, shelf: sh, def: def}
	e.book = e.add("g1", "miller.txt", testbook.Miller.Text())
	return e
}

// add stores a book file in guild, read as the bot would, without holding
// its engine.
func (e *env) add(guild, name string, data []byte) library.Book {
	e.t.Helper()
	rb, err := e.shelf.Read(name, data, "", "")
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := e.st.AddBook(context.Background(), library.NewBook{Book: library.Book{
		GuildID: guild, Title: rb.Title, Author: rb.Author, Filename: name, Kind: rb.Kind,
		TextBytes: rb.TextBytes, Words: rb.Words, Chapters: rb.Chapters, AddedBy: "mod"}, Data: data}, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) choose(guild, channel string, book int64) {
	e.t.Helper()
	if err := e.st.Choose(context.Background(), library.Choice{GuildID: guild, ChannelID: channel, BookID: book, SetBy: "mod"}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) progress(guild string, book int64, channel, user string, chapter int) {
	e.t.Helper()
	err := e.st.SetProgress(context.Background(), library.Progress{GuildID: guild, BookID: book, ChannelID: channel, UserID: user,
		Chapter: chapter, Label: fmt.Sprintf("ch. %s", []string{"", "I", "II", "III"}[chapter]), SetBy: "mod"})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestReadBook(t *testing.T) {
	for _, ext := range testbook.Formats {
		t.Run(ext, func(t *testing.T) {
			data := testbook.Miller.File(ext)
			b, err := shelf.ReadBook("The Miller"+ext, data, "", "", corpus.Options{}, answer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if b.Title != "The Miller of Dunmore" || b.Kind != strings.TrimPrefix(ext, ".") || len(b.Chapters) != 3 ||
				b.Chapters[2] != (library.Chapter{N: 3, Label: "ch. III", Name: "The Bristol Coach"}) || b.Words < 250 || b.TextBytes < 1400 {
				t.Errorf("ReadBook = %q %q %s %+v, %d words, %d bytes", b.Title, b.Author, b.Kind, b.Chapters, b.Words, b.TextBytes)
			}
			hits, err := b.Engine.Search("Captain Edward Hale", 1)
			if err != nil || len(hits) != 1 || !strings.HasPrefix(hits[0].ID, b.SHA256[:10]+"/the-miller/") {
				t.Errorf("passage IDs = %+v, %v; want them to start with the key %s", hits, err, b.SHA256[:10])
			}
		})
	}
	b, err := shelf.ReadBook("x.md", testbook.Miller.Markdown(), " My Title ", "Me", corpus.Options{}, answer.Options{})
	if err != nil || b.Title != "My Title" || b.Author != "Me" {
		t.Fatalf("with a title and author = %q, %q, %v", b.Title, b.Author, err)
	}
	if a, _ := b.Engine.Answer(context.Background(), answer.Question{Text: "Who wrote this book?"}); !strings.Contains(a.Text, "Me") {
		t.Errorf("who wrote it = %q, want the author given", a.Text)
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		reason string
	}{
		{"scan.pdf", testbook.ScannedPDF(), "no text"},
		{"bomb.epub", testbook.ZipBomb(2 << 20), "zip bomb"},
		{"nul.txt", []byte("text\x00with a NUL"), "binary"},
		{"book.exe", []byte("MZ"), "storybot reads .txt"},
		{"empty.txt", []byte("   \n\n"), ""},
	} {
		_, err := shelf.ReadBook(tc.name, tc.data, "", "", corpus.Options{MaxFileBytes: 256 << 10}, answer.Options{})
		var ue *shelf.UnreadableError
		if !errors.As(err, &ue) || !errors.Is(err, shelf.ErrUnreadable) || !strings.Contains(ue.Reason, tc.reason) {
			t.Errorf("ReadBook(%s) = %v, want an UnreadableError saying %q", tc.name, err, tc.reason)
		}
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"Dracula.EPUB":                   "Dracula.epub",
		"../../etc/passwd.txt":           "passwd.txt",
		`C:\books\emma.txt`:              "emma.txt",
		"a/b\x00c<d>.md":                 "b_c_d.md",
		".hidden.txt":                    "hidden.txt",
		".txt":                           "book.txt",
		strings.Repeat("x", 99) + ".pdf": strings.Repeat("x", 60) + ".pdf",
		"Ünïcödé — title.html":           "Ünïcödé _ title.html",
	} {
		if got := shelf.SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPick(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, shelf.Options{})
	emma := e.add("g1", "emma.md", testbook.Book{Title: "Emma", Author: "J. A.", Chapters: []testbook.Chapter{{Heading: "CHAPTER I", Paras: []string{"Emma Woodhouse was handsome, clever, and rich."}}}}.Markdown())
	other := e.add("g2", "miller.txt", testbook.Miller.Text())
	e.choose("g1", "", e.book.ID)
	e.choose("g1", "c2", emma.ID)
	e.choose("g1", "c3", 0)
	for _, tc := range []struct {
		name  string
		r     shelf.Reader
		title string
		from  string
		err   error
	}{
		{"a direct message", shelf.Reader{ChannelID: "dm"}, "Macron and Putin at Versailles", shelf.FromDefault, nil},
		{"a server without books", shelf.Reader{GuildID: "g3", ChannelID: "c1"}, "Macron and Putin at Versailles", shelf.FromDefault, nil},
		{"the server's book", shelf.Reader{GuildID: "g1", ChannelID: "c1"}, "The Miller of Dunmore", shelf.FromServer, nil},
		{"the channel's book", shelf.Reader{GuildID: "g1", ChannelID: "c2"}, "Emma", shelf.FromChannel, nil},
		{"a thread of that channel", shelf.Reader{GuildID: "g1", ChannelID: "t2", ParentID: "c2"}, "Emma", shelf.FromParent, nil},
		{"the default chosen", shelf.Reader{GuildID: "g1", ChannelID: "c3"}, "Macron and Putin at Versailles", shelf.FromChannel, nil},
		{"a book asked for", shelf.Reader{GuildID: "g1", ChannelID: "c2", BookID: e.book.ID}, "The Miller of Dunmore", shelf.FromAsked, nil},
		{"another server's book", shelf.Reader{GuildID: "g1", ChannelID: "c1", BookID: other.ID}, "", "", library.ErrNotFound},
		{"a book that never was", shelf.Reader{GuildID: "g1", ChannelID: "c1", BookID: 999}, "", "", library.ErrNotFound},
	} {
		v, err := e.shelf.Pick(ctx, tc.r)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: Pick = %v, want %v", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || v.Title != tc.title || v.From != tc.from || v.Engine == nil || v.Engine.Stats().Titles[0] != tc.title {
			t.Errorf("%s: Pick = %q from %q, %v; want %q from %q", tc.name, v.Title, v.From, err, tc.title, tc.from)
		}
	}
}

func TestPickProgress(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, shelf.Options{})
	id := e.book.ID
	e.choose("g1", "", id)
	e.progress("g1", id, "c1", "", 1)
	e.progress("g1", id, "", "reader2", 2)
	e.progress("g1", id, "", "reader3", 3)
	e.progress("g1", id, "t9", "", 2) // a thread with its own
	for _, tc := range []struct {
		name    string
		r       shelf.Reader
		chapter int
		whose   string
		own     int
	}{
		{"no progress", shelf.Reader{GuildID: "g1", ChannelID: "c2", UserID: "reader1"}, 0, "", 0},
		{"the channel's", shelf.Reader{GuildID: "g1", ChannelID: "c1", UserID: "reader1"}, 1, shelf.ReaderChannel, 0},
		{"a thread follows its channel", shelf.Reader{GuildID: "g1", ChannelID: "t1", ParentID: "c1"}, 1, shelf.ReaderChannel, 0},
		{"a thread's own", shelf.Reader{GuildID: "g1", ChannelID: "t9", ParentID: "c1"}, 2, shelf.ReaderChannel, 0},
		{"the member's own, in private", shelf.Reader{GuildID: "g1", ChannelID: "c1", UserID: "reader2"}, 2, shelf.ReaderYou, 0},
		{"the member's own beyond the channel's, in public", shelf.Reader{GuildID: "g1", ChannelID: "c1", UserID: "reader2", Public: true}, 1, shelf.ReaderChannel, 2},
		{"the member's own where the channel has none, in public", shelf.Reader{GuildID: "g1", ChannelID: "c2", UserID: "reader2", Public: true}, 2, shelf.ReaderYou, 0},
		{"the member's own, short of the channel's, in public", shelf.Reader{GuildID: "g1", ChannelID: "t9", UserID: "reader1", Public: true}, 2, shelf.ReaderChannel, 0},
		{"the whole book read", shelf.Reader{GuildID: "g1", ChannelID: "c2", UserID: "reader3"}, 3, shelf.ReaderYou, 0},
	} {
		v, err := e.shelf.Pick(ctx, tc.r)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if v.Progress.Chapter != tc.chapter || v.Whose != tc.whose || v.Own.Chapter != tc.own || v.Limited() != (tc.chapter > 0) {
			t.Errorf("%s: progress ch. %d of %q (own %d), want %d of %q (own %d)", tc.name, v.Progress.Chapter, v.Whose, v.Own.Chapter, tc.chapter, tc.whose, tc.own)
		}
		if tc.chapter > 0 && tc.chapter < 3 && v.Mark.N != tc.chapter {
			t.Errorf("%s: mark %+v", tc.name, v.Mark)
		}
	}

	// Through the channel's progress, later chapters answer nothing.
	v, err := e.shelf.Pick(ctx, shelf.Reader{GuildID: "g1", ChannelID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := v.Engine.Answer(ctx, answer.Question{Text: "Who paid his bill?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Found || !a.Beyond || !strings.Contains(a.Text, "beyond where this channel has read") {
		t.Errorf("answer beyond the channel's progress = %+v", a)
	}
	for _, w := range testbook.MillerLater {
		if strings.Contains(a.Text, w) {
			t.Errorf("the answer shows %q: %q", w, a.Text)
		}
	}
	// The default corpus keeps progress too (book 0), when it has chapters.
	e.progress("g3", 0, "c1", "", 1)
	if v, err := e.shelf.Pick(ctx, shelf.Reader{GuildID: "g3", ChannelID: "c1"}); err != nil || v.Limited() {
		t.Errorf("progress through the story, which has no chapters = %+v, %v; want it ignored", v.Progress, err)
	}
}

func TestSource(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, shelf.Options{})
	e.choose("g1", "", e.book.ID)
	e.progress("g1", e.book.ID, "c1", "", 1)
	full, err := e.shelf.Engine(ctx, e.book, nil)
	if err != nil {
		t.Fatal(err)
	}
	later, _ := full.Search("left for Bristol on the early coach", 1)
	early, _ := full.Search("Captain Edward Hale", 1)
	r := shelf.Reader{GuildID: "g1", ChannelID: "c1"}
	if src, err := e.shelf.Source(ctx, r, early[0].ID, false); err != nil || !strings.Contains(src.Sentence, "Captain Edward Hale") {
		t.Errorf("Source(early) = %+v, %v", src, err)
	}
	if _, err := e.shelf.Source(ctx, r, later[0].ID, false); !errors.Is(err, answer.ErrBeyond) {
		t.Errorf("Source(later) = %v, want ErrBeyond", err)
	}
	src, err := e.shelf.Source(ctx, r, later[0].ID, true)
	if err != nil || !strings.HasPrefix(src.Paragraph, "||") || !strings.HasSuffix(src.Paragraph, "||") || src.After != "" || src.Before != "" ||
		!strings.Contains(src.Ref, "after ch. I") {
		t.Errorf("Source(later, spoil) = %+v, %v", src, err)
	}
	// By its key a passage is found in any book of the server, and in no
	// other server.
	e.choose("g1", "c2", 0)
	if src, err := e.shelf.Source(ctx, shelf.Reader{GuildID: "g1", ChannelID: "c2"}, later[0].ID, false); err != nil || !strings.Contains(src.Sentence, "Bristol") {
		t.Errorf("Source from a channel on the default corpus = %+v, %v", src, err)
	}
	if _, err := e.shelf.Source(ctx, shelf.Reader{GuildID: "g2", ChannelID: "c1"}, later[0].ID, false); !errors.Is(err, answer.ErrUnknownRef) {
		t.Errorf("Source from another server = %v, want ErrUnknownRef", err)
	}
	if src, err := e.shelf.Source(ctx, shelf.Reader{GuildID: "g1", ChannelID: "c2"}, "macron-and-putin-at-versailles/1/1", false); err != nil || src.Sentence == "" {
		t.Errorf("Source of the default corpus = %+v, %v", src, err)
	}
}

// slowStore delays reading files, so that questions meet while a book is
// being indexed.
type slowStore struct {
	*memstore.Store
	delay time.Duration
	mu    sync.Mutex
	reads int
}

func (s *slowStore) BookFile(ctx context.Context, guildID string, id int64) ([]byte, error) {
	s.mu.Lock()
	s.reads++
	s.mu.Unlock()
	time.Sleep(s.delay)
	return s.Store.BookFile(ctx, guildID, id)
}

func TestOneBuildAtATime(t *testing.T) {
	e := newEnv(t, shelf.Options{})
	slow := &slowStore{Store: e.st, delay: 200 * time.Millisecond}
	sh, err := shelf.New(shelf.Options{Store: slow, Default: e.def, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e.choose("g1", "", e.book.ID)
	var wg sync.WaitGroup
	var mu sync.Mutex
	waited := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := sh.Pick(context.Background(), shelf.Reader{GuildID: "g1", ChannelID: "c1", Wait: func(title string) {
				mu.Lock()
				waited++
				mu.Unlock()
			}})
			if err != nil || v.Engine == nil {
				t.Errorf("Pick = %v", err)
			}
		}()
	}
	wg.Wait()
	if st := sh.Stats(); st.Builds != 1 || slow.reads != 1 || st.Loaded != 1 {
		t.Errorf("10 questions at once: %d builds, %d reads, %+v; want 1", st.Builds, slow.reads, st)
	}
	if waited == 0 {
		t.Errorf("no question was told to wait")
	}
	// Loaded now: no wait.
	if _, err := sh.Pick(context.Background(), shelf.Reader{GuildID: "g1", ChannelID: "c1", Wait: func(string) { t.Error("waited for a loaded book") }}); err != nil {
		t.Fatal(err)
	}
	// A question that gives up waiting leaves the build to finish.
	sh.Drop(e.book.ID)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := sh.Pick(ctx, shelf.Reader{GuildID: "g1", ChannelID: "c1"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Pick that gives up = %v, want DeadlineExceeded", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !sh.Loaded(e.book.ID) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !sh.Loaded(e.book.ID) {
		t.Errorf("the build did not finish after the question gave up")
	}
}

func TestDropDuringBuild(t *testing.T) {
	e := newEnv(t, shelf.Options{})
	slow := &slowStore{Store: e.st, delay: 200 * time.Millisecond}
	sh, _ := shelf.New(shelf.Options{Store: slow, Default: e.def, Logger: slog.New(slog.DiscardHandler)})
	done := make(chan error, 1)
	go func() {
		_, err := sh.Engine(context.Background(), e.book, nil)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	sh.Drop(e.book.ID)
	if err := <-done; !errors.Is(err, library.ErrNotFound) {
		t.Errorf("a build of a removed book = %v, want ErrNotFound", err)
	}
	if st := sh.Stats(); st.Loaded != 0 || st.Building != 0 || st.Memory != 0 {
		t.Errorf("after the removed book's build: %+v, want nothing held", st)
	}
}

// TestMemoryBudget keeps a budget of two books' indexes while six are
// asked in turn: never more than two are held, the least recently used
// goes first, and every book still answers.
func TestMemoryBudget(t *testing.T) {
	ctx := context.Background()
	one := shelf.Estimate(2000)
	e := newEnv(t, shelf.Options{Memory: 2*one + one/2})
	var books []library.Book
	for i := range 6 {
		b := testbook.Miller
		b.Title = fmt.Sprintf("The Miller, volume %d", i+1)
		books = append(books, e.add("g1", fmt.Sprintf("miller%d.txt", i+1), b.Text()))
	}
	ask := func(b library.Book) {
		t.Helper()
		v, err := e.shelf.Pick(ctx, shelf.Reader{GuildID: "g1", ChannelID: "c1", BookID: b.ID})
		if err != nil {
			t.Fatal(err)
		}
		a, err := v.Engine.Answer(ctx, answer.Question{Text: "Who owned the mill?"})
		if err != nil || !a.Found || !strings.Contains(a.Text, "Thomas Reed") {
			t.Errorf("%s: %q, %v", b.Title, a.Text, err)
		}
		if st := e.shelf.Stats(); st.Memory > st.Budget || st.Loaded > 2 {
			t.Errorf("after asking %s: %+v, over the budget", b.Title, st)
		}
	}
	ask(books[0]) // the shared tables are read on first use: count them out
	e.shelf.Drop(books[0].ID)
	base := heapAlloc()
	for _, b := range books {
		ask(b)
	}
	// The heap holds what the budget allows, give or take the estimate's
	// error (BenchmarkMemory: within 10% for books, 25% over for small ones).
	grew := int64(heapAlloc()) - int64(base)
	t.Logf("six books asked with a budget of %.1f MiB: the heap grew by %.1f MiB", float64(e.shelf.Stats().Budget)/(1<<20), float64(grew)/(1<<20))
	if grew > e.shelf.Stats().Budget*3/2 {
		t.Errorf("the heap grew by %.1f MiB with a budget of %.1f MiB", float64(grew)/(1<<20), float64(e.shelf.Stats().Budget)/(1<<20))
	}
	if st := e.shelf.Stats(); st.Loaded != 2 || st.Unloads != 4 || st.Builds != 7 {
		t.Errorf("after six books: %+v; want 2 loaded, 4 unloaded, 7 built", st)
	}
	// The most recently used stays: ask book 5 again, then a new one.
	ask(books[4])
	ask(books[0])
	if !e.shelf.Loaded(books[4].ID) || e.shelf.Loaded(books[5].ID) {
		t.Errorf("the least recently used book was kept")
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// FuzzSafeName: a safe name stands in a path as one element, without
// control characters, at most 60 characters and an extension, and making
// it safe again changes nothing.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"Dracula.epub", "../../x.txt", `a\b.md`, ".txt", "", "\x00.pdf", "Ünï.html", "a.verylongextension"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := shelf.SafeName(s)
		if got == "" || strings.ContainsAny(got, "/\\\x00") || got == "." || got == ".." || strings.HasPrefix(got, ".") {
			t.Fatalf("SafeName(%q) = %q", s, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("SafeName(%q) = %q holds a control character", s, got)
			}
		}
		if n := len([]rune(got)); n > 71 {
			t.Fatalf("SafeName(%q) = %q, %d characters", s, got, n)
		}
		if again := shelf.SafeName(got); again != got {
			t.Fatalf("SafeName(%q) = %q, then %q", s, got, again)
		}
	})
}
