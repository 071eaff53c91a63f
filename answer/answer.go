// Package answer turns a question about a corpus into an answer grounded in
// it: extractive from the retrieved sentences, or written by a language model
// from them when a [Generator] is configured, always with citations that point
// at real corpus text.
package answer

import (
	"context"
	"errors"
)

// Mode says how an answer was (or should be) produced.
type Mode string

const (
	// ModeAuto uses the model when one is configured and keywords otherwise.
	ModeAuto Mode = ""
	// ModeKeyword answers extractively from the retrieved sentences.
	ModeKeyword Mode = "keyword"
	// ModeLLM answers with the configured model, grounded in the passages.
	ModeLLM Mode = "llm"
	// ModeFallback marks an extractive answer given because the model failed.
	ModeFallback Mode = "fallback"
)

// Question is what a user asked, with the conversation before it.
type Question struct {
	// Text is the question itself.
	Text string
	// History holds earlier questions of the same conversation, oldest first.
	History []string
	// Mode selects keyword or model answers; the zero value is [ModeAuto].
	Mode Mode
	// Stream, when not nil, receives the answer text written so far while a
	// model answer is being generated. It is never called for keyword answers.
	Stream func(partial string)
	// Spoilers, asked of an engine limited by a reader's progress
	// ([Engine.UpTo]), answers from the whole corpus with the text beyond
	// the progress hidden behind Discord's spoiler markup (||…||).
	Spoilers bool
}

// Citation is one numbered piece of corpus text an answer rests on.
type Citation struct {
	// N is the number shown in the answer text as [N], starting at 1.
	N int `json:"-"`
	// ID is a stable reference for lookups ([Engine.Source]), e.g.
	// "macron-and-putin-at-versailles/1/2" (document, paragraph, sentence).
	ID string `json:"-"`
	// Ref is the reference a reader understands, e.g.
	// "Macron and Putin at Versailles, ¶1".
	Ref string `json:"ref"`
	// Text is the cited text exactly as it stands in the corpus.
	Text string `json:"text"`
	// Focus is the byte offset in Text where the cited sentence starts:
	// a refusal's closest passage may hold sentences before it (see
	// [Engine.closest]), and a display that shortens the passage keeps
	// the sentence in sight.
	Focus int `json:"-"`
	// Title and Author name the document; Chapter is the chapter's label
	// ("ch. 61", "part III", or its name in quotes), empty outside
	// chapters; Paragraph counts from 1 within the chapter, or within the
	// document. Ref writes them for a reader.
	Title     string `json:"title"`
	Author    string `json:"author,omitempty"`
	Chapter   string `json:"chapter,omitempty"`
	Paragraph int    `json:"paragraph"`
	// Beyond marks a citation after the reader's progress, in an answer
	// asked with [Question].Spoilers; its Text is in spoiler markup.
	Beyond bool `json:"beyond,omitempty"`
}

// Answer is the reply to a [Question].
type Answer struct {
	// Question is the question as answered (cleaned, possibly shortened).
	Question string
	// Found reports whether the corpus answers the question.
	Found bool
	// Text is the answer in Markdown: the short answer in bold when there is
	// one, then the quoted evidence, verbatim, with [n] citation markers; or a
	// model answer with [n] markers.
	// When Found is false it says that the story does not answer.
	Text string
	// Span is the short answer (e.g. "two hours") when one was found.
	Span string
	// Citations are the passages the answer cites, best first, numbered 1..n.
	Citations []Citation
	// Related are the closest passages when Found is false; they are not an
	// answer and are numbered separately (see [Answer.Shown]).
	Related []Citation
	// Mode is how the answer was produced: keyword, llm or fallback.
	Mode Mode
	// Confidence is the estimated chance, from 0 to 1, that the keyword
	// answer is right: in a book that its best passage answers, in an
	// article or a story that its text holds the answer (see
	// [Thresholds.For]); 0 when there was nothing to weigh.
	Confidence float64
	// Notice is a short remark for the user, e.g. that the question was
	// shortened or that the model could not be used.
	Notice string
	// Beyond reports that the text up to the reader's progress does not
	// answer but the rest of the book does; Text says so without saying
	// what (see [Engine.UpTo]).
	Beyond bool
	// cited are the sentences of Citations, in order, for a refusal that
	// shows them as the closest passages.
	cited []int
}

// Passage is a numbered sentence window given to a [Generator].
type Passage struct {
	// N is the passage's number, starting at 1; the model cites it as [N].
	N int
	// Ref is the reader's reference of the passage's central sentence.
	Ref string
	// Document and Paragraph locate the passage.
	Document  string
	Paragraph int
	// Text is the window: the central sentence with its neighbours.
	Text string
	// Cite is the citation of the central sentence.
	Cite Citation
	// sentence is the central sentence, 1 more than its index (0 for a
	// passage the engine did not make).
	sentence int
}

// GenerateInput is what a [Generator] answers from.
type GenerateInput struct {
	Question string
	History  []string
	Passages []Passage
}

// Generator writes an answer from numbered passages, citing them as [n].
// onDelta, when not nil, receives each new piece of text as it arrives.
type Generator interface {
	Generate(ctx context.Context, in GenerateInput, onDelta func(delta string)) (string, error)
}

// RewriteInput is what a [Rewriter] writes from.
type RewriteInput struct {
	Question string
	History  []string
	// Titles name the texts asked about, "Title by Author", at most
	// [rewriteTitles] of them.
	Titles []string
}

// Rewriter writes, for a question, the words its answer may stand in: a
// passage as the text itself might word the answer, with the names and
// words it would use. The engine searches with them beside the question
// for the passages a model is given (README: Language model), since a
// reader's words are seldom the book's.
type Rewriter interface {
	Rewrite(ctx context.Context, in RewriteInput) (string, error)
}

// Source is a cited sentence shown in full: its paragraph and neighbours.
type Source struct {
	ID  string
	Ref string
	// Sentence is the referenced sentence (empty for a paragraph reference).
	Sentence string
	// Paragraph is the whole paragraph holding the reference.
	Paragraph string
	// Before and After are the neighbouring paragraphs, empty at the edges.
	Before, After string
}

// Stats describe the loaded corpus.
type Stats struct {
	Documents  int
	Paragraphs int
	Sentences  int
	Words      int
	Bytes      int64
	Titles     []string
}

// Errors for questions that cannot be answered as given. Their messages are
// fit to show to a user.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrInvalidQuestion = errors.New("the question is not valid text")
	ErrUnknownRef      = errors.New("no passage has that reference")
)

// Shown returns what the answer shows of the corpus, best first: its
// citations, or, when it is not found, the passages that come closest.
// The batch contract and eval score this list, so that a refusal keeps the
// ranking's best passages in front of the reader.
func (a Answer) Shown() []Citation {
	if a.Found || len(a.Citations) > 0 {
		return a.Citations
	}
	return a.Related
}
