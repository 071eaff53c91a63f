package answer

import (
	"math"
	"testing"
)

// TestAnswersDecision checks the decision to answer on hand-made signals:
// the hand rules refuse everywhere; elsewhere the confidence must reach the
// threshold of the text's kind.
func TestAnswersDecision(t *testing.T) {
	e := &Engine{th: DefaultThresholds}
	strong := Signals{Coverage: 1, WindowCoverage: 1, Coverable: 1, WindowCoverable: 1, Score: 3, Margin: 0.5, Names: 1, NamesNear: 1, Numbers: 1, Content: 1, Terms: 4, Holds: true}
	weak := Signals{Coverage: 0.2, WindowCoverage: 0.3, Coverable: 0.2, WindowCoverable: 0.3, Score: 0.3, Margin: 0, Names: 0, NamesNear: 0, Numbers: 1, Content: 0, Terms: 3,
		Typed: true, Missing: 0.6, Unknown: 0.3}
	book := func(s Signals) Signals { s.Long = 1; return s }
	for _, tt := range []struct {
		name string
		s    Signals
		want bool
	}{
		{"article, strong", strong, true},
		{"article, weak: no rule against it, but not confident", weak, false},
		{"article, coverage too low", func() Signals { s := strong; s.LowCoverage = true; return s }(), false},
		{"article, strict type missing", func() Signals { s := strong; s.StrictMissing = true; return s }(), false},
		{"article, speaker says nothing", func() Signals { s := strong; s.Unattributed = true; return s }(), false},
		{"article, hinges on an unknown word", func() Signals { s := strong; s.Hinges = true; return s }(), false},
		{"book, strong", book(strong), true},
		{"book, weak", book(weak), false},
		{"book, rule against it", func() Signals { s := book(strong); s.StrictMissing = true; return s }(), false},
	} {
		if got := e.answers(tt.s); got != tt.want {
			t.Errorf("%s: answers = %v (confidence %.3f), want %v", tt.name, got, e.confidence(tt.s), tt.want)
		}
	}
	// The estimate is a probability, and more evidence never lowers it.
	if c1, c2 := e.confidence(book(weak)), e.confidence(book(strong)); c1 < 0 || c2 > 1 || c1 >= c2 {
		t.Errorf("confidence(weak) = %.3f, confidence(strong) = %.3f: want 0 <= weak < strong <= 1", c1, c2)
	}
	if c1, c2 := e.confidence(weak), e.confidence(strong); c1 < 0 || c2 > 1 || c1 >= c2 {
		t.Errorf("in an article, confidence(weak) = %.3f, confidence(strong) = %.3f: want 0 <= weak < strong <= 1", c1, c2)
	}
	// The book model was trained before the last two signals were added:
	// it has no weights for them, and weighs them as 0.
	if len(signalNames) != len(Signals{}.vector()) || len(articleModel.weights) != len(signalNames) || len(confidenceModel.weights) > len(signalNames) {
		t.Errorf("%d signal names, %d inputs, %d article and %d book weights: they must agree", len(signalNames), len(Signals{}.vector()),
			len(articleModel.weights), len(confidenceModel.weights))
	}
}

// TestThresholdFor checks that a text between an article and a book takes
// a share of each threshold.
func TestThresholdFor(t *testing.T) {
	th := Thresholds{Confidence: 0.1, ArticleConfidence: 0.5}
	for _, tt := range []struct{ long, want float64 }{{0, 0.5}, {1, 0.1}, {0.5, 0.3}, {0.25, 0.4}} {
		if got := th.For(tt.long); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("For(%v) = %v, want %v", tt.long, got, tt.want)
		}
	}
}

