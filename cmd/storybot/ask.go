package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"storybot/answer"
)

// jsonAnswer is the batch contract of ask --json and --jsonl.
type jsonAnswer struct {
	ID        string            `json:"id"`
	Question  string            `json:"question,omitempty"`
	Found     bool              `json:"found"`
	Answer    string            `json:"answer"`
	Span      string            `json:"span,omitempty"`
	Citations []answer.Citation `json:"citations"`
	Related   []answer.Citation `json:"related,omitempty"`
	Mode      answer.Mode       `json:"mode,omitempty"`
	Notice    string            `json:"notice,omitempty"`
	Error     string            `json:"error,omitempty"`
}

// jsonQuestion is one input line of ask --jsonl.
type jsonQuestion struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	History  []string `json:"history"`
}

func toJSON(id string, a answer.Answer) jsonAnswer {
	j := jsonAnswer{ID: id, Question: a.Question, Found: a.Found, Answer: a.Text, Span: a.Span,
		Citations: a.Citations, Related: a.Related, Mode: a.Mode, Notice: a.Notice}
	if j.Citations == nil {
		j.Citations = []answer.Citation{}
	}
	return j
}

func runAsk(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := corpusFlag(fs, cfg)
	asJSON := fs.Bool("json", false, "print the answer as one JSON object")
	jsonl := fs.Bool("jsonl", false, "read questions as JSON lines on stdin, write one answer line each")
	llm := addLLMFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	useModel, err := llm.use(cfg)
	if err != nil {
		return err
	}
	if *jsonl && len(pos) > 0 {
		return errors.New("--jsonl reads questions from stdin; give no question argument")
	}
	if !*jsonl && len(pos) == 0 {
		return errors.New(`ask needs a question, e.g. storybot ask "Where did Macron meet Putin?"`)
	}
	eng, err := loadEngine(ctx, cfg, *corpus, useModel, logger)
	if err != nil {
		return err
	}
	mode := modeFor(useModel)
	if *jsonl {
		return askJSONL(ctx, eng, mode, stdin, stdout)
	}
	q := answer.Question{Text: strings.Join(pos, " "), Mode: mode}
	if *asJSON {
		a, err := eng.Answer(ctx, q)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(toJSON("", a))
	}
	return askText(ctx, eng, q, stdout)
}

// askJSONL answers each input line in order. A bad line gets an answer line
// with an error, so the output stays aligned with the input.
func askJSONL(ctx context.Context, eng *answer.Engine, mode answer.Mode, stdin io.Reader, stdout io.Writer) error {
	return eachQuestion(ctx, stdin, stdout, func(in jsonQuestion, bad error) any {
		if bad != nil {
			return jsonAnswer{Citations: []answer.Citation{}, Error: bad.Error()}
		}
		a, err := eng.Answer(ctx, answer.Question{Text: in.Question, History: in.History, Mode: mode})
		if err != nil {
			return jsonAnswer{ID: in.ID, Citations: []answer.Citation{}, Error: err.Error()}
		}
		return toJSON(in.ID, a)
	})
}

// eachQuestion reads question lines (see [jsonQuestion]) and writes, for
// each in order, the JSON line that reply makes of it; bad is the reason a
// line is not a question. It stops when ctx is cancelled.
func eachQuestion(ctx context.Context, stdin io.Reader, stdout io.Writer, reply func(in jsonQuestion, bad error) any) error {
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		var in jsonQuestion
		var bad error
		if err := json.Unmarshal([]byte(raw), &in); err != nil {
			bad = fmt.Errorf("line %d: not a JSON question: %v", line, err)
		}
		out := reply(in, bad)
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("write answer: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// askText prints an answer for people, streaming a model answer as it comes.
func askText(ctx context.Context, eng *answer.Engine, q answer.Question, stdout io.Writer) error {
	streamed := false
	if q.Mode == answer.ModeLLM {
		printed := 0
		q.Stream = func(partial string) {
			if len(partial) > printed {
				fmt.Fprint(stdout, partial[printed:])
				printed = len(partial)
				streamed = true
			}
		}
	}
	a, err := eng.Answer(ctx, q)
	if err != nil {
		return err
	}
	if streamed {
		fmt.Fprint(stdout, "\n\n")
	}
	printAnswer(stdout, a, streamed)
	return nil
}

func printAnswer(w io.Writer, a answer.Answer, streamed bool) {
	if a.Notice != "" {
		fmt.Fprintf(w, "Note: %s\n", a.Notice)
	}
	if !streamed || a.Mode != answer.ModeLLM {
		fmt.Fprintln(w, a.Text)
	}
	if a.Found && len(a.Citations) > 0 {
		fmt.Fprintln(w, "\nSources:")
		for _, c := range a.Citations {
			fmt.Fprintf(w, "  [%d] %s\n      %s\n", c.N, c.Ref, oneLine(c.Text))
		}
	}
	if len(a.Related) > 0 {
		fmt.Fprintln(w, "\nRelated passages (not an answer):")
		for _, c := range a.Related {
			fmt.Fprintf(w, "  - %s\n      %s\n", c.Ref, oneLine(c.Text))
		}
	}
}

// runChat is an interactive prompt that remembers the conversation, so
// follow-ups like "When did that happen?" work.
func runChat(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := corpusFlag(fs, cfg)
	llm := addLLMFlags(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	useModel, err := llm.use(cfg)
	if err != nil {
		return err
	}
	eng, err := loadEngine(ctx, cfg, *corpus, useModel, logger)
	if err != nil {
		return err
	}
	mode := modeFor(useModel)
	st := eng.Stats()
	fmt.Fprintf(stdout, "Ask about %s (%d documents, %d sentences). Commands: /new forgets the conversation, /quit ends.\n",
		strings.Join(st.Titles[:min(3, len(st.Titles))], "; "), st.Documents, st.Sentences)
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		readErr <- sc.Err()
		close(lines)
	}()
	var history []string
	for {
		fmt.Fprint(stdout, "> ")
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			fmt.Fprintln(stdout)
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			fmt.Fprintln(stdout)
			return <-readErr
		}
		line = strings.TrimSpace(line)
		switch line {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		case "/new", "/reset":
			history = nil
			fmt.Fprintln(stdout, "(conversation forgotten)")
			continue
		}
		q := answer.Question{Text: line, History: history, Mode: mode}
		if err := askText(ctx, eng, q, stdout); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintf(stdout, "Sorry: %v\n", err)
			continue
		}
		fmt.Fprintln(stdout)
		history = append(history, line)
		if len(history) > 6 {
			history = history[len(history)-6:]
		}
	}
}
