package retrieval

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"storybot/corpus"
)

var fuzzSeeds = []string{
	"",
	"One. Two? Three!",
	"Mr. Smith met Dr. Jones... Then he left. “Why?” he asked.",
	"within a “diplomatic and political framework.” On the other hand.",
	"J. R. R. Tolkien paid 3.5 dollars in the U.S. No. 5 etc. e.g. X.",
	"Assad’s forces, the parties' views, far-right 1,000.5 ﬁ ＡＢＣ",
	"(He left.) [Note.] 'Yes.' \"Go.\" »Non.« …",
	"\ufeffLine\r\nwrapped\r\rnext\n\n\n# Heading\n## Section\ntext",
	"İstanbul ΣΊΣΥΦΟΣ ǅ Cafe\u0301 \u0301\u2019s",
	"\xff\xfe broken \xe2\x80 utf-8.",
	". . . ! ? ” ’ ) ]",
	"What job does Macron hold? French President Macron came. How many more years did he need? Another five or six years. What did her father do for a living? Her father had been an attorney, one after the other, back before three, a four-year-old drama.",
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		toks := Analyze(text)
		checkTokens(t, text, toks)
		for i, tok := range toks {
			if !utf8.ValidString(text) {
				continue
			}
			if strings.TrimSpace(text[tok.Start:tok.End]) != text[tok.Start:tok.End] {
				t.Errorf("Analyze(%q)[%d] = %+v: the word's text has spaces", text, i, tok)
			}
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if n2 := Normalize(n); n2 != n {
			t.Errorf("Normalize(%q) = %q, but Normalize(%q) = %q", s, n, n, n2)
		}
	})
}

// FuzzIndex indexes random text and searches it with its own sentences:
// neither may panic.
func FuzzIndex(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := corpus.Load(fstest.MapFS{"a.txt": {Data: []byte(text)}})
		if err != nil {
			return
		}
		ix := NewIndex(c)
		for _, s := range c.Sentences {
			res := ix.Search(Query{Text: s.Text, Limit: 3})
			// The short answer of each hit lies inside its sentence.
			for _, h := range res.Hits {
				sent := c.Sentences[h.Sentence].Text
				if sp, ok := ix.AnswerSpan(h.Sentence, &res.Question); ok && (sp.Start < 0 || sp.End > len(sent) || sp.Start >= sp.End) {
					t.Errorf("AnswerSpan(%q, %q) = %+v, outside the sentence", sent, s.Text, sp)
				}
			}
		}
	})
}