// TestStatesDecision checks that in a book (a text of some longness or in
// chapters, see [retrieval.Index.Book]) only an answer that names a short
// answer is stated, however confident, and that elsewhere naming one does
// not matter.
func TestStatesDecision(t *testing.T) {
	e := &Engine{th: DefaultThresholds}
	strong := Signals{Coverage: 1, WindowCoverage: 1, Coverable: 1, WindowCoverable: 1, Score: 3, Margin: 0.5, Names: 1, NamesNear: 1, Numbers: 1, Content: 1, Terms: 4, Holds: true}
	with := func(long float64, named bool) Signals {
		s := strong
		s.Long, s.Book, s.Named, s.Distinctive = long, long > 0, named, true
		return s
	}
	chaptered := func(s Signals) Signals { s.Book = true; return s }
	name := func(s Signals) Signals { s.Distinctive = false; return s }
	for _, tt := range []struct {
		name string
		s    Signals
		want bool
	}{
		{"book, named", with(1, true), true},
		{"book, open question, confident", with(1, false), false},
		{"half a book, open question", with(0.5, false), false},
		{"less than half a book, open question", with(0.45, false), false},
		{"a little over 15,000 words, open question", with(0.05, false), false},
		{"article, open question", with(0, false), true},
		{"a short text in chapters, open question", chaptered(with(0, false)), false},
		{"a short text in chapters, named", chaptered(with(0, true)), true},
		{"book, named, rule against it", func() Signals { s := with(1, true); s.LowCoverage = true; return s }(), false},
	} {
		if got := e.states(tt.s, e.confidence(tt.s)); got != tt.want {
			t.Errorf("%s: states = %v (answers %v, confidence %.3f), want %v", tt.name, got, e.answers(tt.s), e.confidence(tt.s), tt.want)
		}
	}
	// In a book shorter than BookWords a name's confidence is the book
	// model's: the article model's, above the threshold here, does not
	// state it.
	weakName := Signals{Coverage: 0.5, WindowCoverage: 0.5, Coverable: 1, WindowCoverable: 1, Score: 2, Margin: 0.05, Names: 1, NamesNear: 1, Content: 0.5, Terms: 4, Holds: true, Named: true}
	if c := articleModel.prob(weakName.vector()); c < DefaultThresholds.NameConfidence || confidenceModel.prob(weakName.vector()) >= DefaultThresholds.NameConfidence {
		t.Fatalf("the weak name's chances (article %.3f, book %.3f) no longer straddle NameConfidence", c, confidenceModel.prob(weakName.vector()))
	}
	if !e.states(weakName, e.confidence(weakName)) {
		t.Error("an article does not state a name the article model is sure of")
	}
	if short := chaptered(weakName); e.states(short, e.confidence(short)) {
		t.Error("a short book states a name only the article model is sure of")
	}
	// In a book a name needs NameConfidence, the other kinds do not; in an
	// article neither does.
	th := DefaultThresholds
	for _, tt := range []struct {
		name string
		s    Signals
		conf float64
		want bool
	}{
		{"book, a name, sure", name(with(1, true)), th.NameConfidence, true},
		{"book, a name, unsure", name(with(1, true)), th.NameConfidence - 0.01, false},
		{"book, a number, unsure", with(1, true), th.Confidence, true},
		{"article, a name, unsure", name(with(0, true)), 0.1, true},
		// In a book the sentence and its neighbours must cover half the
		// question; in an article they need not.
		{"book, a number, half covered", func() Signals { s := with(1, true); s.WindowCoverage = th.MinWindowCoverage; return s }(), th.Confidence, true},
		{"book, a number, less than half covered", func() Signals { s := with(1, true); s.WindowCoverage = th.MinWindowCoverage - 0.01; return s }(), 0.9, false},
		{"article, a number, less than half covered", func() Signals { s := with(0, true); s.WindowCoverage = 0.2; return s }(), 0.9, true},
	} {
		if got := th.States(tt.s, tt.conf); got != tt.want {
			t.Errorf("%s: States(%.2f) = %v, want %v", tt.name, tt.conf, got, tt.want)
		}
	}
}
