package corpus_test

import (
	"fmt"
	"log"
	"testing/fstest"

	"storybot/corpus"
)

func ExampleLoad() {
	fsys := fstest.MapFS{
		"notes/at-versailles.md": {Data: []byte("# Macron and Putin\n\n## Lunch\nThe Presidents spoke over lunch. It lasted\ntwo hours.\n")},
		"image.png":              {Data: []byte("\x89PNG")},
		"empty.txt":              {Data: []byte("\n")},
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		log.Fatal(err)
	}
	for i, s := range c.Sentences {
		p := c.Paragraphs[s.Para]
		fmt.Printf("%s (%s, %s): %s\n", c.SentenceID(i), c.Ref(s.Para), p.Section, s.Text)
	}
	for _, s := range c.Skipped {
		fmt.Printf("skipped %s: %s\n", s.Path, s.Reason)
	}
	// Output:
	// notes/at-versailles/1/1 (Macron and Putin, “Lunch”, ¶1, Lunch): The Presidents spoke over lunch.
	// notes/at-versailles/1/2 (Macron and Putin, “Lunch”, ¶1, Lunch): It lasted two hours.
	// skipped empty.txt: empty
}

func ExampleSplitSentences() {
	for _, s := range corpus.SplitSentences(`Mr. Smith paid 3.5 euros in the U.S. on Monday. “Why?” he asked. It was a “red line.” He left...`) {
		fmt.Println(s)
	}
	// Output:
	// Mr. Smith paid 3.5 euros in the U.S. on Monday.
	// “Why?” he asked.
	// It was a “red line.”
	// He left...
}
