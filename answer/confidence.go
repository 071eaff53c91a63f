package answer

import (
	"math"

	"storybot/retrieval"
)

// Deciding to answer. A wrong answer in bold costs the reader more than
// "the story doesn't say plainly; these passages come closest", so the
// engine answers only when a calibrated estimate that its answer is right,
// [Answer].Confidence, reaches the threshold ([Thresholds].For). The
// estimate is a logistic model over the [Signals] of the question and its
// best hit, trained on the development sets by cmd/storybot
// TestTrainConfidence: one for books (confidence_model.go; it estimates
// that the best sentence holds the evidence) and one for articles and
// stories (confidence_article_model.go; that the answer's text holds the
// answer). The old hand rules (too little coverage, an unknown word the
// question hinges on, a missing answer of a strict type, a speaker who
// says nothing) refuse on their own and are some of the models' inputs.

// verdicts are the hand rules that say a best hit does not answer.
type verdicts struct {
	lowCoverage, hinges, strictMissing, unattributed bool
	// nameless: the question asks for a name and the best hit and the
	// sentences beside it in its paragraph name nothing it does not.
	nameless bool
}

// Signals are what the decision to answer weighs.
type Signals struct {
	// Coverage and WindowCoverage are the best hit's coverage of the
	// question (see [retrieval.Hit]).
	Coverage, WindowCoverage float64
	// Score is the best hit's score per unit of question weight; Margin
	// its lead over the runner-up, as a share of its score.
	Score, Margin float64
	// Typed: the question expects an answer type; HasType: the best hit
	// holds a candidate of it; Holds: the build-time holds say it may.
	Typed, HasType, Holds bool
	// Unknown is the share of the question's weight in words the corpus
	// never uses nor paraphrases; Paraphrased in words it does not use but
	// whose WordNet relatives it does.
	Unknown, Paraphrased float64
	// Names, NamesNear and Numbers: the question's names and numbers in
	// the best hit; Missing, the most weight one missing word carries;
	// Negation, a disagreement in negation (see [retrieval.Hit]).
	Names, NamesNear, Numbers, Missing float64
	Negation                           bool
	// Content: the share of the question's words other than names that the
	// best hit or its neighbours hold.
	Content float64
	// Long is how much the corpus reads like a book (0 to 1).
	Long float64
	// Book: the corpus reads as a book (see [retrieval.Index.Book]).
	Book bool
	// FollowUp: the question has earlier questions.
	FollowUp bool
	// The hand rules' verdicts.
	LowCoverage, Hinges, StrictMissing, Unattributed bool
	// Nameless: the question asks for a name the best passage does not
	// hold (a rule, not weighed by the model).
	Nameless bool
	// Proximity and Phrase of the best hit.
	Proximity, Phrase float64
	// Terms is how many terms the question has of its own.
	Terms int
	// Coverable and WindowCoverable are Coverage and WindowCoverage of
	// what the corpus could cover: without the framing words it never uses
	// ("long" in "How long did they talk?"), which no sentence can hold.
	Coverable, WindowCoverable float64
	// Named: the best hit gives a short answer of the kind asked for (a
	// person for who, a number of years for how old, a name the question
	// does not give; see [retrieval.Index.AnswerSpan]).
	Named bool
	// Distinctive: the short answer asked for is of a kind that says much
	// of a sentence (a number, an age, a date, a kind of tool), not a name,
	// which most of a book's sentences hold.
	Distinctive bool
}

