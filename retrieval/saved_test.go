package retrieval

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"storybot/corpus"
)

var updateAnalysis = flag.Bool("update-analysis", false, "record the saved form of the test corpora in testdata/analysis.golden (after AnalysisVersion was bumped)")

// booksFixture loads the corpus package's book fixtures: every format,
// chapters, files skipped and files loaded with a warning.
func booksFixture(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	c, err := corpus.LoadDir(filepath.Join("..", "corpus", "testdata", "books"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(c.Skipped) == 0 || len(c.Warnings) == 0 {
		tb.Fatalf("the book fixtures should have files skipped and loaded with warnings: %d, %d", len(c.Skipped), len(c.Warnings))
	}
	return c
}

// booksQuestions ask about the book fixtures.
var booksQuestions = []string{
	"Who met Mara at the jetty?",
	"Who keeps the lighthouse?",
	"What did the keeper see in the storm?",
	"How old was the keeper?",
	"When did the ship come?",
	"Where did the boat land?",
	"What tool did he use?",
	"Who wrote the letter?",
}

// saveBytes saves ix under key into memory.
func saveBytes(tb testing.TB, ix *Index, key Key) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Save(&buf, ix, key); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// roundTrip saves ix and loads it back.
func roundTrip(tb testing.TB, ix *Index) *Index {
	tb.Helper()
	key := KeyOf(sha256.Sum256([]byte("test")))
	got, err := Load(saveBytes(tb, ix, key), key)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// savedFields are the fields of Index that a saved index holds or that
// Load rebuilds; lazyFields are filled at query time and start empty.
var (
	savedFields = []string{"corpus", "terms", "sorted", "postings", "sentTerms", "sentFlags", "inNames", "anaphoric", "holds",
		"tieKey", "stem", "aliases", "persons", "places", "resolved", "words", "cands", "stated"}
	rebuiltFields = []string{"vocab", "df", "sentLen", "sentPara", "sentDoc", "avgLen", "params", "synonyms", "negIDs", "long", "book", "blocks"}
	lazyFields    = []string{"scratch", "kinds", "corrections"}
)

// TestSavedFields fails for a field of Index that is neither saved,
// rebuilt on load nor filled lazily: a new field must be added to the
// sections of saved.go, or to Index.rebuild, and to these lists.
func TestSavedFields(t *testing.T) {
	known := slices.Concat(savedFields, rebuiltFields, lazyFields)
	typ := reflect.TypeFor[Index]()
	var names []string
	for i := range typ.NumField() {
		names = append(names, typ.Field(i).Name)
		if !slices.Contains(known, typ.Field(i).Name) {
			t.Errorf("Index.%s is neither saved nor rebuilt nor lazy: add it to saved.go and to the lists of saved_test.go", typ.Field(i).Name)
		}
	}
	for _, n := range known {
		if !slices.Contains(names, n) {
			t.Errorf("the lists of saved_test.go name %s, which Index no longer has", n)
		}
	}
}

// diffIndexes names the fields in which two indexes differ (not the
// lazy ones).
func diffIndexes(a, b *Index) []string {
	var diff []string
	eq := func(name string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			diff = append(diff, name)
		}
	}
	eq("corpus", a.corpus, b.corpus)
	eq("terms", a.terms, b.terms)
	eq("sorted", a.sorted, b.sorted)
	eq("postings", a.postings, b.postings)
	eq("sentTerms", a.sentTerms, b.sentTerms)
	eq("sentFlags", a.sentFlags, b.sentFlags)
	eq("inNames", a.inNames, b.inNames)
	eq("anaphoric", a.anaphoric, b.anaphoric)
	eq("holds", a.holds, b.holds)
	eq("tieKey", a.tieKey, b.tieKey)
	eq("stem", a.stem.cache, b.stem.cache)
	eq("stem.frozen", a.stem.frozen, b.stem.frozen)
	eq("aliases", a.aliases, b.aliases)
	eq("persons", a.persons, b.persons)
	eq("places", a.places, b.places)
	eq("stated", a.stated, b.stated)
	eq("resolved", a.resolved, b.resolved)
	eq("words", a.words, b.words)
	eq("vocab", a.vocab, b.vocab)
	eq("df", a.df, b.df)
	eq("sentLen", a.sentLen, b.sentLen)
	eq("sentPara", a.sentPara, b.sentPara)
	eq("sentDoc", a.sentDoc, b.sentDoc)
	eq("avgLen", a.avgLen, b.avgLen)
	eq("params", a.params, b.params)
	eq("synonyms", a.synonyms, b.synonyms)
	eq("negIDs", a.negIDs, b.negIDs)
	eq("long", a.long, b.long)
	eq("book", a.book, b.book)
	eq("cands", a.cands, b.cands)
	return diff
}

// TestSaveLoad checks that an index saved and loaded is the index built:
// field by field, and in what every search returns.
func TestSaveLoad(t *testing.T) {
	cases := []struct {
		name      string
		c         func(testing.TB) *corpus.Corpus
		questions []string
	}{
		{"story", loadStory, storyQuestions},
		{"books", booksFixture, booksQuestions},
		{"gutenberg", gutenberg, gutenbergQuestions},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "gutenberg" && testing.Short() {
				t.Skip("the books take a second to build")
			}
			built := NewIndex(tc.c(t))
			loaded := roundTrip(t, built)
			if d := diffIndexes(built, loaded); len(d) > 0 {
				t.Fatalf("loaded index differs in %v", d)
			}
			history := []string{}
			for _, q := range tc.questions {
				want := built.Search(Query{Text: q, History: history})
				got := loaded.Search(Query{Text: q, History: history})
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Search(%q) on the loaded index differs:\n got %+v\nwant %+v", q, got, want)
				}
				for _, h := range want.Hits {
					gs, gok := loaded.AnswerSpan(h.Sentence, &got.Question)
					ws, wok := built.AnswerSpan(h.Sentence, &want.Question)
					if gs != ws || gok != wok {
						t.Errorf("AnswerSpan(%q, sentence %d) = %v, %v; want %v, %v", q, h.Sentence, gs, gok, ws, wok)
					}
				}
				history = append(history, q)
			}
		})
	}
}

