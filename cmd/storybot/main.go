// Command storybot answers questions about a story: from the command line
// (ask, search, chat, eval, index) or as a Discord bot (serve).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"storybot/answer"
	"storybot/corpus"
	"storybot/seeds"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "storybot:", err)
		}
		os.Exit(1)
	}
}

const usage = `storybot answers questions about a story.

Usage:
  storybot ask [--corpus PATH] [--json | --jsonl] [--llm | --no-llm] "question"
  storybot search [--corpus PATH] [--jsonl] [--limit N] ["query"]
  storybot chat [--corpus PATH] [--llm | --no-llm]
  storybot eval [--corpus PATH] [--llm] [-v] FILE      (story JSONL question set, or SQuAD v1.1 or 2.0 JSON)
  storybot index [--corpus PATH]
  storybot serve                                       (Discord; configured by the environment)

PATH is a folder of books or one book: .txt, .md, .epub, .html, .htm, .xhtml or .pdf.
Without --corpus (or CORPUS_DIR) storybot answers about its built-in story.
See README.md for every setting.
`

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	logger, err := newLogger(cfg.LogLevel, stderr)
	if err != nil {
		return err
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "ask":
		return runAsk(ctx, cfg, logger, rest, stdin, stdout, stderr)
	case "chat":
		return runChat(ctx, cfg, logger, rest, stdin, stdout, stderr)
	case "search":
		return runSearch(ctx, cfg, logger, rest, stdin, stdout, stderr)
	case "eval":
		return runEval(ctx, cfg, logger, rest, stdout, stderr)
	case "index":
		return runIndex(cfg, logger, rest, stdout, stderr)
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stderr)
		if err := fs.Parse(rest); err != nil {
			return err
		}
		eng, err := loadEngine(ctx, cfg, cfg.Corpus, cfg.LLMConfigured(), logger)
		if err != nil {
			return err
		}
		return runServe(ctx, cfg, eng, logger)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// loadCorpus loads dir (a folder or one book), or the embedded story when
// dir is empty, with the default limits, and logs the files it skipped.
func loadCorpus(dir string, logger *slog.Logger) (*corpus.Corpus, error) {
	return loadCorpusWith(dir, corpus.Options{}, logger)
}

// loadCorpusWith is loadCorpus within the limits of opt.
func loadCorpusWith(dir string, opt corpus.Options, logger *slog.Logger) (*corpus.Corpus, error) {
	var c *corpus.Corpus
	var err error
	if dir == "" {
		c, err = corpus.LoadOptions(seeds.FS, opt)
	} else {
		c, err = corpus.LoadPath(dir, opt)
	}
	if c != nil && logger != nil {
		logCorpusFiles(c, logger)
	}
	if err != nil {
		if errors.Is(err, corpus.ErrEmptyCorpus) {
			return nil, emptyCorpusError(dir, c)
		}
		return nil, err
	}
	return c, nil
}

// logCorpusFiles logs the files a corpus skipped or loaded with a warning.
func logCorpusFiles(c *corpus.Corpus, logger *slog.Logger) {
	for _, s := range c.Skipped {
		logger.Warn("skipped file", "path", s.Path, "reason", s.Reason)
	}
	for _, w := range c.Warnings {
		logger.Warn("file loaded with a warning", "path", w.Path, "warning", w.Message)
	}
}

// emptyCorpusError says why a corpus has nothing to answer from, naming
// the files refused and the reasons.
func emptyCorpusError(dir string, c *corpus.Corpus) error {
	if c == nil || len(c.Skipped) == 0 {
		return fmt.Errorf("corpus %s: no .txt or .md file, nor .epub, .html or .pdf, with text in it", dirName(dir))
	}
	var reasons []string
	for i, s := range c.Skipped {
		if i == 3 {
			reasons = append(reasons, fmt.Sprintf("and %d more", len(c.Skipped)-3))
			break
		}
		r := s.Reason
		if strings.HasPrefix(r, "too large") {
			r += " (MAX_BOOK_MB)"
		}
		reasons = append(reasons, s.Path+": "+r)
	}
	return fmt.Errorf("corpus %s: nothing to answer from: %s", dirName(dir), strings.Join(reasons, "; "))
}

func dirName(dir string) string {
	if dir == "" {
		return "(built-in story)"
	}
	return dir
}

// loadEngine builds the answering engine, with the model when withModel
// and one is configured.
func loadEngine(ctx context.Context, cfg Config, dir string, withModel bool, logger *slog.Logger) (*answer.Engine, error) {
	start := time.Now()
	ix, err := loadIndex(cfg, dir, logger)
	if err != nil {
		return nil, err
	}
	c := ix.Corpus()
	logger.Debug("corpus indexed", "dir", dirName(dir), "documents", len(c.Docs), "sentences", len(c.Sentences), "took", time.Since(start))
	opts := answer.Options{MaxQuestion: cfg.MaxQuestion, Passages: cfg.LLMPassages, PassageWords: cfg.LLMPassageWords, Logger: logger}
	if withModel {
		if !cfg.LLMConfigured() {
			return nil, errors.New("--llm needs a model: set LLM_BASE_URL and LLM_MODEL")
		}
		gen, err := newGenerator(ctx, cfg, logger)
		if err != nil {
			return nil, err
		}
		opts.Generator = gen
	}
	return answer.New(ix, opts), nil
}

// corpusFlag adds --corpus, defaulting to CORPUS_DIR.
func corpusFlag(fs *flag.FlagSet, cfg Config) *string {
	return fs.String("corpus", cfg.Corpus, "folder of books, or one book (.txt, .md, .epub, .html, .pdf), to answer from (default: CORPUS_DIR, else the built-in story)")
}

// llmFlags adds --llm and --no-llm; the model is used when configured
// unless --no-llm, and --llm insists on it.
type llmFlags struct{ on, off bool }

func addLLMFlags(fs *flag.FlagSet) *llmFlags {
	f := &llmFlags{}
	fs.BoolVar(&f.on, "llm", false, "answer with the configured language model (LLM_BASE_URL, LLM_MODEL)")
	fs.BoolVar(&f.off, "no-llm", false, "answer with keywords only, even when a model is configured")
	return f
}

func (f *llmFlags) use(cfg Config) (bool, error) {
	if f.on && f.off {
		return false, errors.New("--llm and --no-llm exclude each other")
	}
	if f.on {
		return true, nil
	}
	return !f.off && cfg.LLMConfigured(), nil
}

// modeFor is the answer mode of a command that uses the model or not.
func modeFor(useModel bool) answer.Mode {
	if useModel {
		return answer.ModeLLM
	}
	return answer.ModeKeyword
}

// parseFlags parses flags that may stand before or after the arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// oneLine folds white space for printing.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
