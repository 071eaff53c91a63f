package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"storybot/answer"
	"storybot/corpus"
	"storybot/internal/shareddir"
	"storybot/retrieval"
)

// copyFile copies src into dir.
func copyFile(t testing.TB, src, dir string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// savedFiles lists the saved indexes in dir.
func savedFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"+savedExt))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestIndexCache runs ask on a folder of books with a cache folder: the
// first run builds and saves the index, the next ones load it and answer
// the same; a damaged file is reported, rebuilt and saved again; a changed
// corpus or limit is another file; "off" saves nothing, and a cache folder
// that cannot be written costs a warning, not the answer.
func TestIndexCache(t *testing.T) {
	books, err := filepath.Abs(filepath.Join("..", "..", "corpus", "testdata", "books"))
	if err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	cache := t.TempDir()
	t.Setenv("INDEX_CACHE_DIR", cache)
	t.Setenv("LOG_LEVEL", "debug")
	dir := t.TempDir()
	copyFile(t, filepath.Join(books, "gutenberg.txt"), dir)
	copyFile(t, filepath.Join(books, "lighthouse.html"), dir)
	os.WriteFile(filepath.Join(dir, "blob.txt"), []byte{0, 1, 2, 'x'}, 0o644)
	ask := func(t *testing.T) (out, log string) {
		t.Helper()
		out, log, err := runCLI(t, "", "ask", "--corpus", dir, "--json", "Who met Mara at the jetty?")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(log, "skipped file") || !strings.Contains(log, "blob.txt") {
			t.Errorf("the skipped file is not logged:\n%s", log)
		}
		return out, log
	}
	want, log := ask(t)
	if !strings.Contains(log, "index saved") {
		t.Fatalf("first run: no index saved:\n%s", log)
	}
	files := savedFiles(t, cache)
	if len(files) != 1 {
		t.Fatalf("saved indexes %v, want one", files)
	}
	saved := files[0]
	good, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		out, log := ask(t)
		if !strings.Contains(log, "saved index loaded") || strings.Contains(log, "index saved") {
			t.Errorf("second run: not loaded from the saved index:\n%s", log)
		}
		if out != want {
			t.Errorf("answer from the saved index:\n%s\nwant\n%s", out, want)
		}
	}

	damaged := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated", good[:len(good)/2]},
		{"a byte flipped", func() []byte { b := slices.Clone(good); b[len(b)/3] ^= 0x40; return b }()},
		{"other analysis", func() []byte { b := slices.Clone(good); b[12]++; return b }()},
		{"not an index", []byte("hello")},
	}
	for _, tc := range damaged {
		if err := os.WriteFile(saved, tc.data, 0o600); err != nil {
			t.Fatal(err)
		}
		out, log := ask(t)
		if !strings.Contains(log, "saved index not used") || !strings.Contains(log, "index saved") {
			t.Errorf("%s: the damage is not reported and the index saved again:\n%s", tc.name, log)
		}
		if out != want {
			t.Errorf("%s: answer\n%s\nwant\n%s", tc.name, out, want)
		}
		if _, log := ask(t); !strings.Contains(log, "saved index loaded") {
			t.Errorf("%s: the index saved again is not loaded:\n%s", tc.name, log)
		}
	}

	t.Setenv("MAX_BOOK_MB", "10")
	ask(t)
	if n := len(savedFiles(t, cache)); n != 2 {
		t.Errorf("another limit: %d saved indexes, want 2", n)
	}
	t.Setenv("MAX_BOOK_MB", "50")
	os.WriteFile(filepath.Join(dir, "extra.md"), []byte("# Extra\n\nThe jetty was new.\n"), 0o644)
	if _, log := ask(t); !strings.Contains(log, "index saved") {
		t.Errorf("a changed corpus: no index saved:\n%s", log)
	}
	if n := len(savedFiles(t, cache)); n != 3 {
		t.Errorf("a changed corpus: %d saved indexes, want 3", n)
	}

	t.Setenv("INDEX_CACHE_DIR", "off")
	os.WriteFile(filepath.Join(dir, "extra.md"), []byte("# Extra\n\nThe jetty was old.\n"), 0o644)
	if _, log := ask(t); strings.Contains(log, "index saved") || strings.Contains(log, "saved index") {
		t.Errorf("INDEX_CACHE_DIR=off: the cache was used:\n%s", log)
	}
	if n := len(savedFiles(t, cache)); n != 3 {
		t.Errorf("INDEX_CACHE_DIR=off: %d saved indexes, want 3", n)
	}

	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o600)
	t.Setenv("INDEX_CACHE_DIR", notDir)
	out, log := ask(t)
	if !strings.Contains(log, "level=WARN") || !strings.Contains(log, "index not saved") {
		t.Errorf("a cache folder that is a file: no warning:\n%s", log)
	}
	if !strings.Contains(out, "Mara") {
		t.Errorf("a cache folder that is a file: answer %s", out)
	}
}

