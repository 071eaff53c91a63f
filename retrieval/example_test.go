package retrieval_test

import (
	"fmt"
	"log"
	"strings"

	"storybot/corpus"
	"storybot/retrieval"
	"storybot/seeds"
)

func ExampleNewIndex() {
	c, err := corpus.Load(seeds.FS)
	if err != nil {
		log.Fatal(err)
	}
	ix := retrieval.NewIndex(c)
	fmt.Println(len(c.Sentences), "sentences")
	fmt.Println(ix.Aliases("Macron"))
	// Output:
	// 18 sentences
	// [french presid]
}

func ExampleIndex_Search() {
	c, err := corpus.Load(seeds.FS)
	if err != nil {
		log.Fatal(err)
	}
	ix := retrieval.NewIndex(c)
	res := ix.Search(retrieval.Query{Text: "How long did the Presidents speak?", Limit: 1})
	fmt.Println(res.Type)
	for _, h := range res.Hits {
		fmt.Println(c.Sentences[h.Sentence].Text)
	}

	// A follow-up borrows the subject of the earlier question.
	res = ix.Search(retrieval.Query{
		Text:    "When did that happen?",
		History: []string{"Who did Putin invite to the Kremlin?"},
		Limit:   1,
	})
	fmt.Println(res.Type)
	for _, h := range res.Hits {
		s := c.Sentences[h.Sentence].Text
		fmt.Println(s[strings.Index(s, "to visit"):])
	}
	// Output:
	// duration
	// The French and Russian Presidents spoke together over lunch for two hours in the palace of Versailles.
	// time
	// to visit the Kremlin only a month before the French began their first round of election.
}

func ExampleAnalyze() {
	for _, t := range retrieval.Analyze("The Presidents met at Assad’s ﬁrst 1,000-day summit.") {
		if !t.Stop {
			fmt.Printf("%s→%s ", t.Word, t.Term)
		}
	}
	fmt.Println()
	// Output:
	// presidents→presid met→meet assad→assad first→first 1,000→1,000 day→day summit→summit
}

func ExampleNormalize() {
	fmt.Println(retrieval.Normalize("“Assad’s” ﬁnal ＷＯＲＤ"))
	// Output:
	// "assad's" final word
}

func ExampleClassifyQuestion() {
	for _, q := range []string{"Who met Putin?", "Where did they meet?", "How long did they talk?", "How many hours?", "What year was it?", "When did it happen?", "Why?"} {
		fmt.Printf("%s %v\n", q, retrieval.ClassifyQuestion(q))
	}
	// Output:
	// Who met Putin? person
	// Where did they meet? place
	// How long did they talk? duration
	// How many hours? number
	// What year was it? date
	// When did it happen? time
	// Why? none
}

func ExampleCandidates() {
	text := "Putin invited Marine Le Pen to the Kremlin a month before the election in 2017."
	for _, t := range []retrieval.AnswerType{retrieval.TypePerson, retrieval.TypeTime} {
		var spans []string
		for _, sp := range retrieval.Candidates(text, t) {
			spans = append(spans, text[sp.Start:sp.End])
		}
		fmt.Printf("%v: %q\n", t, spans)
	}
	// Output:
	// person: ["Putin" "Marine Le Pen" "Kremlin"]
	// time: ["a month before" "2017"]
}
