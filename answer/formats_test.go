package answer_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"storybot/answer"
	"storybot/corpus"
	"storybot/retrieval"
)

// TestSameAnswerEveryFormat asks the same questions of one book in its
// Gutenberg text, HTML, EPUB 2, EPUB 3 and PDF forms (the fixtures of
// corpus/testdata/books) and wants the same answers and chapter citations:
// the first passage shown, cited or closest, holds the answer.
func TestSameAnswerEveryFormat(t *testing.T) {
	questions := []string{"What did Mara pack?", "When did the letter come?", "Who wrote this book?", "How many chapters are there?"}
	holds := []string{"She packed a coat", "The letter came on a Tuesday"}
	var first []answer.Answer
	for _, f := range []string{"gutenberg.txt", "lighthouse.html", "lighthouse2.epub", "lighthouse3.epub", "lighthouse.pdf"} {
		c, err := corpus.LoadPath("../corpus/testdata/books/"+f, corpus.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		eng := answer.New(retrieval.NewIndex(c), answer.Options{})
		var got []answer.Answer
		for _, q := range questions {
			a, err := eng.Answer(context.Background(), answer.Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			for i := range a.Citations {
				a.Citations[i].ID = "" // the document ID comes from the file name
			}
			for i := range a.Related {
				a.Related[i].ID = ""
			}
			got = append(got, a)
		}
		if first == nil {
			first = got
			for i, a := range got {
				if i >= len(holds) {
					continue
				}
				if shown := a.Shown(); len(shown) == 0 || shown[0].Chapter == "" || !strings.HasPrefix(shown[0].Text, holds[i]) {
					t.Errorf("%s: %q = %+v, want %q first, with its chapter", f, questions[i], a, holds[i])
				}
			}
			continue
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], first[i]) {
				t.Errorf("%s: %q =\n%+v\nwant as from the text:\n%+v", f, questions[i], got[i], first[i])
			}
		}
	}
}