// TestAskJSONLSaved checks that ask --jsonl over the story dev set answers
// byte for byte the same from the index built and from the saved one.
func TestAskJSONLSaved(t *testing.T) {
	devSet, err := shareddir.Path("eval", "story-dev.jsonl")
	if err != nil {
		t.Skip(err)
	}
	story, err := filepath.Abs(filepath.Join("..", "..", "seeds", "macron-and-putin-at-versailles.txt"))
	if err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	in, err := os.ReadFile(devSet)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyFile(t, story, dir)
	t.Setenv("INDEX_CACHE_DIR", "off")
	want, _, err := runCLI(t, string(in), "ask", "--jsonl", "--corpus", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("INDEX_CACHE_DIR", t.TempDir())
	t.Setenv("LOG_LEVEL", "debug")
	for i, wantLog := range []string{"index saved", "saved index loaded"} {
		got, log, err := runCLI(t, string(in), "ask", "--jsonl", "--corpus", dir)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(log, wantLog) {
			t.Errorf("run %d: log lacks %q:\n%s", i+1, wantLog, log)
		}
		if got != want {
			t.Errorf("run %d: ask --jsonl differs from the built index's:\n%s", i+1, firstLineDiff(got, want))
		}
	}
}

// firstLineDiff shows the first line in which two outputs differ.
func firstLineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, gl, wl)
		}
	}
	return ""
}

// TestPruneIndexes checks that pruning keeps the file just written and
// the saved indexes used last, up to savedKeep, and removes the others,
// those unused for savedMaxAge and temporary files left behind.
func TestPruneIndexes(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	name := func(i int) string { return filepath.Join(dir, strings.Repeat(fmt.Sprintf("%x", i%16), 64)+savedExt) }
	touch := func(p string, age time.Duration) {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, now.Add(-age), now.Add(-age))
	}
	keep := name(0)
	touch(keep, 0)
	for i := 1; i <= 5; i++ {
		touch(name(i), time.Duration(i)*time.Hour)
	}
	touch(name(6), 40*24*time.Hour)
	oldTemp, newTemp, other := name(7)+".tmp123", name(8)+".tmp456", filepath.Join(dir, "notes.txt")
	touch(oldTemp, 2*time.Hour)
	touch(newTemp, time.Minute)
	touch(other, 100*24*time.Hour)
	pruneSaved(dir, savedExt, keep, savedKeep, now, slog.New(slog.DiscardHandler))
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, filepath.Join(dir, e.Name()))
	}
	want := []string{keep, name(1), name(2), name(3), newTemp, other}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("after pruning:\n%s\nwant\n%s", strings.Join(left, "\n"), strings.Join(want, "\n"))
	}
}

