package main

// What a new user meets on the command line: help, settings and their
// errors, JSON errors, chat's line editing.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/term"

	"storybot/answer"
)

var commands = []string{"ask", "search", "chat", "eval", "index", "serve"}

// TestHelp: --help on every command prints its usage on stdout, with the
// flags as the README writes them and the positional arguments, and
// succeeds, even when a setting is bad.
func TestHelp(t *testing.T) {
	clearEnv(t)
	t.Setenv("MAX_QUESTION_CHARS", "lots")
	want := map[string][]string{
		"ask":    {`"question"`, "--corpus PATH", "--json", "--jsonl", "--llm", "--no-llm"},
		"search": {`"query"`, "--corpus PATH", "--limit N", "--jsonl"},
		"chat":   {"--corpus PATH", "/help", "/new"},
		"eval":   {"FILE", "--corpus PATH", "-v ", "--json", "--curve"},
		"index":  {"--corpus PATH"},
		"serve":  {"DISCORD_TOKEN (required)", "DISCORD_GUILD_ID", "DISCUSSION_CHANNELS", "DATABASE_PATH", "LLM_*"},
	}
	for _, cmd := range commands {
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
			out, stderr, err := runCLI(t, "", args...)
			if err != nil {
				t.Errorf("run(%q) = %v, want nil", args, err)
			}
			if !strings.HasPrefix(out, "Usage: storybot "+cmd) || stderr != "" {
				t.Errorf("run(%q) printed %q on stdout and %q on stderr, want the usage on stdout", args, out, stderr)
			}
			for _, w := range want[cmd] {
				if !strings.Contains(out, w) {
					t.Errorf("run(%q) usage lacks %q:\n%s", args, w, out)
				}
			}
			if strings.Contains(out, "  -corpus") || strings.Contains(out, "-json ") && !strings.Contains(out, "--json") {
				t.Errorf("run(%q) usage writes flags with one dash:\n%s", args, out)
			}
		}
	}
	out, _, err := runCLI(t, "", "--help")
	if err != nil || !strings.Contains(out, "storybot help COMMAND") {
		t.Errorf("storybot --help = %q, %v", out, err)
	}
}

// TestHelpExitStatus runs the command: --help exits 0, a bad flag 1.
func TestHelpExitStatus(t *testing.T) {
	for _, cmd := range commands {
		c := exec.Command(os.Args[0], cmd, "--help")
		c.Env = append(os.Environ(), "STORYBOT_TEST_MAIN=1")
		c.Dir = t.TempDir()
		if out, err := c.Output(); err != nil || !bytes.HasPrefix(out, []byte("Usage: storybot "+cmd)) {
			t.Errorf("storybot %s --help: %v, %q; want exit 0 and the usage", cmd, err, out)
		}
	}
	c := exec.Command(os.Args[0], "ask", "--bogus", "x")
	c.Env = append(os.Environ(), "STORYBOT_TEST_MAIN=1")
	c.Dir = t.TempDir()
	out, err := c.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "storybot ask --help lists the flags") {
		t.Errorf("storybot ask --bogus: %v, %q; want exit 1 and where the flags are listed", err, out)
	}
}

// TestSettingErrors: a bad setting is named, with what it must be, in
// words; a bad Discord setting stops serve and nothing else.
func TestSettingErrors(t *testing.T) {
	for _, tt := range []struct {
		env, value, want string
	}{
		{"MAX_QUESTION_CHARS", "lots", `MAX_QUESTION_CHARS must be a whole number, got "lots"`},
		{"MAX_QUESTION_CHARS", "0", `MAX_QUESTION_CHARS must be positive, got 0`},
		{"MAX_BOOK_MB", "1.5", `MAX_BOOK_MB must be a whole number, got "1.5"`},
		{"LLM_TIMEOUT", "soon", `LLM_TIMEOUT must be a duration such as 30s or 2m, got "soon"`},
		{"LLM_TEMPERATURE", "warm", `LLM_TEMPERATURE must be a number, got "warm"`},
	} {
		clearEnv(t)
		t.Setenv(tt.env, tt.value)
		_, _, err := runCLI(t, "", "ask", "Who?")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s=%s: ask = %v, want %q", tt.env, tt.value, err, tt.want)
		}
	}
	clearEnv(t)
	t.Setenv("USER_RATE_PER_MINUTE", "many")
	t.Setenv("DISCORD_GUILD_ID", "x")
	if out, _, err := runCLI(t, "", "ask", "Who did Putin invite to the Kremlin?"); err != nil || !strings.Contains(out, "Marine Le Pen") {
		t.Errorf("ask with a bad Discord setting = %v, want an answer", err)
	}
	t.Setenv("DISCORD_TOKEN", "x")
	if _, _, err := runCLI(t, "", "serve"); err == nil || err.Error() != `USER_RATE_PER_MINUTE must be a number, got "many"` {
		t.Errorf("serve with a bad Discord setting = %v, want it named", err)
	}
}