// signals gathers the signals of a question's best hit.
func (e *Engine) signals(history []string, res retrieval.Result, best retrieval.Hit, v verdicts) Signals {
	s := Signals{Coverage: best.Coverage, WindowCoverage: best.WindowCoverage, Typed: res.Type != retrieval.TypeNone,
		HasType: best.HasType, Holds: best.Holds, Names: best.Names, NamesNear: best.NamesNear, Numbers: best.Numbers,
		Missing: best.Missing, Negation: best.Negation, Content: best.Content,
		Long: res.Long, Book: res.Book, FollowUp: len(history) > 0, LowCoverage: v.lowCoverage, Hinges: v.hinges,
		StrictMissing: v.strictMissing, Unattributed: v.unattributed, Nameless: v.nameless, Proximity: best.Proximity, Phrase: best.Phrase}
	// An untyped question's short answer is a name it asks for or a kind of
	// what it asks about ("What tool…?").
	s.Distinctive = res.Type.Distinctive() || res.Type == retrieval.TypeNone && !res.AsksName
	var mass, unknown, para, frame, all, allFrame float64
	own := false
	for _, t := range res.Terms {
		own = own || !t.History && t.Known
	}
	for _, t := range res.Terms {
		m := t.Weight * t.IDF
		all += m
		if t.Frame && !t.Known {
			allFrame += m
		}
		if t.History {
			if !own && t.Frame && !t.Known {
				frame += m
			}
			continue
		}
		s.Terms++
		mass += m
		if t.Frame && !t.Known {
			frame += m
		}
		switch {
		case t.Known || t.Frame:
		case t.Paraphrased:
			para += m
		default:
			unknown += m
		}
	}
	if mass > 0 {
		s.Unknown, s.Paraphrased = unknown/mass, para/mass
		s.Score = best.Score / mass
	}
	// Coverage is a share of the own terms' mass (of all terms' mass when
	// no own term is known); the coverable share leaves out unknown frames.
	ownMass := mass
	if !own {
		ownMass = all
	}
	s.Coverable, s.WindowCoverable = best.Coverage, best.WindowCoverage
	if ownMass > frame && frame > 0 {
		s.Coverable = min(1, best.Coverage*ownMass/(ownMass-frame))
	}
	if all > allFrame && allFrame > 0 {
		s.WindowCoverable = min(1, best.WindowCoverage*all/(all-allFrame))
	}
	if best.Score > 0 {
		for _, h := range res.Hits {
			if h.Sentence != best.Sentence {
				s.Margin = (best.Score - h.Score) / best.Score
				break
			}
		}
	}
	return s
}

// vector is the model's input: the signals as numbers, in the order of
// [confidenceModel]'s weights.
func (s Signals) vector() []float64 {
	b := func(x bool) float64 {
		if x {
			return 1
		}
		return 0
	}
	typedMissing := b(s.Typed && !s.HasType)
	return []float64{
		s.Coverage, s.WindowCoverage, math.Min(s.Score, 4) / 4, s.Margin,
		b(s.Typed), typedMissing, b(s.Typed && !s.Holds),
		s.Unknown, s.Paraphrased,
		1 - s.Names, 1 - s.NamesNear, 1 - s.Numbers, s.Missing, b(s.Missing > 0.25), b(s.Negation),
		s.Long, s.Content,
		b(s.FollowUp),
		b(s.LowCoverage), b(s.Hinges), b(s.StrictMissing), b(s.Unattributed),
		s.Proximity, s.Phrase,
		math.Log1p(float64(s.Terms)),
		s.Coverable, s.WindowCoverable,
	}
}

// Vector returns the signals as the model's input, in the order of
// [SignalNames].
func (s Signals) Vector() []float64 { return s.vector() }

// SignalNames names the entries of [Signals.Vector], for the trainer.
func SignalNames() []string { return signalNames }

// signalNames name the entries of [Signals.vector].
var signalNames = []string{
	"coverage", "window coverage", "score", "margin",
	"typed", "typed, no candidate", "typed, no hold",
	"unknown words", "paraphrased words",
	"names missing", "names missing near", "numbers missing", "missing word", "missing word > 25%", "negation",
	"long", "content",
	"follow-up",
	"rule: low coverage", "rule: hinges on unknown", "rule: strict type missing", "rule: unattributed",
	"proximity", "phrase",
	"log terms",
	"coverable", "window coverable",
}

