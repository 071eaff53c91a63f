package retrieval

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"storybot/corpus"
)

// startREs are the finders' expressions, by name.
var startREs = map[string]*startRE{
	"number": numberFind, "money": moneyFind, "duration": durationFind, "date": dateFind, "relTime": relTimeFind,
	"clock": clockFind, "age": ageFind, "distance": distanceFind, "place": placeFind,
}

// checkStartREs fails unless every finder finds in text what the plain
// search finds.
func checkStartREs(t *testing.T, text string) {
	t.Helper()
	st := &sentenceText{text: text, toks: analyze(text, nil, nil)}
	for name, r := range startREs {
		var want, wantGroup []Span
		for _, m := range r.re.FindAllStringSubmatchIndex(text, -1) {
			want = append(want, Span{m[0], m[1]})
			g := Span{-1, -1}
			if len(m) > 3 && m[2] >= 0 {
				g = Span{m[2], m[3]}
			}
			wantGroup = append(wantGroup, g)
		}
		got, group := r.findAll(st)
		if !slices.Equal(got, want) || !slices.Equal(group, wantGroup) {
			t.Errorf("%s in %q: found %v %v, want %v %v", name, text, got, group, want, wantGroup)
		}
	}
}

func TestStartREsCases(t *testing.T) {
	for _, text := range []string{
		"It cost $1,000 and 3.5 percent, 12 people.", "It cost €5 or £3.", "Twenty-five people and a dozen more came.",
		"A single man of large fortune; four or five thousand a year.", "He came on May 29, 2017 and left in 1999.",
		"On 4th of July they met; by Monday it ended.", "The casket dated c1180 and the candlestick c.1110.",
		"A 13th-century beaker, changed in the 19th Century and the early nineteenth century.", "Due 12/31/2020.",
		"He visited the Kremlin only a month before the French began.", "At 5 p.m. on Monday they met.",
		"They met in the morning at 9 o'clock.", "They left at 11 at night, three in the morning.", "On the fourteenth of March, the first of May 1820.", "In 55 BC and _1897_ the river rose.", "within thirty miles of it",
		"He was a young man of five-and-twenty.", "It rained all night; overnight it froze.", "They met in the palace of Versailles.",
		"é1999 and Ⅻ 12", "", "$", "a", "In the evening.",
	} {
		checkStartREs(t, text)
	}
}

// TestStartREs checks the finders against the plain search on the
// sentences of the shared books and SQuAD articles (every 23rd; all with
// STORYBOT_STARTRE=all), and skips without them.
func TestStartREs(t *testing.T) {
	step := 23
	if os.Getenv("STORYBOT_STARTRE") == "all" {
		step = 1
	}
	n := 0
	c, err := corpus.LoadDir(sharedDir(t, "corpora", "gutenberg"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(c.Sentences); i += step {
		checkStartREs(t, c.Sentences[i].Text)
		n++
	}
	data, err := os.ReadFile(sharedDir(t, "bench", "squad", "dev-v1.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sq struct {
		Data []struct {
			Paragraphs []struct{ Context string } `json:"paragraphs"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &sq); err != nil {
		t.Fatal(err)
	}
	k := 0
	for _, a := range sq.Data {
		for _, p := range a.Paragraphs {
			for _, s := range corpus.SplitSentences(strings.TrimSpace(p.Context)) {
				if k++; k%step == 0 {
					checkStartREs(t, s)
					n++
				}
			}
		}
	}
	t.Logf("%d sentences checked", n)
}
