// Command storybot answers questions about a story: from the command line
// (ask, search, chat, eval, index) or as a Discord bot (serve).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"storybot/answer"
	"storybot/corpus"
	"storybot/seeds"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal the next one ends the process at once, and
	// whatever still runs 9.5 s later is cut short: a supervisor such as
	// Docker sends SIGKILL after 10 s.
	context.AfterFunc(ctx, func() {
		stop()
		time.AfterFunc(9500*time.Millisecond, func() {
			fmt.Fprintln(os.Stderr, "storybot: still stopping 9.5 s after the signal; exiting now")
			os.Exit(1)
		})
	})
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "storybot:", err)
		os.Exit(1)
	}
}

const usage = `storybot answers questions about a story.

Usage:
  storybot ask [--corpus PATH] [--until-chapter N [--spoilers]] [--json | --jsonl] [--llm | --no-llm] "question"
  storybot search [--corpus PATH] [--jsonl] [--limit N] ["query"]
  storybot chat [--corpus PATH] [--llm | --no-llm]
  storybot eval [--corpus PATH] [--llm] [-v] [--json] [--curve] FILE
  storybot index [--corpus PATH]
  storybot serve                  (the Discord bot; configured by the environment)
  storybot help COMMAND           (or storybot COMMAND --help)

PATH is a folder of books or one book: .txt, .md, .epub, .html, .htm, .xhtml or .pdf.
Without --corpus (or CORPUS_DIR) storybot answers about its built-in story.
Settings come from the environment or .env; README.md lists them all.
`

// commandHelp is what --help says of each command: its usage lines, what
// it does, and for serve the environment it reads.
var commandHelp = map[string]struct{ usage, about string }{
	"ask": {`storybot ask [--corpus PATH] [--until-chapter N [--spoilers]] [--json] [--llm | --no-llm] "question"
       storybot ask --jsonl [--corpus PATH] [--until-chapter N [--spoilers]] [--llm | --no-llm] < questions.jsonl`,
		`Prints the answer, the quoted evidence and the sources. --json prints one JSON
object instead; --jsonl reads {"id":…,"question":…,"history":[…]} lines on stdin
and writes one answer line for each, in order (README.md: Batch contract).
With --json or --jsonl an error is a JSON line with "error", and the exit
status is not 0.`},
	"search": {`storybot search [--corpus PATH] [--limit N] [--llm | --no-llm] "query"
       storybot search --jsonl [--corpus PATH] [--limit N] [--llm | --no-llm] < questions.jsonl`,
		`Prints the passages retrieved for a question, best first, with their
references: what the model is given, or the first N with --limit. With a
model configured, it first asks the model for the question's rewrite in the
book's words, as answers do (LLM_REWRITE).`},
	"chat": {`storybot chat [--corpus PATH] [--llm | --no-llm]`,
		`An interactive prompt that remembers the conversation, so that follow-ups
work. Arrow keys edit the line and recall earlier questions. /help lists the
commands, /new forgets the conversation, /quit (or Ctrl-D) leaves.`},
	"eval": {`storybot eval [--corpus PATH] [--llm] [-v] [--json] [--curve] FILE`,
		`Scores the bot on a question set: story JSONL ({"id","question","answerable",
"evidence":[…],"answer_any":[…],"history":[…]} a line) or SQuAD v1.1 or 2.0
JSON (README.md: Question sets).`},
	"index": {`storybot index [--corpus PATH]`,
		`Prints what was loaded: documents, chapters, sentences, the files skipped
and why, and how long loading took.`},
	"serve": {`storybot serve`,
		`Runs the Discord bot until SIGINT or SIGTERM. It reads the environment (or
.env): DISCORD_TOKEN (required), DISCORD_GUILD_ID, DISCORD_API_BASE,
DISCUSSION_CHANNELS, MODERATOR_ROLE_ID, USER_RATE_PER_MINUTE, USER_RATE_BURST,
CHANNEL_RATE_PER_MINUTE, CHANNEL_RATE_BURST, DATABASE_PATH, LIBRARY_ROLE_ID,
LIBRARY_MAX_BOOKS, LIBRARY_MAX_FILE_MB, LIBRARY_MEMORY_MB, and to run as
several processes DATABASE_URL, SHARD_COUNT, SHARD_LEASE, HTTP_ADDR,
INTERACTIONS_ADDR, DISCORD_PUBLIC_KEY; and those of every command: CORPUS_DIR,
MAX_BOOK_MB, INDEX_CACHE_DIR, MAX_QUESTION_CHARS, LOG_LEVEL and the LLM_*
settings. README.md (Configuration, Running at scale) says what each means.`},
}

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if _, ok := commandHelp[rest[0]]; ok {
				return run(ctx, []string{rest[0], "--help"}, stdin, stdout, stderr)
			}
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	if _, ok := commandHelp[cmd]; !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	// --help needs no settings: a bad one must not hide the help.
	cfg := Config{CoreConfig: CoreConfig{LogLevel: "info"}}
	if !wantsHelp(rest) {
		var err error
		if cfg, err = loadConfigFor(cmd == "serve"); err != nil {
			return err
		}
	}
	logger, err := newLogger(cfg.LogLevel, stderr)
	if err != nil {
		return err
	}
	err = runCommand(ctx, cmd, cfg, logger, rest, stdin, stdout, stderr)
	var h *helpError
	if errors.As(err, &h) {
		fmt.Fprint(stdout, h.usage)
		return nil
	}
	return err
}

