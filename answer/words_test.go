package answer

import (
	"strings"
	"testing"
)

// FuzzWordCount checks that wordCount counts what strings.Fields splits.
func FuzzWordCount(f *testing.F) {
	for _, s := range []string{"", " ", "one", "  two words ", "a\tb\nc", "non\u00a0breaking", "“Quoted,” she said.", "\u2003em space", "bad \xff utf8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := wordCount(s), len(strings.Fields(s)); got != want {
			t.Errorf("wordCount(%q) = %d, want %d", s, got, want)
		}
	})
}