// TestSaveDeterministic checks that the same corpus saves to the same
// bytes, which TestAnalysisVersion relies on.
func TestSaveDeterministic(t *testing.T) {
	c := booksFixture(t)
	a := saveBytes(t, NewIndex(c), Key{})
	b := saveBytes(t, NewIndex(booksFixture(t)), Key{})
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same corpus saved to different bytes")
	}
	if !bytes.Equal(a, saveBytes(t, roundTrip(t, NewIndex(c)), Key{})) {
		t.Fatal("a loaded index saves to other bytes than the one built")
	}
}

// TestAnalysisVersion fails when what an index of the test corpora holds
// changes but AnalysisVersion does not: saved indexes of the old analysis
// would be loaded as if they were current.
func TestAnalysisVersion(t *testing.T) {
	const golden = "testdata/analysis.golden"
	var b strings.Builder
	fmt.Fprintf(&b, "analysis %d\n", AnalysisVersion)
	for _, tc := range []struct {
		name string
		c    func(testing.TB) *corpus.Corpus
	}{{"story", loadStory}, {"books", booksFixture}} {
		fmt.Fprintf(&b, "%s %x\n", tc.name, sha256.Sum256(saveBytes(t, NewIndex(tc.c(t)), Key{})))
	}
	got := b.String()
	wantBytes, err := os.ReadFile(golden)
	if err != nil && !*updateAnalysis {
		t.Fatal(err)
	}
	want := string(wantBytes)
	if got == want {
		return
	}
	var recorded int
	fmt.Sscanf(want, "analysis %d", &recorded)
	if *updateAnalysis {
		if recorded == AnalysisVersion && want != "" {
			t.Fatalf("the saved form changed but AnalysisVersion is still %d: add one to it first", AnalysisVersion)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if recorded == AnalysisVersion {
		t.Fatalf("what an index holds changed, but AnalysisVersion is still %d: add one to it (saved.go), then run go test ./retrieval -run TestAnalysisVersion -update-analysis\n got %s\nwant %s", AnalysisVersion, got, want)
	}
	t.Fatalf("AnalysisVersion is %d, %s records %d: run go test ./retrieval -run TestAnalysisVersion -update-analysis", AnalysisVersion, golden, recorded)
}

// TestLoadRefuses checks that a saved index that is stale or damaged is
// refused with the right error, never loaded.
func TestLoadRefuses(t *testing.T) {
	key := KeyOf(sha256.Sum256([]byte("story")))
	data := saveBytes(t, NewIndex(loadStory(t)), key)
	if _, err := Load(data, key); err != nil {
		t.Fatalf("Load of a good file: %v", err)
	}
	mod := func(f func([]byte) []byte) []byte { return f(bytes.Clone(data)) }
	cases := []struct {
		name string
		data []byte
		key  Key
		want error
	}{
		{"empty", nil, key, ErrCorrupt},
		{"not an index", []byte("Call me Ishmael. Some years ago, never mind how long precisely, I went to sea."), key, ErrCorrupt},
		{"header only", data[:headerSize], key, ErrCorrupt},
		{"truncated by one byte", data[:len(data)-1], key, ErrCorrupt},
		{"truncated to half", data[:len(data)/2], key, ErrCorrupt},
		{"truncated before the trailer", data[:len(data)-trailerSize], key, ErrCorrupt},
		{"a byte added", append(bytes.Clone(data), 0), key, ErrCorrupt},
		{"other key", data, KeyOf(sha256.Sum256([]byte("other"))), ErrStale},
		{"other format", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], FormatVersion+1); return b }), key, ErrStale},
		{"other analysis", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[12:], AnalysisVersion-1); return b }), key, ErrStale},
		{"magic", mod(func(b []byte) []byte { b[1] = 'X'; return b }), key, ErrCorrupt},
		{"checksum", mod(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), key, ErrCorrupt},
	}
	for _, tc := range cases {
		if ix, err := Load(tc.data, tc.key); !errors.Is(err, tc.want) || ix != nil {
			t.Errorf("Load(%s) = %v, %v; want %v", tc.name, ix != nil, err, tc.want)
		}
	}
	// Any flipped bit after the header is caught by the checksum.
	for i := headerSize; i < len(data); i += 1 + i%37 {
		b := bytes.Clone(data)
		b[i] ^= 1 << (i % 8)
		if _, err := Load(b, key); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("bit %d of byte %d flipped: Load error %v, want %v", i%8, i, err, ErrCorrupt)
		}
	}
}

