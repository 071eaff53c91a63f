package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
)

// checkLimits fails t when m breaks one of Discord's message limits.
func checkLimits(t *testing.T, name string, m Message) {
	t.Helper()
	if runes(m.Content) > MaxContent {
		t.Errorf("%s: content has %d characters", name, runes(m.Content))
	}
	if m.Content == "" && len(m.Embeds) == 0 {
		t.Errorf("%s: empty message", name)
	}
	if len(m.Embeds) > MaxEmbeds {
		t.Errorf("%s: %d embeds", name, len(m.Embeds))
	}
	total := 0
	for _, e := range m.Embeds {
		total += EmbedLength(e)
		if runes(e.Title) > MaxEmbedTitle || runes(e.Description) > MaxEmbedDesc || len(e.Fields) > MaxFields {
			t.Errorf("%s: embed over limits: title %d, description %d, fields %d", name, runes(e.Title), runes(e.Description), len(e.Fields))
		}
		for _, f := range e.Fields {
			if runes(f.Name) > MaxFieldName || runes(f.Value) > MaxFieldValue || f.Name == "" || f.Value == "" {
				t.Errorf("%s: field %q: name %d, value %d characters", name, f.Name, runes(f.Name), runes(f.Value))
			}
		}
		if e.Footer != nil && runes(e.Footer.Text) > MaxFooter {
			t.Errorf("%s: footer has %d characters", name, runes(e.Footer.Text))
		}
	}
	if total > MaxEmbedsTotal {
		t.Errorf("%s: embeds total %d characters", name, total)
	}
	if len(m.Components) > 5 {
		t.Errorf("%s: %d action rows", name, len(m.Components))
	}
	seen := map[string]bool{}
	for _, c := range m.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok || len(row.Components) > 5 {
			t.Errorf("%s: bad action row %#v", name, c)
			continue
		}
		for _, c := range row.Components {
			b := c.(discordgo.Button)
			if n := len(b.CustomID); n < 1 || n > 100 || seen[b.CustomID] {
				t.Errorf("%s: button custom_id %q (len %d, duplicate %v)", name, b.CustomID, n, seen[b.CustomID])
			}
			seen[b.CustomID] = true
		}
	}
}

func cite(n int, text string) answer.Citation {
	return answer.Citation{N: n, ID: fmt.Sprintf("story/%d/1", n), Ref: fmt.Sprintf("Macron and Putin at Versailles, ¶%d", n), Text: text}
}

// longAnswer has paragraphs citing [1]…[n] in order, about size characters.
func longAnswer(n, size int) answer.Answer {
	var b strings.Builder
	var cites []answer.Citation
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Paragraph %d says **something** important [%d]. ", i, i)
		for b.Len() < size*i/n {
			b.WriteString("More words about the meeting at the palace. ")
		}
		b.WriteString("\n\n")
		cites = append(cites, cite(i, strings.Repeat("Quoted corpus text. ", 80)))
	}
	return answer.Answer{Question: "What happened?", Found: true, Text: b.String(), Citations: cites, Mode: answer.ModeKeyword}
}

var markerTest = regexp.MustCompile(`\[(\d+)\]`)

func TestRenderAnswer(t *testing.T) {
	tests := []struct {
		name  string
		a     answer.Answer
		parts int
	}{
		{"short", answer.Answer{Question: "Where?", Found: true, Text: "They met at **Versailles** [1].", Citations: []answer.Citation{cite(1, "They met at Versailles.")}}, 1},
		{"long", longAnswer(4, 9000), 4},
		{"very long", longAnswer(12, 30000), 12},
		{"huge citations", answer.Answer{Question: strings.Repeat("why ", 100), Found: true, Text: "[1] [2] [3] [4] [5] [6] [7] [8] [9] [10] [11] [12]",
			Citations: func() []answer.Citation {
				var cs []answer.Citation
				for i := 1; i <= 12; i++ {
					cs = append(cs, cite(i, strings.Repeat("x", 5000)))
				}
				return cs
			}()}, 1},
		{"not found", answer.Answer{Question: "Who won the cup?", Text: "The story doesn't say who won the cup.",
			Related: []answer.Citation{cite(1, "A cup of tea."), cite(2, "The trophy room.")}}, 1},
		{"not found, no text", answer.Answer{Question: "Who?"}, 1},
		{"fallback", answer.Answer{Question: "Where?", Found: true, Text: "At Versailles [1].", Citations: []answer.Citation{cite(1, "x")}, Mode: answer.ModeFallback, Notice: "question shortened"}, 1},
	}
	for _, tt := range tests {
		msgs := RenderAnswer(context.Background(), tt.a, NewSourceIDs(nil, nil))
		if len(msgs) != tt.parts {
			t.Errorf("%s: RenderAnswer gave %d messages, want %d", tt.name, len(msgs), tt.parts)
		}
		for i, m := range msgs {
			checkLimits(t, fmt.Sprintf("%s part %d", tt.name, i+1), m)
		}
	}
}

