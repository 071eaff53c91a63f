// Package retrieval finds the sentences of a [corpus.Corpus] that answer a
// question. It analyzes text ([Analyze], [Normalize]: Unicode folding,
// stop words, Snowball stemming), keeps a BM25 inverted index over sentences
// with their word sequences ([Index]), and ranks sentences for a [Query]
// with features beyond BM25: coverage of the question, proximity, the
// neighbouring sentences and paragraph, reference back by pronouns,
// synonyms and WordNet relatives, aliases learnt from the corpus, and the
// expected answer type.
//
// The answer types live in one table (answertype.go: how a question asks
// for each, which kinds of candidate answer it, strict or distinctive);
// each kind of candidate has one finder (candidates.go, finders.go). The
// analyzed [Question] travels in the [Result], so that the short answer
// ([Index.AnswerSpan]) and the checks made after a search read the same
// analysis. Reference back to earlier sentences is in anaphora.go.
//
// The package knows nothing of Discord, models or how answers are worded.
package retrieval
