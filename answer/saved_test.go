package answer_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"storybot/answer"
	"storybot/corpus"
	"storybot/retrieval"
	"storybot/seeds"
)

// TestSavedIndexAnswers checks that an engine over a saved and loaded
// index gives the answers of one over the index built: the whole answer,
// text, short answer, citations and confidence, for the golden questions
// of the story and of the book fixture.
func TestSavedIndexAnswers(t *testing.T) {
	story, err := corpus.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	var storyQs []answer.Question
	for _, g := range readGolden(t) {
		storyQs = append(storyQs, answer.Question{Text: g.question, History: g.history, Mode: answer.ModeKeyword})
	}
	ar, err := txtar.ParseFile("testdata/book.txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	var bookQs []answer.Question
	for _, f := range ar.Files {
		if f.Name != "questions" {
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			qs := strings.Split(strings.Split(line, "|")[0], ">>")
			q := answer.Question{Text: strings.TrimSpace(qs[len(qs)-1]), Mode: answer.ModeKeyword}
			for _, h := range qs[:len(qs)-1] {
				q.History = append(q.History, strings.TrimSpace(h))
			}
			bookQs = append(bookQs, q)
		}
	}
	book, err := corpus.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	bookParams := retrieval.DefaultParams
	bookParams.BookWords = 300 // as TestGoldenBook reads it
	for _, tc := range []struct {
		name      string
		c         *corpus.Corpus
		p         retrieval.Params
		questions []answer.Question
	}{
		{"story", story, retrieval.DefaultParams, storyQs},
		{"book", book, bookParams, bookQs},
	} {
		built := retrieval.NewIndexParams(tc.c, tc.p)
		var buf bytes.Buffer
		key := retrieval.KeyOf([32]byte{7})
		if err := retrieval.Save(&buf, built, key); err != nil {
			t.Fatal(err)
		}
		loaded, err := retrieval.Load(buf.Bytes(), key)
		if err != nil {
			t.Fatal(err)
		}
		loaded.SetParams(tc.p)
		want, got := answer.New(built, answer.Options{}), answer.New(loaded, answer.Options{})
		if !reflect.DeepEqual(got.Stats(), want.Stats()) {
			t.Errorf("%s: Stats() = %+v, want %+v", tc.name, got.Stats(), want.Stats())
		}
		for _, q := range tc.questions {
			w, werr := want.Answer(context.Background(), q)
			g, gerr := got.Answer(context.Background(), q)
			if !reflect.DeepEqual(g, w) || (gerr == nil) != (werr == nil) {
				t.Errorf("%s: %q from the loaded index:\n got %+v, %v\nwant %+v, %v", tc.name, q.Text, g, gerr, w, werr)
			}
		}
		for _, ref := range []string{tc.c.Ref(0), tc.c.SentenceID(len(tc.c.Sentences) - 1)} {
			w, werr := want.Source(ref)
			g, gerr := got.Source(ref)
			if !reflect.DeepEqual(g, w) || werr != nil || gerr != nil {
				t.Errorf("%s: Source(%q) = %+v, %v; want %+v, %v", tc.name, ref, g, gerr, w, werr)
			}
		}
	}
}