// TestConcurrentSaves has processes save the same index to the same file
// again and again while it is read: every read finds no file yet or a
// whole one, and no temporary file is left.
func TestConcurrentSaves(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	copyFile(t, filepath.Join("..", "..", "corpus", "testdata", "books", "gutenberg.txt"), dir)
	digest, err := corpus.Digest(dir, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	key := retrieval.KeyOf(digest)
	path := filepath.Join(t.TempDir(), key.String()+savedExt)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range cap(errs) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSaveIndex$")
		cmd.Env = append(os.Environ(), "STORYBOT_SAVE_INDEX="+dir+string(os.PathListSeparator)+path)
		wg.Go(func() {
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("%v: %s", err, out)
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	reads := 0
	for loop := true; loop; {
		select {
		case <-done:
			loop = false
		default:
		}
		if _, err := retrieval.LoadFile(path, key); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("read %d while saving: %v", reads, err)
		}
		reads++
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, err := retrieval.LoadFile(path, key); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	t.Logf("%d reads while 4 processes saved", reads)
}

// TestHelperSaveIndex is the process TestConcurrentSaves starts: it
// builds the index of a folder and saves it 20 times.
func TestHelperSaveIndex(t *testing.T) {
	arg := os.Getenv("STORYBOT_SAVE_INDEX")
	if arg == "" {
		return
	}
	dir, path, _ := strings.Cut(arg, string(os.PathListSeparator))
	c, err := corpus.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	digest, err := corpus.Digest(dir, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix := retrieval.NewIndex(c)
	for range 20 {
		if err := saveIndex(path, ix, retrieval.KeyOf(digest)); err != nil {
			t.Fatal(err)
		}
	}
}

// benchConfig is the configuration of the start-up benchmarks.
func benchConfig(cache string) Config {
	return Config{CoreConfig: CoreConfig{MaxBookMB: 50, IndexCacheDir: cache, MaxQuestion: 500, LLMPassages: 30, LLMPassageWords: 2000}}
}

// BenchmarkStartupGutenberg measures loadEngine on the nine books until
// the engine is ready to answer: built (no cache), and from the saved
// index (digest, load, engine).
func BenchmarkStartupGutenberg(b *testing.B) {
	dir, err := shareddir.Path("corpora", "gutenberg")
	if err != nil {
		b.Skip(err)
	}
	logger := slog.New(slog.DiscardHandler)
	cache := b.TempDir()
	if _, err := loadEngine(context.Background(), benchConfig(cache), dir, false, logger); err != nil {
		b.Fatal(err)
	}
	retrieval.Preload()
	for _, bc := range []struct{ name, cache string }{{"build", "off"}, {"saved", cache}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := loadEngine(context.Background(), benchConfig(bc.cache), dir, false, logger); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFirstQuestion measures, in a new process each time, the first
// questions asked of an engine loaded from a saved index of the books:
// with the tables parsed by the first question that needs them, as
// before (lazy), and by loadEngine in the background (preload), asked
// when a bot would, well after start-up (here 250 ms).
func BenchmarkFirstQuestion(b *testing.B) {
	dir, err := shareddir.Path("corpora", "gutenberg")
	if err != nil {
		b.Skip(err)
	}
	cache := b.TempDir()
	if _, err := loadEngine(context.Background(), benchConfig(cache), dir, false, slog.New(slog.DiscardHandler)); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"lazy", "preload"} {
		b.Run(mode, func(b *testing.B) {
			var ready, first, second time.Duration
			n := 0
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFirstQuestion$")
				cmd.Env = append(os.Environ(), "STORYBOT_FIRST_QUESTION="+mode, "STORYBOT_FIRST_DIR="+dir, "STORYBOT_FIRST_CACHE="+cache)
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatal(err, string(out))
				}
				var r, f, s time.Duration
				if _, err := fmt.Sscanf(string(out), "first-question %d %d %d", &r, &f, &s); err != nil {
					b.Fatalf("helper output %q: %v", out, err)
				}
				ready, first, second = ready+r, first+f, second+s
				n++
			}
			b.ReportMetric(float64(ready.Microseconds())/float64(n)/1000, "ready-ms")
			b.ReportMetric(float64(first.Microseconds())/float64(n)/1000, "first-ms")
			b.ReportMetric(float64(second.Microseconds())/float64(n)/1000, "second-ms")
		})
	}
}

// firstQuestions are asked by TestHelperFirstQuestion: a "what N"
// question needs the kind table, a "who" one WordNet and the nouns.
var firstQuestions = []string{"What tool did the sexton use?", "Who is the captain of the Pequod?"}

// TestHelperFirstQuestion is the process BenchmarkFirstQuestion starts:
// it loads the engine and prints how long that took, then, 250 ms later,
// how long the first and the second question took.
func TestHelperFirstQuestion(t *testing.T) {
	mode := os.Getenv("STORYBOT_FIRST_QUESTION")
	if mode == "" {
		return
	}
	dir := os.Getenv("STORYBOT_FIRST_DIR")
	cfg := benchConfig(os.Getenv("STORYBOT_FIRST_CACHE"))
	start := time.Now()
	var eng *answer.Engine
	if mode == "lazy" {
		digest, err := corpus.Digest(dir, cfg.CorpusOptions())
		if err != nil {
			t.Fatal(err)
		}
		ix, err := retrieval.LoadFile(filepath.Join(cfg.IndexCacheDir, retrieval.KeyOf(digest).String()+savedExt), retrieval.KeyOf(digest))
		if err != nil {
			t.Fatal(err)
		}
		eng = answer.New(ix, answer.Options{})
	} else {
		var err error
		if eng, err = loadEngine(context.Background(), cfg, dir, false, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
	}
	ready := time.Since(start)
	time.Sleep(250 * time.Millisecond)
	var took [2]time.Duration
	for i, q := range firstQuestions {
		start := time.Now()
		if _, err := eng.Answer(context.Background(), answer.Question{Text: q, Mode: answer.ModeKeyword}); err != nil {
			t.Fatal(err)
		}
		took[i] = time.Since(start)
	}
	fmt.Printf("first-question %d %d %d\n", ready, took[0], took[1])
}
