package answer_test

import (
	"context"
	"reflect"
	"testing"

	"storybot/answer"
	"storybot/corpus"
	"storybot/retrieval"
)

// TestSameAnswerEveryFormat asks the same questions of one book in its
// Gutenberg text, HTML, EPUB 2, EPUB 3 and PDF forms (the fixtures of
// corpus/testdata/books) and wants the same answers and chapter citations.
func TestSameAnswerEveryFormat(t *testing.T) {
	questions := []string{"What did Mara pack?", "When did the letter come?", "Who wrote this book?", "How many chapters are there?"}
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
				if i < 2 && (!a.Found || len(a.Citations) == 0 || a.Citations[0].Chapter == "") {
					t.Errorf("%s: %q = %+v, want a found answer with a chapter citation", f, questions[i], a)
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
