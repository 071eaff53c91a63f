package answer_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"storybot/answer"
	"storybot/corpus"
	"storybot/retrieval"
)

const gutenbergBook = `The Project Gutenberg eBook of The Lantern Keeper

Title: The Lantern Keeper

Author: Ada Wren

*** START OF THE PROJECT GUTENBERG EBOOK THE LANTERN KEEPER ***

CHAPTER I. The Storm

The lighthouse stood on the rock. Its keeper was an old man.

CHAPTER II.

The ship came in at dawn. Nobody drowned.

CHAPTER III. The Letter

A letter came from the mainland. It was for the keeper.

*** END OF THE PROJECT GUTENBERG EBOOK THE LANTERN KEEPER ***

Project Gutenberg licence text that must not be indexed.
`

// TestBookQuestions answers questions about the book itself from its
// metadata and contents.
func TestBookQuestions(t *testing.T) {
	c, err := corpus.Load(fstest.MapFS{"pg999.txt": {Data: []byte(gutenbergBook)}})
	if err != nil {
		t.Fatal(err)
	}
	eng := answer.New(retrieval.NewIndex(c), answer.Options{})
	for _, tt := range []struct {
		q, span string
		found   bool
	}{
		{"Who wrote this book?", "Ada Wren", true},
		{"Who is the author?", "Ada Wren", true},
		{"What is the title of this book?", "The Lantern Keeper", true},
		{"How many chapters are there?", "3", true},
		{"How many chapters does the book have?", "3", true},
		{"What is chapter 3 called?", "The Letter", true},
		{"What is the title of chapter one?", "The Storm", true},
		{"What is chapter II called?", "", true}, // it has no title of its own
		{"What is chapter 9 called?", "", false},
	} {
		a, err := eng.Answer(context.Background(), answer.Question{Text: tt.q})
		if err != nil {
			t.Fatalf("%q: %v", tt.q, err)
		}
		if a.Found != tt.found || a.Span != tt.span {
			t.Errorf("%q = found %v span %q (%q), want found %v span %q", tt.q, a.Found, a.Span, a.Text, tt.found, tt.span)
		}
	}
	// An ordinary question still goes to the text, and the licence is not in it.
	a, _ := eng.Answer(context.Background(), answer.Question{Text: "Who wrote the letter from the mainland?"})
	if strings.Contains(a.Text, "Ada Wren") {
		t.Errorf("a question about the text was answered from the metadata: %q", a.Text)
	}
	for _, s := range c.Sentences {
		if strings.Contains(s.Text, "licence") {
			t.Errorf("the Gutenberg licence is indexed: %q", s.Text)
		}
	}
}
