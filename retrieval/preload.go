package retrieval

// Preload parses the embedded WordNet, noun and noun-kind tables now, so
// that the first question that needs them does not wait for them (about
// 45 ms together on the development machine, most of it the kinds). It is
// safe to call from several goroutines and more than once; a program that
// answers questions calls it in the background at start-up.
func Preload() {
	wordnet()
	nouns()
	nounKinds()
}

// Preload is [Preload], then the index's own table of the terms of each
// kind ("shovel" for "tool", 8 ms on the nine books), which the first
// "what/which N" question would otherwise build. It is safe to call
// concurrently with searches.
func (ix *Index) Preload() {
	Preload()
	ix.ofKind("")
}