func TestDotEnv(t *testing.T) {
	clearEnv(t)
	os.WriteFile(".env", []byte("# settings\nexport MAX_QUESTION_CHARS=300 # a comment\nLOG_LEVEL='warn'\nCORPUS_DIR=\"\"\n"), 0o600)
	t.Setenv("LOG_LEVEL", "error") // the environment wins
	cfg, err := loadConfigFor(false)
	if err != nil || cfg.MaxQuestion != 300 || cfg.LogLevel != "error" || cfg.Corpus != "" {
		t.Errorf("loadConfig = %+v, %v; want MAX_QUESTION_CHARS 300 from .env, LOG_LEVEL from the environment", cfg.CoreConfig, err)
	}
	for _, tt := range []struct{ file, want string }{
		{"A=1\nbad line here\n", `.env line 2: no =`},
		{"A=1\n\nMAX QUESTION=3\n", `.env line 3: "MAX QUESTION" is not a variable name`},
		{"A=\"open\n", `.env line 1: the quote is not closed on this line`},
		{"=x\n", `.env line 1: "" is not a variable name`},
	} {
		os.WriteFile(".env", []byte(tt.file), 0o600)
		_, _, err := runCLI(t, "", "ask", "Who?")
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf(".env %q: ask = %v, want %q", tt.file, err, tt.want)
		}
	}
}

// TestAskJSONErrors: with --json every error is one JSON line on stdout,
// and the command fails.
func TestAskJSONErrors(t *testing.T) {
	clearEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"ask", "--json", "  "}, "the question is empty"},
		{[]string{"ask", "--json", "caf\xe9?"}, "not valid UTF-8"},
		{[]string{"ask", "--json", "--corpus", "/nonexistent", "Who?"}, "no such file"},
		{[]string{"ask", "--json", "--jsonl"}, "--json and --jsonl exclude each other"},
		{[]string{"ask", "--json", "--llm", "Who?"}, "LLM_BASE_URL"},
	} {
		out, _, err := runCLI(t, "", tt.args...)
		var a jsonAnswer
		if jerr := json.Unmarshal([]byte(out), &a); jerr != nil || err == nil || !strings.Contains(a.Error, tt.want) || a.Citations == nil || a.Found {
			t.Errorf("run(%q): stdout %q, err %v; want a JSON line with an error holding %q, and an error", tt.args, out, err, tt.want)
		}
	}
}

// TestJSONLBadLines: a bad line keeps its id when it can be read, and
// invalid UTF-8 in a string is an error, not U+FFFD.
func TestJSONLBadLines(t *testing.T) {
	clearEnv(t)
	in := strings.Join([]string{
		`{"id":"q1","question":5}`,
		`{"id":"q2","question":"unterminated`,
		`{"id":7,"question":"Who?"}`,
		"{\"id\":\"q4\",\"question\":\"caf\xe9 Versailles?\"}",
		`{"id":"q5","question":"Where did Macron meet Putin \ud800?"}`,
		`{"id":"q6","question":"Where did Macron meet Putin \ufffd?"}`,
		`not json at all`,
	}, "\n")
	for _, cmd := range []string{"ask", "search"} {
		out, _, err := runCLI(t, in, cmd, "--jsonl")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 7 {
			t.Fatalf("%s: %d lines out for 7 in:\n%s", cmd, len(lines), out)
		}
		for i, want := range []struct{ id, err string }{
			{"q1", "line 1: not a JSON question"},
			{"q2", "line 2: not a JSON question"},
			{"7", "line 3: not a JSON question"},
			{"q4", "line 4: the question is not valid UTF-8"},
			{"q5", "line 5: the question is not valid UTF-8"},
			{"q6", ""},
			{"", "line 7: not a JSON question"},
		} {
			var got struct{ ID, Error string }
			if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != want.id || !strings.HasPrefix(got.Error, want.err) || want.err == "" && got.Error != "" {
				t.Errorf("%s line %d = id %q error %q; want id %q error %q", cmd, i+1, got.ID, got.Error, want.id, want.err)
			}
		}
	}
}