func TestRenderAnswerSplitKeepsCitations(t *testing.T) {
	a := longAnswer(5, 12000)
	msgs := RenderAnswer(context.Background(), a, NewSourceIDs(nil, nil))
	if len(msgs) < 2 {
		t.Fatalf("RenderAnswer of %d characters gave %d message(s), want a split", len(a.Text), len(msgs))
	}
	var all strings.Builder
	for i, m := range msgs {
		e := m.Embeds[0]
		all.WriteString(e.Description + "\n")
		var markers, fields []string
		for _, mm := range markerTest.FindAllStringSubmatch(e.Description, -1) {
			markers = append(markers, "["+mm[1]+"]")
		}
		for _, f := range e.Fields {
			fields = append(fields, f.Name[:strings.Index(f.Name, "]")+1])
		}
		if strings.Join(markers, ",") != strings.Join(fields, ",") {
			t.Errorf("part %d cites %v but shows citations %v", i+1, markers, fields)
		}
		if strings.Count(e.Description, "**")%2 != 0 {
			t.Errorf("part %d leaves bold open: %q", i+1, e.Description)
		}
	}
	// Nothing is lost in the split but whitespace and re-opened bold.
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "**", "")), " ") }
	if norm(all.String()) != norm(a.Text) {
		t.Errorf("split parts do not add up to the answer")
	}
}

func TestRenderNotFound(t *testing.T) {
	a := answer.Answer{Question: "Who won the cup?", Text: "The story doesn't say who won the cup.", Related: []answer.Citation{cite(3, "A cup of tea.")}}
	msgs := RenderAnswer(context.Background(), a, NewSourceIDs(nil, nil))
	e := msgs[0].Embeds[0]
	if !strings.HasPrefix(e.Description, "The story doesn't say") {
		t.Errorf("not-found description = %q", e.Description)
	}
	if len(e.Fields) != 1 || !strings.HasPrefix(e.Fields[0].Name, "Closest: ") {
		t.Errorf("not-found fields = %+v, want one marked related", e.Fields)
	}
	if got := RenderAnswer(context.Background(), answer.Answer{Question: "x"}, nil)[0].Embeds[0].Description; got != notFoundText {
		t.Errorf("empty not-found description = %q, want %q", got, notFoundText)
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"short", 10, []string{"short"}},
		{"", 10, nil},
		{"one two three four", 12, []string{"one two", "three four"}},
		{"First. Second one here.", 14, []string{"First.", "Second one", "here."}},
		{"para one\n\npara two", 14, []string{"para one", "para two"}},
		{"abcdefghijklmnop", 8, []string{"abcdef", "ghijkl", "mnop"}},
		{"a **bold text here** end", 14, []string{"a **bold**", "**text**", "**here** end"}},
	}
	for _, tt := range tests {
		got := SplitText(tt.in, tt.n)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("SplitText(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		for _, p := range got {
			if runes(p) > tt.n {
				t.Errorf("SplitText(%q, %d): part %q too long", tt.in, tt.n, p)
			}
		}
	}
}

func TestRenderOthers(t *testing.T) {
	long := strings.Repeat("word ", 3000)
	srcs := make([]answer.Source, 12)
	for i := range srcs {
		srcs[i] = answer.Source{ID: "a", Ref: strings.Repeat("R", 300), Sentence: "word word", Paragraph: long, Before: long, After: long}
	}
	var results []answer.Citation
	for i := 1; i <= 25; i++ {
		results = append(results, cite(i, long))
	}
	for name, m := range map[string]Message{
		"sources":      RenderSources(srcs),
		"no sources":   RenderSources(nil),
		"source":       RenderSource(srcs[0]),
		"search":       RenderSearch(context.Background(), long, results, NewSourceIDs(nil, nil)),
		"empty search": RenderSearch(context.Background(), "x", nil, NewSourceIDs(nil, nil)),
		"stats":        RenderStats(answer.Stats{Documents: 1, Bytes: 12345, Titles: []string{"Macron and Putin at Versailles"}}, true),
		"partial":      RenderPartial(long, long),
		"notice":       RenderNotice(long),
	} {
		checkLimits(t, name, m)
	}
}