// model is a logistic model: the probability is 1/(1+exp(-(bias + w·x))).
type model struct {
	bias    float64
	weights []float64
}

func (m model) prob(x []float64) float64 {
	z := m.bias
	for i, w := range m.weights {
		if i < len(x) {
			z += w * x[i]
		}
	}
	return 1 / (1 + math.Exp(-z))
}

// confidence estimates the chance that the best hit answers: by the book
// model in a book, by the article model in an article or a story, and by
// both, weighed by [Signals].Long, in between.
func (e *Engine) confidence(s Signals) float64 {
	x := s.vector()
	return (1-s.Long)*articleModel.prob(x) + s.Long*confidenceModel.prob(x)
}

// answers decides whether the best hit answers: no hand rule says it does
// not, and its confidence reaches the threshold for a text of its length
// (see [Thresholds.For]).
func (e *Engine) answers(s Signals) bool { return e.answersAt(s, e.confidence(s)) }

// answersAt is [Engine.answers] for a best hit of confidence conf.
func (e *Engine) answersAt(s Signals, conf float64) bool {
	return !s.ruledOut() && conf >= e.th.For(s.Long)
}

// For is the confidence a best hit needs in a text that reads like a book
// to the degree long (0 to 1, see [Signals].Long): ArticleConfidence in an
// article, Confidence in a book, and between them in between.
func (t Thresholds) For(long float64) float64 {
	return (1-long)*t.ArticleConfidence + long*t.Confidence
}

// states decides whether the engine states an answer of confidence conf
// as found: it answers (see [Engine.answers]) and the answer is one it
// states in a text of its kind (see [Thresholds.States]).
//
// In a book a name's confidence is the book model's alone, on whose
// scale NameConfidence was chosen: in a book shorter than BookWords the
// confidence leans on the article model, whose chances run higher (on
// the short books of the thirteenth to fifteenth sets names were stated
// right 3 times in 10 that way; README: Measured quality).
func (e *Engine) states(s Signals, conf float64) bool {
	nameConf := conf
	if s.Book && s.Long < 1 {
		nameConf = confidenceModel.prob(s.vector())
	}
	return e.answersAt(s, conf) && e.th.States(s, nameConf)
}

// States reports whether an answer of confidence conf is one the engine
// states in a text of its kind, whatever the threshold for answering. In
// an article or a story it is. In a book (a text of more than 15,000
// words, in chapters or a story told, see [retrieval.Index.Book]) it must
// name a short answer: a keyword answer without one (to "Why did
// Charlotte accept Mr. Collins?", "What did Mina blame for the wounds?")
// quotes the best sentence as the answer, and on the book dev
// sets such answers held the answer 4 times in 25, against 7 in 18 for
// those that named one. Nor may the sentence and its neighbours cover
// less than half the question (MinWindowCoverage): over 22 book question
// sets (ours and the dev sets), stated answers were right 25 times in 33
// at half or more, 12 in 29 below. And a short answer that is a name (who, where,
// "What is the name of…?"), which most of a book's sentences hold, needs
// NameConfidence: such answers were right once in 10 on six books, where
// those of the other kinds (numbers, ages, dates, "what tool") were right
// 8 times in 12 (README: Measured quality).
func (t Thresholds) States(s Signals, conf float64) bool {
	switch {
	case !s.Book:
		return true
	case !s.Named, s.WindowCoverage < t.MinWindowCoverage:
		return false
	}
	return s.Distinctive || conf >= t.NameConfidence
}

// ruledOut reports whether a hand rule says the best hit does not answer.
func (s Signals) ruledOut() bool {
	return s.LowCoverage || s.Hinges || s.StrictMissing || s.Unattributed || s.Nameless
}

// RuledOut reports whether a hand rule says the best hit does not answer.
func (s Signals) RuledOut() bool { return s.ruledOut() }
