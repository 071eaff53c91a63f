package cite

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

var story = []string{
	"Emmanuel Macron welcomed Vladimir Putin to the Palace of Versailles. The two leaders talked for two hours.",
	`After the meeting, Macron called the talks "extremely frank and direct".`,
	"The exhibition celebrated Peter the Great's visit to France in 1717.",
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Result
	}{
		{"good", "They talked for two hours [1].",
			Result{Text: "They talked for two hours [1].", Cited: []int{1}}},
		{"renumbered in order of first appearance", "Putin came [3]. They talked [1]. Again [3].",
			Result{Text: "Putin came [1]. They talked [2]. Again [1].", Cited: []int{3, 1}}},
		{"list marker", "They met and talked [1, 3].",
			Result{Text: "They met and talked [1][2].", Cited: []int{1, 3}}},
		{"semicolon and label", "They met [Passage 2; source 3].",
			Result{Text: "They met [1][2].", Cited: []int{2, 3}}},
		{"adjacent markers", "They met [2][1].",
			Result{Text: "They met [1][2].", Cited: []int{2, 1}}},
		{"range", "They met [1-2].",
			Result{Text: "They met [1][2].", Cited: []int{1, 2}}},
		{"backwards range", "They met [3–2].",
			Result{Text: "They met [1][2].", Cited: []int{2, 3}}},
		{"fullwidth brackets", "They met【2】.",
			Result{Text: "They met[1].", Cited: []int{2}}},
		{"duplicates within a marker", "They met [2, 2, 2].",
			Result{Text: "They met [1].", Cited: []int{2}}},
		{"nonexistent passage dropped", "They talked for two hours [1]. Putin won [7].",
			Result{Text: "They talked for two hours [1]. Putin won.", Cited: []int{1}, Dropped: []int{7}}},
		{"partly nonexistent", "They met [1, 9, 0].",
			Result{Text: "They met [1].", Cited: []int{1}, Dropped: []int{9, 0}}},
		{"range past the end", "They met [2-5].",
			Result{Text: "They met [1][2].", Cited: []int{2, 3}, Dropped: []int{4, 5}}},
		{"removal joins a new marker", "See [1[9]2].",
			Result{Text: "See.", Dropped: []int{9, 12}}},
		{"not markers", "He was [citation needed] late, see [the site](http://x) and [1](http://y) or [^2].",
			Result{Text: "He was [citation needed] late, see [the site](http://x) and [1](http://y) or [^2].", NoAnswer: false}},
		{"verbatim quote", `Macron called them "extremely frank and direct" [2].`,
			Result{Text: `Macron called them "extremely frank and direct" [1].`, Cited: []int{2}}},
		{"curly, spaced, capitalised quote", "He said: “Extremely  frank\tand direct.” [2]",
			Result{Text: "He said: “Extremely  frank\tand direct.” [1]", Cited: []int{2}}},
		{"quote with ellipsis", `“Macron welcomed … to the Palace” [1]`,
			Result{Text: `“Macron welcomed … to the Palace” [1]`, Cited: []int{1}}},
		{"quote with emphasis and inner marker", `"talked for **two hours** [1]"`,
			Result{Text: `"talked for **two hours** [1]"`, Cited: []int{1}}},
		{"fabricated quote", `Macron said "Putin is my friend" [2]. They talked [1].`,
			Result{Text: `Macron said [unverified quote removed] [1]. They talked [2].`, Cited: []int{2, 1}, Unverified: []string{"Putin is my friend"}}},
		{"quote from an uncited passage", `He called the talks "extremely frank and direct" [1].`,
			Result{Text: `He called the talks [unverified quote removed] [1].`, Cited: []int{1}, Unverified: []string{"extremely frank and direct"}}},
		{"fabricated quote keeps its markers", `«Putin won [3]»`,
			Result{Text: `[unverified quote removed][1]`, Cited: []int{3}, Unverified: []string{"Putin won [3]"}}},
		{"quote changed in case mid-word", `"EXTREMELY frank" [2]`,
			Result{Text: `[unverified quote removed] [1]`, Cited: []int{2}, Unverified: []string{"EXTREMELY frank"}}},
		{"unbalanced quote ignored", "He said \"two hours [1].\nNext line.",
			Result{Text: "He said \"two hours [1].\nNext line.", Cited: []int{1}}},
		{"no citations", "They talked for two hours.",
			Result{Text: "They talked for two hours."}},
		{"fixed no-answer phrase", NoAnswer,
			Result{Text: NoAnswer, NoAnswer: true}},
		{"fixed phrase with a citation", "The passages do not answer this question [1].",
			Result{Text: "The passages do not answer this question [1].", Cited: []int{1}, NoAnswer: true}},
		{"variant no-answer", "The color of his tie is not mentioned in the passages.",
			Result{Text: "The color of his tie is not mentioned in the passages.", NoAnswer: true}},
		{"refusal", "I’m sorry, but I can’t help with that.",
			Result{Text: "I’m sorry, but I can’t help with that.", NoAnswer: true}},
		{"cannot answer", "I cannot answer that from the text.",
			Result{Text: "I cannot answer that from the text.", NoAnswer: true}},
		{"hedge with citation is an answer", "The passages do not say why, but they talked for two hours [1].",
			Result{Text: "The passages do not say why, but they talked for two hours [1].", Cited: []int{1}}},
		{"only invalid citations", "Putin won [9].",
			Result{Text: "Putin won.", Dropped: []int{9}}},
		{"empty", "  ", Result{Text: "  ", NoAnswer: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.text, story)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check(%q) =\n %#v\nwant\n %#v", tt.text, got, tt.want)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	tests := []struct {
		text    string
		n       int
		want    string
		dropped []int
	}{
		{"a [1] b [3] c [2, 3].", 2, "a [1] b c [2].", []int{3}},
		{"a [1] b [2].", 2, "a [1] b [2].", nil},
		{"a [4-5]", 3, "a", []int{4, 5}},
	}
	for _, tt := range tests {
		got, dropped := Limit(tt.text, tt.n)
		if got != tt.want || !reflect.DeepEqual(dropped, tt.dropped) {
			t.Errorf("Limit(%q, %d) = %q, %v, want %q, %v", tt.text, tt.n, got, dropped, tt.want, tt.dropped)
		}
	}
}

