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
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"storybot/answer"
)

// jsonAnswer is the batch contract of ask --json and --jsonl.
type jsonAnswer struct {
	ID       string `json:"id"`
	Question string `json:"question,omitempty"`
	Found    bool   `json:"found"`
	Answer   string `json:"answer"`
	Span     string `json:"span,omitempty"`
	// Citations are the answer's passages, best first; when found is false,
	// the passages that come closest (see [answer.Answer.Shown]).
	Citations []answer.Citation `json:"citations"`
	Mode      answer.Mode       `json:"mode,omitempty"`
	Notice    string            `json:"notice,omitempty"`
	// Beyond: only the text after --until-chapter answers (see answer.Answer).
	Beyond bool   `json:"beyond,omitempty"`
	Error  string `json:"error,omitempty"`
}

// jsonQuestion is one input line of ask --jsonl.
type jsonQuestion struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	History  []string `json:"history"`
}

func toJSON(id string, a answer.Answer) jsonAnswer {
	j := jsonAnswer{ID: id, Question: a.Question, Found: a.Found, Answer: a.Text, Span: a.Span,
		Citations: a.Shown(), Mode: a.Mode, Notice: a.Notice, Beyond: a.Beyond}
	if j.Citations == nil {
		j.Citations = []answer.Citation{}
	}
	return j
}

func runAsk(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	corpus := corpusFlag(fs, cfg)
	asJSON := fs.Bool("json", false, "print the answer, or the error, as one JSON object")
	jsonl := fs.Bool("jsonl", false, "read questions as JSON lines on stdin, write one answer line each")
	llm := addLLMFlags(fs)
	prog := addProgressFlags(fs, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *asJSON || *jsonl {
		// Scripts read stdout: the error goes there too, as the batch
		// contract's line, and the exit status is not 0.
		defer func() {
			if err != nil {
				writeJSONError(stdout, err)
			}
		}()
	}
	if *asJSON && *jsonl {
		return errors.New("--json and --jsonl exclude each other: --json answers one question, --jsonl a line of stdin each")
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
	if err := prog.check(); err != nil {
		return err
	}
	eng, err := loadEngine(ctx, cfg, *corpus, useModel, logger)
	if err != nil {
		return err
	}
	if eng, err = prog.apply(eng); err != nil {
		return err
	}
	mode := modeFor(useModel)
	if *jsonl {
		return askJSONL(ctx, eng, answer.Question{Mode: mode, Spoilers: prog.spoilers}, stdin, stdout)
	}
	q := answer.Question{Text: strings.Join(pos, " "), Mode: mode, Spoilers: prog.spoilers}
	if *asJSON {
		a, err := eng.Answer(ctx, q)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(toJSON("", a))
	}
	return askText(ctx, eng, q, stdout)
}

// writeJSONError writes err as a line of the batch contract: not found, no
// citations, and "error".
func writeJSONError(w io.Writer, err error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(jsonAnswer{Citations: []answer.Citation{}, Error: err.Error()})
}

// askJSONL answers each input line in order, as base asks (its mode and
// spoilers). A bad line gets an answer line with an error, and the id
// when it could be read, so the output stays aligned with the input.
func askJSONL(ctx context.Context, eng *answer.Engine, base answer.Question, stdin io.Reader, stdout io.Writer) error {
	return eachQuestion(ctx, stdin, stdout, func(in jsonQuestion, bad error) any {
		if bad != nil {
			return jsonAnswer{ID: in.ID, Citations: []answer.Citation{}, Error: bad.Error()}
		}
		a, err := eng.Answer(ctx, answer.Question{Text: in.Question, History: in.History, Mode: base.Mode, Spoilers: base.Spoilers})
		if err != nil {
			return jsonAnswer{ID: in.ID, Citations: []answer.Citation{}, Error: err.Error()}
		}
		return toJSON(in.ID, a)
	})
}

// eachQuestion reads question lines (see [jsonQuestion]) and writes, for
// each in order, the JSON line that reply makes of it; bad is the reason a
// line is not a question, and in then holds the id when it could be read.
// It stops when ctx is cancelled.
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
		in, bad := readQuestion(raw, line)
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

// readQuestion decodes one question line. On an error, the question keeps
// its id when that could be read. JSON strings must be valid UTF-8: the
// decoder would quietly put U+FFFD for bad bytes or lone surrogates.
func readQuestion(raw string, line int) (jsonQuestion, error) {
	var in jsonQuestion
	err := json.Unmarshal([]byte(raw), &in)
	if err != nil {
		in = jsonQuestion{ID: salvageID(raw)}
		return in, fmt.Errorf("line %d: not a JSON question: %v", line, err)
	}
	if !utf8.ValidString(raw) || hasReplacement(in) && !strings.Contains(strings.ToLower(raw), `\ufffd`) && !strings.ContainsRune(raw, utf8.RuneError) {
		return jsonQuestion{ID: in.ID}, fmt.Errorf("line %d: the question is not valid UTF-8", line)
	}
	return in, nil
}

// hasReplacement reports whether a decoded question holds U+FFFD.
func hasReplacement(q jsonQuestion) bool {
	if strings.ContainsRune(q.Question, utf8.RuneError) || strings.ContainsRune(q.ID, utf8.RuneError) {
		return true
	}
	for _, h := range q.History {
		if strings.ContainsRune(h, utf8.RuneError) {
			return true
		}
	}
	return false
}

// salvageID reads the id of a line that is not a valid question, as far
// as the line can be read: "" when it cannot.
func salvageID(raw string) string {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return ""
		}
		if k == "id" {
			v, _ := dec.Token()
			switch v := v.(type) {
			case string:
				return v
			case json.Number:
				return v.String()
			}
			return ""
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return ""
		}
	}
	return ""
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
		fmt.Fprintln(w, "\nClosest passages:")
		for _, c := range a.Related {
			fmt.Fprintf(w, "  - %s\n      %s\n", c.Ref, oneLine(c.Text))
		}
	}
}

