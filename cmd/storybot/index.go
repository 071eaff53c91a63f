package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"storybot/corpus"
	"storybot/retrieval"
)

// runIndex loads and indexes a corpus and reports what it found: per
// document its title, author, kind, chapters and sentences, and each file
// skipped or loaded with a warning, with the reason.
func runIndex(cfg Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := corpusFlag(fs, cfg)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	start := time.Now()
	c, err := loadCorpusWith(*path, cfg.CorpusOptions(), slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	loaded := time.Since(start)
	start = time.Now()
	ix := retrieval.NewIndex(c)
	indexed := time.Since(start)
	printIndex(stdout, c, dirName(*path))
	// Whether the rules of books hold (retrieval.Index.Book): what a short
	// answer must be, and which answers are stated.
	reads := "an article (open questions are answered with the sentence that answers)"
	if ix.Book() {
		reads = "a book (an answer is stated only with a short answer of the kind asked)"
	}
	fmt.Fprintf(stdout, "reads as:   %s\n", reads)
	fmt.Fprintf(stdout, "loaded in %s, indexed in %s (%.1f MB/s)\n", loaded.Round(time.Microsecond), indexed.Round(time.Microsecond),
		float64(c.Bytes)/1e6/(loaded+indexed).Seconds())
	return nil
}

// printIndex writes what a corpus holds.
func printIndex(w io.Writer, c *corpus.Corpus, name string) {
	fmt.Fprintf(w, "corpus:     %s\n", name)
	fmt.Fprintf(w, "documents:  %d\n", len(c.Docs))
	fmt.Fprintf(w, "paragraphs: %d\n", len(c.Paragraphs))
	fmt.Fprintf(w, "sentences:  %d\n", len(c.Sentences))
	fmt.Fprintf(w, "words:      %d\n", c.Words())
	fmt.Fprintf(w, "bytes:      %d\n", c.Bytes)
	for _, d := range c.Docs {
		sentences := 0
		for _, p := range c.Paragraphs[d.FirstParagraph : d.FirstParagraph+d.ParagraphCount] {
			sentences += p.SentenceCount
		}
		author := d.Author
		if author == "" {
			author = "(unknown)"
		}
		fmt.Fprintf(w, "  %s  %q  by %s  %s  %d chapters  %d paragraphs  %d sentences\n",
			d.Path, d.Title, author, d.Kind, len(d.Chapters), d.ParagraphCount, sentences)
		for _, ch := range d.Chapters {
			indent := "      "
			for range ch.Depth {
				indent += "  "
			}
			line := ch.Label
			if ch.Name != "" && ch.Kind != "" {
				line += "  " + ch.Name
			}
			if ch.Heading == "" {
				line += "  (heading inferred)"
			}
			fmt.Fprintf(w, "%s%s  (%d ¶)\n", indent, line, ch.ParagraphCount)
		}
	}
	if len(c.Warnings) > 0 {
		fmt.Fprintf(w, "warnings:\n")
		for _, x := range c.Warnings {
			fmt.Fprintf(w, "  %s: %s\n", x.Path, x.Message)
		}
	}
	if len(c.Skipped) > 0 {
		fmt.Fprintf(w, "skipped %d files:\n", len(c.Skipped))
		for _, s := range c.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", s.Path, s.Reason)
		}
	}
}