// fixChecksum makes data's header and trailer those of a good file for
// key, so that the sections' contents reach the decoder.
func fixChecksum(data []byte, key Key) []byte {
	if len(data) < headerSize+trailerSize {
		return data
	}
	copy(data, savedMagic)
	binary.LittleEndian.PutUint32(data[8:], FormatVersion)
	binary.LittleEndian.PutUint32(data[12:], AnalysisVersion)
	copy(data[16:], key[:])
	end := len(data) - trailerSize
	copy(data[end:], trailerTag)
	binary.LittleEndian.PutUint64(data[end+4:], uint64(len(data)))
	binary.LittleEndian.PutUint32(data[len(data)-4:], crc32.Checksum(data[:len(data)-4], castagnoli))
	return data
}

// FuzzLoad feeds the loader files whose checksum holds, so that the
// decoder sees every kind of damage: it must refuse them or load an index
// that searches without panicking, and never allocate beyond a bound
// proportional to the file's size.
func FuzzLoad(f *testing.F) {
	key := Key{1}
	small := loadFiles(f, "a.txt", "Mr. Reed owned the mill. He was forty-two.\n\nAnna kept the accounts in a green ledger.\n\n\"I will give you five hundred pounds,\" said Captain Hale.\n")
	good := saveBytes(f, NewIndex(small), key)
	f.Add(good)
	f.Add(good[:len(good)/2])
	for _, i := range []int{headerSize + 5, headerSize + 12, len(good) / 3, len(good) / 2, len(good) - 40} {
		b := bytes.Clone(good)
		b[i] ^= 0xff
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		data = fixChecksum(bytes.Clone(data), key)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ix, err := Load(data, key)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64*uint64(len(data))+16<<20 {
			t.Fatalf("Load allocated %d bytes for a file of %d", alloc, len(data))
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Load error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		for _, q := range []string{"Who owned the mill?", "How much did Hale offer?", "What did Anna keep?"} {
			r := ix.Search(Query{Text: q})
			for _, h := range r.Hits {
				ix.AnswerSpan(h.Sentence, &r.Question)
			}
		}
	})
}

// BenchmarkLoadSavedGutenberg measures start-up from a saved index of the
// nine books, until it is ready to answer: the corpus's digest (every file
// read and hashed), the saved file mapped, checked and decoded.
func BenchmarkLoadSavedGutenberg(b *testing.B) {
	benchLoadSaved(b, sharedDir(b, "corpora", "gutenberg"))
}

// BenchmarkLoadSaved100MB is BenchmarkLoadSavedGutenberg for a library of
// over 100 MiB: copies of the nine books (23, 106 MB), each book a
// document of its own.
func BenchmarkLoadSaved100MB(b *testing.B) {
	src := sharedDir(b, "corpora", "gutenberg")
	dir := b.TempDir()
	files, err := filepath.Glob(filepath.Join(src, "*.txt"))
	if err != nil || len(files) == 0 {
		b.Fatal("no books", err)
	}
	var size int64
	for i := 0; size < 100<<20; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("copy%02d", i))
		if err := os.Mkdir(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(sub, filepath.Base(f)), data, 0o644); err != nil {
				b.Fatal(err)
			}
			size += int64(len(data))
		}
	}
	benchLoadSaved(b, dir)
}

func benchLoadSaved(b *testing.B, dir string) {
	c, err := corpus.LoadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	digest, err := corpus.Digest(dir, corpus.Options{})
	if err != nil {
		b.Fatal(err)
	}
	key := KeyOf(digest)
	file := filepath.Join(b.TempDir(), "saved.index")
	out, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if err := Save(out, NewIndex(c), key); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	c = nil
	runtime.GC()
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		digest, err := corpus.Digest(dir, corpus.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := LoadFile(file, KeyOf(digest)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
}

// TestLoadFileCutShort maps a saved index and cuts the file short before
// it is decoded: the pages past the end fault, which Load reports as a
// corrupt file instead of crashing.
func TestLoadFileCutShort(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("files are mapped on Linux only")
	}
	key := Key{3}
	path := filepath.Join(t.TempDir(), "cut.index")
	data := saveBytes(t, NewIndex(booksFixture(t)), key)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path, key); err != nil {
		t.Fatalf("LoadFile of a good file: %v", err)
	}
	mapped, release, err := mapFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	_, err = load(mapped, key, true)
	t.Logf("cut short: %v", err)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("load of a file cut short while mapped: %v, want %v", err, ErrCorrupt)
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.index"), key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile of a missing file: %v, want %v", err, fs.ErrNotExist)
	}
}
