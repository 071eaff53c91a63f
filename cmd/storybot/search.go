package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"storybot/answer"
)

// jsonPassage is one passage of search --jsonl.
type jsonPassage struct {
	Ref  string `json:"ref"`
	Text string `json:"text"`
}

// jsonPassages is the retrieval contract of search --jsonl: the passages a
// model is given for the question, best first.
type jsonPassages struct {
	ID       string        `json:"id"`
	Passages []jsonPassage `json:"passages"`
	Error    string        `json:"error,omitempty"`
}

// runSearch prints the passages a question retrieves: for people, or as
// JSON lines for each question line on stdin.
func runSearch(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := corpusFlag(fs, cfg)
	jsonl := fs.Bool("jsonl", false, "read questions as JSON lines on stdin (as ask --jsonl), write one passages line each")
	limit := fs.Int("limit", 0, "how many passages (default: what the model is given, LLM_PASSAGES and LLM_PASSAGE_WORDS)")
	prog := addProgressFlags(fs, false)
	llm := addLLMFlagsSaying(fs, "rewrite the question with the configured model first (LLM_BASE_URL, LLM_MODEL;\n                 an error if none is), as answers do; when the model fails, the question alone",
		"search with the question alone, even when a model is configured")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *limit < 0 {
		return fmt.Errorf("--limit must not be negative, got %d", *limit)
	}
	if *jsonl && len(pos) > 0 {
		return errors.New("--jsonl reads questions from stdin; give no query argument")
	}
	if !*jsonl && len(pos) == 0 {
		return errors.New(`search needs a query, e.g. storybot search "Macron Putin Versailles"`)
	}
	// The model only rewrites the question here (LLM_REWRITE), so that
	// the passages are those it would be given.
	useModel, err := llm.use(cfg)
	if err != nil {
		return err
	}
	if useModel && !cfg.LLMConfigured() {
		return errors.New("--llm needs a model: set LLM_BASE_URL and LLM_MODEL")
	}
	eng, err := loadEngine(ctx, cfg, *corpus, useModel, logger)
	if err != nil {
		return err
	}
	if eng, err = prog.apply(eng); err != nil {
		return err
	}
	if *jsonl {
		return searchJSONL(ctx, eng, *limit, stdin, stdout)
	}
	ps, err := eng.Passages(ctx, answer.Question{Text: strings.Join(pos, " ")}, *limit)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		fmt.Fprintln(stdout, "No passage matches.")
		return nil
	}
	for _, p := range ps {
		fmt.Fprintf(stdout, "[%d] %s\n    %s\n", p.N, p.Ref, oneLine(p.Text))
	}
	return nil
}

// searchJSONL answers each input line with its passages, in order. A bad
// line gets a line with an error, so the output stays aligned.
func searchJSONL(ctx context.Context, eng *answer.Engine, limit int, stdin io.Reader, stdout io.Writer) error {
	return eachQuestion(ctx, stdin, stdout, func(in jsonQuestion, bad error) any {
		out := jsonPassages{ID: in.ID, Passages: []jsonPassage{}}
		if bad != nil {
			out.Error = bad.Error()
			return out
		}
		ps, err := eng.Passages(ctx, answer.Question{Text: in.Question, History: in.History}, limit)
		if err != nil {
			out.Error = err.Error()
		}
		for _, p := range ps {
			out.Passages = append(out.Passages, jsonPassage{Ref: p.Ref, Text: p.Text})
		}
		return out
	})
}
