package retrieval

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// terms renders the tokens of text as "word/term", stop words as "(word)".
func terms(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case t.Stop:
			fmt.Fprintf(&b, "(%s)", t.Word)
		case t.Word == t.Term:
			b.WriteString(t.Word)
		default:
			fmt.Fprintf(&b, "%s/%s", t.Word, t.Term)
		}
	}
	return b.String()
}

var analyzeTests = []struct {
	in, want string
}{
	{"", ""},
	{"   ,.;!? — “” ", ""},
	// NFKC: ligatures and full-width letters.
	{"ﬁnd the ﬂag", "find (the) flag"},
	{"ＡＢＣ Ｔｏｋｙｏ", "abc tokyo"},
	// Case folding.
	{"MACRON Macron macron", "macron macron macron"},
	// Curly quotes and apostrophes, possessives.
	{"Assad’s forces", "assad forces/forc"},
	{"Assad's forces", "assad forces/forc"},
	{"the parties' views", "(the) parties/parti views/view"},
	{"France’s far-right party", "france/franc far right party/parti"},
	{"don’t O’Brien", "(don't) o'brien"},
	{"“red line,”", "red line"},
	{"'quoted'", "quoted/quot"},
	// Stop words are kept but marked.
	{"The cat is on the mat", "(the) cat (is) (on) (the) mat"},
	{"Who met whom, and when?", "(who) met/meet (whom) (and) (when)"},
	{"Whose help was it?", "(whose) help (was) (it)"},
	// Negations, quantifiers and words of relation, time and cause are not.
	{"Not all of them fought against Rome before the war", "not all (of) (them) fought/fight against rome before/befor (the) war"},
	// Snowball stems.
	{"running quickly", "running/run quickly/quick"},
	{"Presidents presidential election elections", "presidents/presid presidential/presidenti election/elect elections/elect"},
	{"cooperating cooperation", "cooperating/cooper cooperation/cooper"},
	// Irregular verbs go to their base form before stemming.
	{"met spoke spoken went bought", "met/meet spoke/speak spoken/speak went/go bought/buy"},
	{"He took a month", "(he) took/take (a) month"},
	// Hyphens and dashes split words.
	{"far-right", "far right"},
	{"well—known", "well known/know"},
	// Numbers keep inner commas and dots, not outer ones.
	{"1,000 and 3.5 people", "1,000 (and) 3.5 people/peopl"},
	{"In 2017, 12.", "(in) 2017 12"},
	{"v2.0.1", "v2.0.1"},
	{"$1,000,000.", "1,000,000"},
	// Accents are dropped: "café" and "cafe" are one word.
	{"élan café", "elan cafe"},
	{"Beauséjour", "beausejour"},
	{"Khan Sheikhun", "khan sheikhun"},
}

func TestAnalyze(t *testing.T) {
	for _, tt := range analyzeTests {
		toks := Analyze(tt.in)
		if got := terms(toks); got != tt.want {
			t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkTokens(t, tt.in, toks)
	}
}

// TestAnalyzeOffsets checks that a token's offsets cut its surface word
// out of the original, unnormalized text.
func TestAnalyzeOffsets(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Assad’s forces", []string{"Assad’s", "forces"}},
		{"“Red line,” he said", []string{"Red", "line", "he", "said"}},
		{"ﬁne ＡＢＣ", []string{"ﬁne", "ＡＢＣ"}},
		{"  3.5 and 1,000.", []string{"3.5", "and", "1,000"}},
		{"O’Brien’s", []string{"O’Brien’s"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range Analyze(tt.in) {
			got = append(got, tt.in[tok.Start:tok.End])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Analyze(%q) offsets cut %q, want %q", tt.in, got, tt.want)
		}
	}
}

var normalizeTests = []struct {
	in, want string
}{
	{"", ""},
	{"Hello", "hello"},
	{"ﬁ", "fi"},
	{"ＡＢＣ", "abc"},
	{"“Red” ‘line’ Assad’s", `"red" 'line' assad's`},
	{"«non»", `"non"`},
	{"Café", "cafe"}, // accents dropped
	{"Cafe\u0301", "cafe"},
	{"Ærø Łódź", "ærø łodz"}, // letters of their own stay
	{"ΑΘΗΝΑ", "αθηνα"},
	// Found by FuzzNormalize: lower case can undo NFKC, and NFKC stops at
	// a bad byte that ToLower then turns into U+FFFD.
	{"İ\u0301", "i"},
	{"\xf2º", "\ufffdo"},
}

func TestNormalize(t *testing.T) {
	for _, tt := range normalizeTests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Normalize(tt.want); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want it unchanged", tt.want, got)
		}
	}
}

// checkTokens checks the invariants of Analyze: offsets in bounds, in order
// and not overlapping; words non-empty and normalized; terms non-empty.
func checkTokens(t *testing.T, text string, toks []Token) {
	t.Helper()
	prev := 0
	for i, tok := range toks {
		if tok.Start < prev || tok.End <= tok.Start || tok.End > len(text) {
			t.Fatalf("Analyze(%q)[%d] = %+v: offsets out of order or bounds (previous end %d)", text, i, tok, prev)
		}
		prev = tok.End
		if tok.Word == "" || tok.Term == "" {
			t.Errorf("Analyze(%q)[%d] = %+v: empty word or term", text, i, tok)
		}
		if n := Normalize(tok.Word); n != tok.Word {
			t.Errorf("Analyze(%q)[%d].Word = %q, not normalized (%q)", text, i, tok.Word, n)
		}
	}
}

// TestFunctionWords checks that the function words kept for their meaning
// are not stop words.
func TestFunctionWords(t *testing.T) {
	for w := range functionWords {
		if stopWords[w] {
			t.Errorf("%q is both a stop word and a function word kept for ranking", w)
		}
	}
}

// TestStemmerUnknown checks that a frozen stemmer stems words it never saw
// as Snowball does, from several goroutines at once, remembering at most
// maxMemo of them and never adding to its frozen cache.
func TestStemmerUnknown(t *testing.T) {
	s := newStemmer()
	s.stem("running")
	s.frozen = true
	words := []string{"galloping", "gallops", "horses", "running", "zeppelins", "unseen"}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				for _, w := range words {
					if got, want := s.stem(w), stemWord(w); got != want {
						t.Errorf("stem(%q) = %q, want %q", w, got, want)
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(s.cache) != 1 {
		t.Errorf("frozen cache grew to %d words", len(s.cache))
	}
	if n := s.unknown.n.Load(); n != int64(len(words)-1) {
		t.Errorf("remembered %d unknown words, want %d", n, len(words)-1)
	}
	s.unknown.n.Store(maxMemo)
	if got := s.stem("aardvarks"); got != stemWord("aardvarks") {
		t.Errorf("stem past the bound = %q", got)
	}
	if _, ok := s.unknown.load("aardvarks"); ok {
		t.Error("remembered a word past the bound")
	}
}
