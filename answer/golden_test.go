package answer_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"storybot/answer"
)

var update = flag.Bool("update", false, "rewrite testdata/story.golden")

type golden struct {
	history   []string
	question  string
	found     bool
	evidence  string
	answerHas string
}

func readGolden(t *testing.T) []golden {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/story.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var out []golden
	for _, f := range ar.Files {
		if f.Name != "questions" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			p := strings.Split(line, "|")
			if len(p) != 4 {
				t.Fatalf("bad golden line %q", line)
			}
			g := golden{found: strings.TrimSpace(p[1]) == "true", evidence: strings.TrimSpace(p[2]), answerHas: strings.TrimSpace(p[3])}
			qs := strings.Split(p[0], ">>")
			for _, h := range qs[:len(qs)-1] {
				g.history = append(g.history, strings.TrimSpace(h))
			}
			g.question = strings.TrimSpace(qs[len(qs)-1])
			out = append(out, g)
		}
	}
	return out
}

// TestGoldenStory checks answers about the built-in story: found or not,
// what the first citation holds, what the answer says; and compares the
// whole answers with testdata/story.golden (rewrite with -update).
func TestGoldenStory(t *testing.T) {
	eng, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	var rendered strings.Builder
	for _, g := range readGolden(t) {
		a, err := eng.Answer(context.Background(), answer.Question{Text: g.question, History: g.history})
		if err != nil {
			t.Errorf("Answer(%q): %v", g.question, err)
			continue
		}
		if a.Found != g.found {
			t.Errorf("Answer(%q).Found = %v, want %v: %q", g.question, a.Found, g.found, a.Text)
		}
		if shown := a.Shown(); g.evidence != "" && (len(shown) == 0 || !strings.Contains(shown[0].Text, g.evidence)) {
			t.Errorf("Answer(%q) first passage shown %+v, want one holding %q", g.question, shown, g.evidence)
		}
		if g.answerHas != "" && !strings.Contains(a.Text, g.answerHas) {
			t.Errorf("Answer(%q).Text = %q, want %q in it", g.question, a.Text, g.answerHas)
		}
		if !a.Found && len(a.Citations) > 0 {
			t.Errorf("Answer(%q) is not found but cites %+v", g.question, a.Citations)
		}
		b, _ := json.MarshalIndent(struct {
			Question string
			History  []string `json:",omitempty"`
			answer.Answer
		}{g.question, g.history, a}, "", "  ")
		rendered.Write(b)
		rendered.WriteString("\n")
	}
	const file = "testdata/story.golden"
	if *update {
		if err := os.WriteFile(file, []byte(rendered.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./answer -run GoldenStory -update)", err)
	}
	if got := rendered.String(); got != string(want) {
		t.Errorf("answers differ from %s (run with -update after checking the change):\n%s", file, firstDiff(got, string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n got: " + a + "\nwant: " + b
		}
	}
	return ""
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// TestSpans checks the short answer picked out of a sentence that names
// several people and a place.
func TestSpans(t *testing.T) {
	eng, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ q, span string }{
		{"Who met Putin?", "French President Emmanuel Macron"},
		{"Who did Macron meet?", "Russian President Vladimir Putin"},
		{"Who did the French president meet?", "Russian President Vladimir Putin"},
		{"Where did the two presidents have lunch?", "Versailles"},
		{"Where did Macron meet Putin?", "Versailles"},
		{"How long did the presidents talk over lunch?", "two hours"},
		{"Which town was attacked with sarin?", "Khan Sheikhun"},
	}
	for _, tt := range tests {
		a, err := eng.Answer(context.Background(), answer.Question{Text: tt.q})
		if err != nil || a.Span != tt.span || !strings.HasPrefix(a.Text, "**"+tt.span+"** — ") {
			t.Errorf("Answer(%q) span %q, text %q, err %v; want span %q leading the answer", tt.q, a.Span, a.Text, err, tt.span)
		}
	}
}
