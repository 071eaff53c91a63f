package corpus

import (
	"slices"
	"strings"
	"testing"
)

var splitTests = []struct {
	in   string
	want []string
}{
	{"", nil},
	{"   \n\t ", nil},
	{"One sentence.", []string{"One sentence."}},
	{"It was Brown v. Board of Education. Then it ended.", []string{"It was Brown v. Board of Education.", "Then it ended."}},
	{"The Trinity-St. Paul's Church stands. It is old.", []string{"The Trinity-St. Paul's Church stands.", "It is old."}},
	{"Choose a or b. Then go.", []string{"Choose a or b.", "Then go."}},
	{"No terminal punctuation", []string{"No terminal punctuation"}},
	{"First. Second? Third! Fourth", []string{"First.", "Second?", "Third!", "Fourth"}},

	// Titles and abbreviations do not end a sentence.
	{"Mr. Smith met Dr. Jones. They talked.", []string{"Mr. Smith met Dr. Jones.", "They talked."}},
	{"Mrs. Bennet and Prof. Moriarty left.", []string{"Mrs. Bennet and Prof. Moriarty left."}},
	{"They walked down St. James Street. It rained.", []string{"They walked down St. James Street.", "It rained."}},
	{"Take fruit, e.g. apples. Or not.", []string{"Take fruit, e.g. apples.", "Or not."}},
	{"Take fruit, i.e. Apples. Or not.", []string{"Take fruit, i.e. Apples.", "Or not."}},
	{"Cats, dogs, etc. are pets. Yes.", []string{"Cats, dogs, etc. are pets.", "Yes."}},
	{"Bring apples, pears, etc. Then go home.", []string{"Bring apples, pears, etc.", "Then go home."}},
	{"This was the first attack launched by the U.S. against Assad’s forces.", []string{"This was the first attack launched by the U.S. against Assad’s forces."}},
	{"The U.S. President spoke. Then he left.", []string{"The U.S. President spoke.", "Then he left."}},
	// A limitation: "U.S." never ends a sentence, as the capital after it
	// cannot tell "the U.S. Then" from "the U.S. President".
	{"He moved to the U.S. Then he left.", []string{"He moved to the U.S. Then he left."}},
	{"At 5 p.m. Jones came home.", []string{"At 5 p.m. Jones came home."}},

	// Initials.
	{"J. R. R. Tolkien wrote. He died in 1973.", []string{"J. R. R. Tolkien wrote.", "He died in 1973."}},
	{"Letters from H.G. Wells arrived.", []string{"Letters from H.G. Wells arrived."}},

	// Numbers.
	{"It costs 3.5 dollars. That is cheap.", []string{"It costs 3.5 dollars.", "That is cheap."}},
	{"About 1,000.5 people. Many.", []string{"About 1,000.5 people.", "Many."}},
	{"See No. 5 on the list.", []string{"See No. 5 on the list."}},
	{"Read pp. 10 to 12. Then stop.", []string{"Read pp. 10 to 12.", "Then stop."}},
	// "No." before a word is the answer no.
	{"He said No. It was over.", []string{"He said No.", "It was over."}},
	{"The year ended. 2017 began.", []string{"The year ended.", "2017 began."}},

	// Ellipses: one before a lower-case word continues the sentence; one
	// before a capital ends it.
	{"Wait... what?", []string{"Wait... what?"}},
	{"He paused... Then he left.", []string{"He paused...", "Then he left."}},
	{"He paused… Then he left.", []string{"He paused…", "Then he left."}},
	{"Well… maybe.", []string{"Well… maybe."}},
	{"Really?! Yes.", []string{"Really?!", "Yes."}},

	// Closing quotes and brackets stay with the sentence they end.
	{"within a “diplomatic and political framework.” On the other hand, he left.",
		[]string{"within a “diplomatic and political framework.”", "On the other hand, he left."}},
	{"Such use would warrant an “immediate response.” Then he left.",
		[]string{"Such use would warrant an “immediate response.”", "Then he left."}},
	{`He said "Go." Then he left.`, []string{`He said "Go."`, "Then he left."}},
	{"'Yes.' No.", []string{"'Yes.'", "No."}},
	{"“Why?” he asked. She shrugged.", []string{"“Why?” he asked.", "She shrugged."}},
	{"“Stop!” she cried.", []string{"“Stop!” she cried."}},
	{"“Why?” She shrugged.", []string{"“Why?”", "She shrugged."}},
	{"(He left.) Then she came.", []string{"(He left.)", "Then she came."}},
	{"[Note.] Next.", []string{"[Note.]", "Next."}},
	{"He left (quietly). She stayed.", []string{"He left (quietly).", "She stayed."}},
	{"It ended. “Now what?” he said.", []string{"It ended.", "“Now what?” he said."}},
	{"It ended. (Nobody knew why.)", []string{"It ended.", "(Nobody knew why.)"}},

	// Lower case after a full stop does not start a sentence.
	{"He saw a dog. and then a cat.", []string{"He saw a dog. and then a cat."}},
	// No space after the stop: URLs, file names.
	{"Visit example.com.Today.", []string{"Visit example.com.Today."}},

	// Whitespace.
	{"One.  Two.\n\nThree.", []string{"One.", "Two.", "Three."}},
	{"  Leading and trailing.  \n", []string{"Leading and trailing."}},
	{"Tab.\tNext.", []string{"Tab.", "Next."}},
	{"Line one\nstill one. Two.", []string{"Line one\nstill one.", "Two."}},
}

func TestSplitSentences(t *testing.T) {
	for _, tt := range splitTests {
		got := SplitSentences(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("SplitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkSpans(t, tt.in)
	}
}

// checkSpans checks the invariants of sentenceSpans: each span is trimmed,
// non-empty, within text, in order and not overlapping, and SplitSentences
// returns exactly the spans' text.
func checkSpans(t *testing.T, text string) {
	t.Helper()
	spans := sentenceSpans(text)
	sents := SplitSentences(text)
	if len(spans) != len(sents) {
		t.Fatalf("sentenceSpans(%q) = %v, but SplitSentences = %q", text, spans, sents)
	}
	prev := 0
	for i, sp := range spans {
		if sp[0] < prev || sp[1] <= sp[0] || sp[1] > len(text) {
			t.Fatalf("sentenceSpans(%q)[%d] = %v: out of order, empty or out of bounds (previous end %d)", text, i, sp, prev)
		}
		s := text[sp[0]:sp[1]]
		if s != sents[i] {
			t.Errorf("SplitSentences(%q)[%d] = %q, want span text %q", text, i, sents[i], s)
		}
		if s != strings.TrimSpace(s) {
			t.Errorf("SplitSentences(%q)[%d] = %q: not trimmed", text, i, s)
		}
		prev = sp[1]
	}
}
