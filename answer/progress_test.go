package answer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"storybot/answer"
	"storybot/answer/answertest"
	"storybot/corpus"
	"storybot/internal/shareddir"
	"storybot/retrieval"
)

// bookEngine is the engine over testdata/book.txtar, read as a book.
func bookEngine(t *testing.T, opts answer.Options) *answer.Engine {
	t.Helper()
	eng, _ := fixtureBook(t, "book.txtar", opts)
	return eng
}

// fixtureBook is the engine over the .txt files of a txtar fixture of
// testdata, read as a book (the fixtures are of a few hundred words), and
// their text.
func fixtureBook(t *testing.T, name string, opts answer.Options) (*answer.Engine, string) {
	t.Helper()
	return fixture(t, name, true, opts)
}

// fixture is the engine over the .txt files of a txtar fixture of
// testdata, read as a book or with the default parameters (a fixture then
// reads as an article), and their text.
func fixture(t *testing.T, name string, book bool, opts answer.Options) (*answer.Engine, string) {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	var text strings.Builder
	for _, f := range ar.Files {
		if strings.HasSuffix(f.Name, ".txt") {
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
			text.Write(f.Data)
		}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p := retrieval.DefaultParams
	if book {
		p.BookWords = 300
	}
	return answer.New(retrieval.NewIndexParams(c, p), opts), text.String()
}

// laterWords are words that stand only in chapter 3 of the book.
var laterWords = []string{"Bristol", "landlord", "gold", "Christmas", "diary", "DIARY", "hammer to my father"}

// leaks returns the chapter-3 words that appear in v's JSON outside
// spoiler markup.
func leaks(t *testing.T, v any) []string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	open := regexp.MustCompile(`\|\|.*?\|\|`).ReplaceAllString(string(data), "")
	var out []string
	for _, w := range laterWords {
		if strings.Contains(open, w) {
			out = append(out, w)
		}
	}
	return out
}