func TestHugeRange(t *testing.T) {
	r := Check("See [1-999999999].", story)
	if r.Text != "See [1][2][3]." || len(r.Dropped) != maxRange-len(story) {
		t.Errorf("Check(huge range) = %q, %d dropped", r.Text, len(r.Dropped))
	}
}

// recheck checks r.Text again against the passages it cites, renumbered.
func recheck(r Result, passages []string) Result {
	var cited []string
	for _, k := range r.Cited {
		cited = append(cited, passages[k-1])
	}
	return Check(r.Text, cited)
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"They talked [1]. Putin [9] \"won\" [2, 3] [1-2]【3】.",
		`"talked for two hours" [1][2]`, "[1[9]2]", "«x [3]» [citation needed] [1](u)",
		NoAnswer, "I'm sorry, but no.", "“a” “b” [1]\n\"c",
	} {
		f.Add(s, "The two leaders talked for two hours.", "x")
	}
	f.Fuzz(func(t *testing.T, text, p1, p2 string) {
		passages := []string{p1, p2, story[0]}
		r := Check(text, passages)
		if utf8.ValidString(text) && !utf8.ValidString(r.Text) {
			t.Errorf("Check(%q) made invalid UTF-8 %q", text, r.Text)
		}
		for _, m := range markers(r.Text) {
			for _, k := range m.nums {
				if k < 1 || k > len(r.Cited) {
					t.Errorf("Check(%q).Text = %q has marker %d, %d cited", text, r.Text, k, len(r.Cited))
				}
			}
		}
		for _, k := range r.Cited {
			if k < 1 || k > len(passages) {
				t.Errorf("Check(%q).Cited has %d", text, k)
			}
		}
		again := recheck(r, passages)
		if again.Text != r.Text || len(again.Dropped) > 0 || len(again.Unverified) > 0 || again.NoAnswer != r.NoAnswer {
			t.Errorf("Check not stable:\n in  %q\n out %q\n again %#v", text, r.Text, again)
		}
		if strings.Count(r.Text, Flag) < len(r.Unverified) {
			t.Errorf("Check(%q) removed %d quotes but flagged fewer: %q", text, len(r.Unverified), r.Text)
		}
	})
}
