package corpus

// Book writers for the benchmarks of package corpus_test.

// BookEPUB writes document doc of c as an EPUB 3 book.
func BookEPUB(c *Corpus, doc int) []byte { return bookFromCorpus(c, doc).epub(3, nil) }

// BookPDF writes document doc of c as a PDF.
func BookPDF(c *Corpus, doc int) []byte { return bookFromCorpus(c, doc).pdf() }