func runCommand(ctx context.Context, cmd string, cfg Config, logger *slog.Logger, rest []string, stdin io.Reader, stdout, stderr io.Writer) error {
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
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	pos, err := parseFlags(fs, rest)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("serve takes no arguments, got %q (settings come from the environment; storybot serve --help lists them)", pos[0])
	}
	if cfg.DiscordToken == "" {
		return errNoToken // before loading the corpus
	}
	return serveCommand(ctx, cfg, logger)
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// helpError carries the usage of a command whose --help was asked for;
// run prints it on stdout and exits 0.
type helpError struct{ usage string }

func (h *helpError) Error() string        { return "help requested" }
func (h *helpError) Is(target error) bool { return target == flag.ErrHelp }

// valueNames are the placeholders of flags that take a value, as the
// README writes them.
var valueNames = map[string]string{"corpus": "PATH", "limit": "N"}

// usageOf is the --help text of the command fs parses: usage lines, what
// it does, and its flags written as the README does (--corpus PATH, -v).
func usageOf(fs *flag.FlagSet) string {
	var b strings.Builder
	h := commandHelp[fs.Name()]
	fmt.Fprintf(&b, "Usage: %s\n\n%s\n", h.usage, h.about)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			b.WriteString("\nFlags:\n")
			first = false
		}
		name, text := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		arg := dash + f.Name
		if v, ok := valueNames[f.Name]; ok {
			arg += " " + v
		} else if name != "" {
			arg += " " + strings.ToUpper(name)
		}
		fmt.Fprintf(&b, "  %-14s %s\n", arg, text)
	})
	return b.String()
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
			return nil, emptyCorpusError(dir, c, err)
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
// the files refused and the reasons, or the files of a kind storybot does
// not read.
func emptyCorpusError(dir string, c *corpus.Corpus, err error) error {
	if c == nil || len(c.Skipped) == 0 {
		if dir == "" {
			return err
		}
		if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
			if c == nil { // a kind of file storybot does not read
				return fmt.Errorf("corpus %s: storybot does not read %s files; it reads .txt, .md, .epub, .html, .htm, .xhtml and .pdf files", dir, strings.ToLower(filepath.Ext(dir)))
			}
			return err // names the file and why
		}
		if others := unreadFiles(dir, 3); len(others) > 0 {
			return fmt.Errorf("corpus %s: nothing to answer from: %s; storybot reads .txt, .md, .epub, .html, .htm, .xhtml and .pdf files", dir, strings.Join(others, "; "))
		}
		return fmt.Errorf("corpus %s: no .txt or .md file, nor .epub, .html or .pdf, with text in it: the folder holds no file (folders whose name starts with a dot are not read)", dir)
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

// unreadFiles names up to n files under dir that storybot does not read,
// each with why, as corpus.LoadPath walks it (hidden folders skipped).
func unreadFiles(dir string, n int) []string {
	var out []string
	more := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if len(out) == n {
			more++
			return nil
		}
		ext := strings.ToLower(filepath.Ext(rel))
		switch {
		case ext == "":
			out = append(out, rel+": a file without an extension is not read")
		default:
			out = append(out, fmt.Sprintf("%s: storybot does not read %s files", rel, ext))
		}
		return nil
	})
	if more > 0 {
		out = append(out, fmt.Sprintf("and %d more", more))
	}
	return out
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
	return loadEngineWith(ctx, cfg, dir, withModel, false, logger, nil)
}

// loadEngineWith is loadEngine with the model wrapped by wrap, when not
// nil (serve counts the model's errors). With background, as for serve,
// the corpus is embedded for LLM_EMBED_MODEL after the engine is
// returned, which answers by words alone until then.
func loadEngineWith(ctx context.Context, cfg Config, dir string, withModel, background bool, logger *slog.Logger, wrap func(answer.Generator) answer.Generator) (*answer.Engine, error) {
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
		_, rewrites := gen.(answer.Rewriter)
		if wrap != nil {
			gen = wrap(gen)
		}
		if rw, ok := gen.(answer.Rewriter); ok && rewrites && cfg.LLMRewrite {
			opts.Rewriter = rw
		}
		opts.Generator = gen
	}
	eng := answer.New(ix, opts)
	if withModel && cfg.LLMEmbedModel != "" {
		meaning := func() { eng.SetMeaning(loadMeaning(ctx, cfg, ix, logger)) }
		if background {
			go meaning()
		} else {
			meaning()
		}
	}
	return eng, nil
}

// corpusFlag adds --corpus, defaulting to CORPUS_DIR.
func corpusFlag(fs *flag.FlagSet, cfg Config) *string {
	return fs.String("corpus", cfg.Corpus, "a folder of books, or one book (.txt, .md, .epub, .html, .pdf);\n                 default: CORPUS_DIR, else the built-in story")
}

// llmFlags adds --llm and --no-llm; the model is used when configured
// unless --no-llm, and --llm insists on it.
type llmFlags struct{ on, off bool }

func addLLMFlags(fs *flag.FlagSet) *llmFlags {
	return addLLMFlagsSaying(fs, "answer with the configured model (LLM_BASE_URL, LLM_MODEL; an error if\n                 none is); when the model fails, the keyword answer is given, marked so",
		"answer with keywords only, even when a model is configured")
}

// addLLMFlagsSaying is addLLMFlags with the flags' own help.
func addLLMFlagsSaying(fs *flag.FlagSet, on, off string) *llmFlags {
	f := &llmFlags{}
	fs.BoolVar(&f.on, "llm", false, on)
	fs.BoolVar(&f.off, "no-llm", false, off)
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
// --help (or -h) returns an error that makes run print the command's usage
// on stdout and exit 0; a bad flag, an error that says where the flags are
// listed.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard) // usage is ours, written by run
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpError{usage: usageOf(fs)}
			}
			return nil, fmt.Errorf("%w (storybot %s --help lists the flags)", err, fs.Name())
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
