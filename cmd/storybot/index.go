package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"storybot/retrieval"
)

// runIndex loads and indexes a corpus and reports what it found.
func runIndex(cfg Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := corpusFlag(fs, cfg)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	start := time.Now()
	c, err := loadCorpus(*corpus, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	loaded := time.Since(start)
	start = time.Now()
	retrieval.NewIndex(c)
	indexed := time.Since(start)
	fmt.Fprintf(stdout, "corpus:     %s\n", dirName(*corpus))
	fmt.Fprintf(stdout, "documents:  %d\n", len(c.Docs))
	fmt.Fprintf(stdout, "paragraphs: %d\n", len(c.Paragraphs))
	fmt.Fprintf(stdout, "sentences:  %d\n", len(c.Sentences))
	fmt.Fprintf(stdout, "words:      %d\n", c.Words())
	fmt.Fprintf(stdout, "bytes:      %d\n", c.Bytes)
	fmt.Fprintf(stdout, "loaded in %s, indexed in %s (%.1f MB/s)\n", loaded.Round(time.Microsecond), indexed.Round(time.Microsecond),
		float64(c.Bytes)/1e6/(loaded+indexed).Seconds())
	for _, d := range c.Docs {
		fmt.Fprintf(stdout, "  %s  %q  %d paragraphs\n", d.Path, d.Title, d.ParagraphCount)
	}
	if len(c.Skipped) > 0 {
		fmt.Fprintf(stdout, "skipped %d files:\n", len(c.Skipped))
		for _, s := range c.Skipped {
			fmt.Fprintf(stdout, "  %s: %s\n", s.Path, s.Reason)
		}
	}
	return nil
}