func upTo(t *testing.T, e *answer.Engine, ch int, reader string) *answer.Engine {
	t.Helper()
	v, err := e.UpTo(answer.Progress{Chapter: ch, Reader: reader})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestChapters(t *testing.T) {
	e := bookEngine(t, answer.Options{})
	var got []string
	for _, m := range e.Chapters() {
		got = append(got, fmt.Sprintf("%d %s %s", m.N, m.Label, m.Title))
	}
	want := []string{"1 ch. 1 The Miller of Dunmore", "2 ch. 2 The Miller of Dunmore", "3 ch. 3 The Miller of Dunmore"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Chapters = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		ch   int
		err  bool
		full bool
	}{{0, false, true}, {1, false, false}, {2, false, false}, {3, false, true}, {4, true, false}, {-1, true, false}} {
		v, err := e.UpTo(answer.Progress{Chapter: tc.ch})
		if tc.err {
			if !errors.Is(err, answer.ErrNoChapter) {
				t.Errorf("UpTo(%d) error %v, want ErrNoChapter", tc.ch, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("UpTo(%d): %v", tc.ch, err)
		}
		if _, limited := v.Progress(); limited == tc.full {
			t.Errorf("UpTo(%d) limited %v, want %v", tc.ch, limited, !tc.full)
		}
	}
	// A view of a view is a view of the whole book.
	if m, _ := upTo(t, upTo(t, e, 1, ""), 2, "").Progress(); m.N != 2 {
		t.Errorf("UpTo(2) of UpTo(1) reads to chapter %d", m.N)
	}
	c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte("No chapters here. Only this.")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := answer.New(retrieval.NewIndex(c), answer.Options{}).UpTo(answer.Progress{Chapter: 1}); !errors.Is(err, answer.ErrNoChapter) {
		t.Errorf("UpTo on a text without chapters: %v", err)
	}
}

func TestProgressAnswers(t *testing.T) {
	ctx := context.Background()
	e := bookEngine(t, answer.Options{})
	for _, tc := range []struct {
		q       string
		ch      int
		reader  string
		found   bool
		beyond  bool
		holds   string
		spoiler string // with Spoilers: the start of the hidden quotation
	}{
		{q: "How old is Anna?", ch: 1, found: true, holds: "nineteen"},
		{q: "At which inn did the captain take a room?", ch: 2, found: true, holds: "Black Swan"},
		{q: "At which inn did the captain take a room?", ch: 1, beyond: true, holds: "The book answers this after ch. 1, beyond where you have read.", spoiler: "He took a room at the Black Swan"},
		{q: "How much did the new iron for the gate cost?", ch: 2, reader: "this channel", beyond: true, holds: "after ch. 2, beyond where this channel has read", spoiler: "We mended the gate"},
		{q: "How much did the new iron for the gate cost?", ch: 3, found: true, holds: "forty pounds"},
		// A name needs more confidence than a book's answer of another
		// kind (Thresholds.NameConfidence): the passage comes first.
		{q: "Where did the captain leave for?", ch: 3, holds: "doesn't say plainly"},
		{q: "What colour is Anna's horse?", ch: 2, holds: "doesn't say"},
		{q: "What is chapter 3 called?", ch: 2, found: true, holds: "ch. 3 comes after where you have read"},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.q, tc.ch), func(t *testing.T) {
			v := upTo(t, e, tc.ch, tc.reader)
			a, err := v.Answer(ctx, answer.Question{Text: tc.q, Mode: answer.ModeKeyword})
			if err != nil {
				t.Fatal(err)
			}
			if a.Found != tc.found || a.Beyond != tc.beyond || !strings.Contains(a.Text, tc.holds) {
				t.Fatalf("found %v beyond %v %q; want found %v beyond %v holding %q", a.Found, a.Beyond, a.Text, tc.found, tc.beyond, tc.holds)
			}
			if tc.ch < 3 {
				a.Question = "" // the asker's own words may name anything
				if l := leaks(t, a); len(l) > 0 {
					t.Errorf("answer shows later text %q: %+v", l, a)
				}
			}
			if tc.spoiler == "" {
				return
			}
			s, err := v.Answer(ctx, answer.Question{Text: tc.q, Mode: answer.ModeKeyword, Spoilers: true})
			if err != nil {
				t.Fatal(err)
			}
			if !s.Found || !strings.Contains(s.Text, "“||"+tc.spoiler) || !strings.Contains(s.Notice, "Spoilers") {
				t.Fatalf("with spoilers: found %v %q (notice %q)", s.Found, s.Text, s.Notice)
			}
			s.Question = ""
			if l := leaks(t, s); len(l) > 0 {
				t.Errorf("spoiler answer shows later text %q outside ||…||: %q", l, s.Text)
			}
			hidden := 0
			for _, c := range s.Citations {
				if c.Beyond {
					hidden++
					if !strings.HasPrefix(c.Text, "||") || !strings.HasSuffix(c.Text, "||") {
						t.Errorf("hidden citation not in spoiler markup: %q", c.Text)
					}
				}
			}
			if hidden == 0 {
				t.Errorf("no citation marked beyond: %+v", s.Citations)
			}
		})
	}
}

func TestProgressLookups(t *testing.T) {
	e := bookEngine(t, answer.Options{})
	v := upTo(t, e, 2, "")
	hits, err := v.Search("captain left for Bristol on the early coach and paid in gold", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Fatal("no hits at all from chapters 1 and 2")
	}
	if l := leaks(t, hits); len(l) > 0 {
		t.Errorf("Search shows later text %q", l)
	}
	for _, h := range hits {
		if h.Chapter == "ch. 3" {
			t.Errorf("Search found %q in ch. 3", h.Text)
		}
	}
	if full, _ := e.Search("captain left for Bristol", 3); len(full) == 0 || full[0].Chapter != "ch. 3" {
		t.Errorf("the whole book's Search: %+v", full)
	}
	for _, prefix := range []string{"", "The Miller of Dunmore, ch. 3", "Bristol", "captain"} {
		if l := leaks(t, v.Suggest(prefix, 50)); len(l) > 0 {
			t.Errorf("Suggest(%q) shows later text %q", prefix, l)
		}
	}
	if _, err := v.Source("The Miller of Dunmore, ch. 3, ¶2"); !errors.Is(err, answer.ErrBeyond) {
		t.Errorf("Source of ch. 3: %v, want ErrBeyond", err)
	}
	if _, err := e.Source("The Miller of Dunmore, ch. 3, ¶2"); err != nil {
		t.Errorf("the whole book's Source of ch. 3: %v", err)
	}
	// The last paragraph of chapter 2 shows no paragraph after it.
	src, err := v.Source("The Miller of Dunmore, ch. 2, ¶3")
	if err != nil {
		t.Fatal(err)
	}
	if src.After != "" || !strings.Contains(src.Paragraph, "hammer") {
		t.Errorf("last paragraph of ch. 2: %+v", src)
	}
	ps, err := v.Passages(context.Background(), answer.Question{Text: "Where did the captain go, and who told them?"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if l := leaks(t, ps); len(l) > 0 {
		t.Errorf("Passages show later text %q", l)
	}
}

func TestProgressModel(t *testing.T) {
	ctx := context.Background()
	g := &answertest.Generator{}
	e := bookEngine(t, answer.Options{Generator: g})
	v := upTo(t, e, 2, "")
	a, err := v.Answer(ctx, answer.Question{Text: "Where did the captain leave for on the early coach?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range g.Calls() {
		if l := leaks(t, in.Passages); len(l) > 0 {
			t.Errorf("the model was given later text %q", l)
		}
	}
	if l := leaks(t, a); len(l) > 0 {
		t.Errorf("answer shows later text %q: %q", l, a.Text)
	}
	streamed := 0
	s, err := v.Answer(ctx, answer.Question{Text: "Where did the captain leave for on the early coach?", Spoilers: true,
		Stream: func(string) { streamed++ }})
	if err != nil {
		t.Fatal(err)
	}
	if streamed != 0 {
		t.Errorf("a spoiler answer was streamed %d times before it was hidden", streamed)
	}
	if s.Mode != answer.ModeLLM || !s.Found || !strings.HasPrefix(s.Text, "||") {
		t.Fatalf("model answer with spoilers: %s found %v %q", s.Mode, s.Found, s.Text)
	}
	if l := leaks(t, s); len(l) > 0 {
		t.Errorf("spoiler model answer shows %q outside ||…||: %q", l, s.Text)
	}
}

// TestProgressOnABook asks every reader question of the shared Pride and
// Prejudice set of a reader at chapters 5, 20 and 40 and checks that no
// answer, search hit, passage or related passage comes from later on.
func TestProgressOnABook(t *testing.T) {
	book, err := shareddir.Path("corpora", "gutenberg", "pg1342.txt")
	if err != nil {
		t.Skip("skipped: no ../shared/corpora/gutenberg/pg1342.txt")
	}
	qpath, err := shareddir.Path("eval", "books", "pride-dev.jsonl")
	if err != nil {
		t.Skip("skipped: no ../shared/eval/books/pride-dev.jsonl")
	}
	c, err := corpus.LoadPath(book, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := answer.New(retrieval.NewIndex(c), answer.Options{Generator: &answertest.Generator{}})
	marks := map[string]int{}
	for _, m := range e.Chapters() {
		marks[m.Label] = m.N
	}
	// The shared file lost the headings of chapters 1 and 2: they stand
	// before the first chapter, always read.
	if len(marks) != 59 || marks["ch. 3"] != 1 || marks["ch. 61"] != 59 {
		t.Fatalf("Pride and Prejudice has chapters %v, want ch. 3 to ch. 61", marks)
	}
	data, err := os.ReadFile(qpath)
	if err != nil {
		t.Fatal(err)
	}
	var questions []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var q struct{ Question string }
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatal(err)
		}
		questions = append(questions, q.Question)
	}
	ctx := context.Background()
	for _, name := range []string{"5", "20", "40"} {
		m, err := e.FindChapter(name)
		if err != nil {
			t.Fatal(err)
		}
		if m.Label != "ch. "+name {
			t.Fatalf("FindChapter(%q) = %s", name, m.Label)
		}
		ch := m.N
		v := upTo(t, e, ch, "")
		check := func(what string, cs []answer.Citation) {
			for _, c := range cs {
				if n, ok := marks[c.Chapter]; !c.Beyond && c.Chapter != "" && (!ok || n > ch) {
					t.Errorf("reading to %s, %s cites %s (%q)", m.Label, what, c.Ref, c.Text)
				}
			}
		}
		beyond := 0
		for _, q := range questions {
			for _, mode := range []answer.Mode{answer.ModeKeyword, answer.ModeLLM} {
				a, err := v.Answer(ctx, answer.Question{Text: q, Mode: mode})
				if err != nil {
					t.Fatal(err)
				}
				check("the answer to "+q, a.Citations)
				check("the related passages of "+q, a.Related)
				if a.Beyond {
					beyond++
				}
			}
			hits, err := v.Search(q, 10)
			if err != nil {
				t.Fatal(err)
			}
			check("the search for "+q, hits)
			ps, err := v.Passages(context.Background(), answer.Question{Text: q}, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				check("the passages for "+q, []answer.Citation{p.Cite})
			}
		}
		t.Logf("reading to %s: %d of %d answers say the book answers later", m.Label, beyond/2, len(questions))
	}
}

// TestObserved checks that an observed engine reports every answer once,
// its views' answers included (beyond, spoiled or found), as given, and
// errors not at all.
func TestObserved(t *testing.T) {
	ctx := context.Background()
	var seen []answer.Answer
	e := bookEngine(t, answer.Options{}).Observed(func(a answer.Answer) { seen = append(seen, a) })
	v := upTo(t, e, 1, "")
	for _, q := range []answer.Question{
		{Text: "How old is Anna?"},                                          // found in the view
		{Text: "At which inn did the captain take a room?"},                 // beyond: the whole book asked too
		{Text: "At which inn did the captain take a room?", Spoilers: true}, // from the whole book
	} {
		q.Mode = answer.ModeKeyword
		n := len(seen)
		a, err := v.Answer(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) != n+1 {
			t.Fatalf("%q: observed %d answers, want 1", q.Text, len(seen)-n)
		}
		if got := seen[len(seen)-1]; got.Text != a.Text || got.Found != a.Found || got.Beyond != a.Beyond {
			t.Errorf("%q: observed %+v, answered %+v", q.Text, got, a)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Answer(cancelled, answer.Question{Text: "How old is Anna?"}); err == nil {
		t.Fatal("answered with its context cancelled")
	}
	if len(seen) != 3 {
		t.Errorf("an error was observed: %d answers", len(seen))
	}
	// The engines made with its options (a library's books) report too.
	if e.Options().Observe == nil {
		t.Error("Options() lost Observe")
	}
}