// chatHelp is what /help prints in chat.
const chatHelp = `Ask anything about the story; follow-ups such as "When did that happen?" use
the conversation. Arrow keys edit the line, up and down recall earlier lines.
  /help   this help
  /new    forget the conversation (also /reset)
  /quit   leave (also /exit, or Ctrl-D)`

// lineReader reads the lines typed in chat.
type lineReader interface {
	// ReadLine returns the next line without its end, or io.EOF.
	ReadLine() (string, error)
}

// scanLines reads lines from a reader that is not a terminal.
type scanLines struct{ sc *bufio.Scanner }

func (s scanLines) ReadLine() (string, error) {
	if s.sc.Scan() {
		return s.sc.Text(), nil
	}
	if err := s.sc.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}

// termLines edits lines on a terminal with golang.org/x/term: arrow keys,
// history, Ctrl-A/E/K/U/W. The terminal is raw only while a line is read,
// so that Ctrl-C during an answer still interrupts.
type termLines struct {
	fd int
	t  *term.Terminal
}

func (tl termLines) ReadLine() (string, error) {
	old, err := term.MakeRaw(tl.fd)
	if err != nil {
		return "", fmt.Errorf("terminal: %w", err)
	}
	defer term.Restore(tl.fd, old)
	return tl.t.ReadLine()
}

// runChat is an interactive prompt that remembers the conversation, so
// follow-ups like "When did that happen?" work.
func runChat(ctx context.Context, cfg Config, logger *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	corpus := corpusFlag(fs, cfg)
	llm := addLLMFlags(fs)
	prog := addProgressFlags(fs, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("chat takes no question argument, got %q: type questions at its prompt", pos[0])
	}
	useModel, err := llm.use(cfg)
	if err != nil {
		return err
	}
	if err := prog.check(); err != nil {
		return err
	}
	eng, err := loadEngine(ctx, cfg, *corpus, useModel, logger)
	if err != nil {
		return err
	}
	if eng, err = prog.apply(eng); err != nil {
		return err
	}
	var lines lineReader
	out := stdout
	if in, ok := stdin.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
		if o, ok := stdout.(*os.File); ok && term.IsTerminal(int(o.Fd())) {
			t := term.NewTerminal(struct {
				io.Reader
				io.Writer
			}{in, o}, "> ")
			lines, out = termLines{fd: int(in.Fd()), t: t}, t
		}
	}
	if lines == nil {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		lines = promptLines{scanLines{sc}, stdout}
	}
	return chat(ctx, eng, answer.Question{Mode: modeFor(useModel), Spoilers: prog.spoilers}, lines, out)
}

// promptLines prints the prompt before each line, for input that is not a
// terminal (a terminal prints its own).
type promptLines struct {
	lineReader
	w io.Writer
}

func (p promptLines) ReadLine() (string, error) {
	fmt.Fprint(p.w, "> ")
	return p.lineReader.ReadLine()
}

// chat answers the lines of lines on out, as base asks (its mode and
// spoilers), until /quit, the end of input or ctx is done.
func chat(ctx context.Context, eng *answer.Engine, base answer.Question, lines lineReader, out io.Writer) error {
	st := eng.Stats()
	fmt.Fprintf(out, "Ask about %s (%d documents, %d sentences). /help lists the commands.\n",
		strings.Join(st.Titles[:min(3, len(st.Titles))], "; "), st.Documents, st.Sentences)
	type read struct {
		line string
		err  error
	}
	var history []string
	for {
		// Read beside ctx, so that a signal ends the chat at once.
		got := make(chan read, 1)
		go func() {
			l, err := lines.ReadLine()
			got <- read{l, err}
		}()
		var r read
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case r = <-got:
		}
		if r.err == io.EOF {
			fmt.Fprintln(out)
			return nil
		}
		if r.err != nil {
			return r.err
		}
		line := strings.TrimSpace(r.line)
		switch strings.ToLower(line) {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		case "/new", "/reset":
			history = nil
			fmt.Fprintln(out, "(conversation forgotten)")
			continue
		case "/help", "/?":
			fmt.Fprintln(out, chatHelp)
			continue
		}
		if strings.HasPrefix(line, "/") && !strings.Contains(line, " ") {
			fmt.Fprintf(out, "There is no %s command; /help lists them.\n", line)
			continue
		}
		q := answer.Question{Text: line, History: history, Mode: base.Mode, Spoilers: base.Spoilers}
		if err := askText(ctx, eng, q, out); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintf(out, "Sorry: %v\n", err)
			continue
		}
		fmt.Fprintln(out)
		history = append(history, line)
		if len(history) > 6 {
			history = history[len(history)-6:]
		}
	}
}