// TestCorpusUnusable: a folder holding only files storybot cannot use says
// which file and why.
func TestCorpusUnusable(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.docx"), []byte("PK..."), 0o600)
	_, _, err := runCLI(t, "", "ask", "--corpus", dir, "Who?")
	if err == nil || !strings.Contains(err.Error(), "notes.docx: storybot does not read .docx files") {
		t.Errorf("ask on a folder with only notes.docx = %v, want the file named and why", err)
	}
	_, _, err = runCLI(t, "", "ask", "--corpus", filepath.Join(dir, "notes.docx"), "Who?")
	if err == nil || !strings.Contains(err.Error(), "storybot does not read .docx files") {
		t.Errorf("ask on notes.docx = %v, want why", err)
	}
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o600)
	_, _, err = runCLI(t, "", "ask", "--corpus", dir, "Who?")
	if err == nil || !strings.Contains(err.Error(), "empty.txt: empty") {
		t.Errorf("ask on a folder with an empty .txt = %v, want it named", err)
	}
	empty := t.TempDir()
	if _, _, err = runCLI(t, "", "ask", "--corpus", empty, "Who?"); err == nil || !strings.Contains(err.Error(), "holds no file") {
		t.Errorf("ask on an empty folder = %v", err)
	}
}

func TestChatCommands(t *testing.T) {
	clearEnv(t)
	out, _, err := runCLI(t, "/help\n/HELP\n/dance\nWho did Putin invite to the Kremlin?\n/quit\n", "chat")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "/new    forget the conversation") != 2 {
		t.Errorf("/help did not print the commands twice:\n%s", out)
	}
	if !strings.Contains(out, "There is no /dance command; /help lists them.") {
		t.Errorf("unknown command not refused:\n%s", out)
	}
	if strings.Count(out, "doesn't say") != 0 || !strings.Contains(out, "Marine Le Pen") {
		t.Errorf("commands answered as questions, or the question not answered:\n%s", out)
	}
}

// rawTerm is a terminal over in-memory input, as chat sees one, without
// raw mode.
type rawTerm struct{ t *term.Terminal }

func (r rawTerm) ReadLine() (string, error) { return r.t.ReadLine() }

// TestChatLineEditing types with arrow keys, backspace and history into
// the terminal chat reads: the lines are edited, not refused as control
// characters.
func TestChatLineEditing(t *testing.T) {
	eng, err := answer.Story()
	if err != nil {
		t.Fatal(err)
	}
	keys := "Who did Putin invite to the Kremlon\x7f\x7fin\x1b[D\x1b[D\x1b[C\x1b[C?\r" + // backspace, left, right
		"\x1b[A\r" + // up: the same question again
		"/quit\r"
	var screen bytes.Buffer
	tm := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{strings.NewReader(keys), &screen}, "> ")
	if err := chat(context.Background(), eng, answer.Question{Mode: answer.ModeKeyword}, rawTerm{tm}, tm); err != nil {
		t.Fatal(err)
	}
	out := screen.String()
	if n := strings.Count(out, "Marine Le Pen"); n < 2 {
		t.Errorf("the edited line and its recall were answered %d times, want 2:\n%s", n, out)
	}
	if strings.Contains(out, "control characters") || strings.Contains(out, "Sorry") {
		t.Errorf("an edited line was refused:\n%s", out)
	}
}
