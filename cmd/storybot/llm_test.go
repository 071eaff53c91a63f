package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"storybot/internal/fakeopenai"
)

// useFakeModel points the LLM settings at a fake OpenAI server whose
// replies to questions about lunch cite the passage holding "two hours";
// to others, they say the passages do not answer.
func useFakeModel(t *testing.T) *fakeopenai.Server {
	t.Helper()
	srv := fakeopenai.New(t, "")
	t.Setenv("LLM_BASE_URL", srv.BaseURL())
	t.Setenv("LLM_API_KEY", srv.Key())
	t.Setenv("LLM_MODEL", "test-model")
	re := regexp.MustCompile(`(?s)<passage>\n\[(\d+)\][^\n]*\n([^<]*)</passage>`)
	srv.SetDefault(func(r fakeopenai.Request) fakeopenai.Reply {
		last := r.Chat.Messages[len(r.Chat.Messages)-1].Content
		if !strings.Contains(last[strings.LastIndex(last, "<question>"):], "lunch") {
			return fakeopenai.Reply{Text: "The passages do not answer this question."}
		}
		for _, m := range r.Chat.Messages {
			for _, p := range re.FindAllStringSubmatch(m.Content, -1) {
				if strings.Contains(p[2], "two hours") {
					return fakeopenai.Reply{Text: fmt.Sprintf("They talked for two hours over lunch [%s].", p[1])}
				}
			}
		}
		return fakeopenai.Reply{Text: "The passages do not answer this question."}
	})
	return srv
}

func TestAskLLMStreams(t *testing.T) {
	clearEnv(t)
	srv := useFakeModel(t)
	out, _, err := runCLI(t, "", "ask", "How long did the presidents talk over lunch?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "They talked for two hours over lunch [1].") || !strings.Contains(out, "Sources:") ||
		!strings.Contains(out, "spoke together over lunch for two hours") {
		t.Errorf("ask with a model printed:\n%s", out)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || !reqs[0].Chat.Stream {
		t.Errorf("%d requests (stream=%v), want one streamed request", len(reqs), len(reqs) > 0 && reqs[0].Chat.Stream)
	}
	out, _, err = runCLI(t, "", "ask", "--no-llm", "How long did the presidents talk over lunch?")
	if err != nil || !strings.HasPrefix(out, "**two hours**") || len(srv.Requests()) != 1 {
		t.Errorf("--no-llm: %v, %d requests, output:\n%s", err, len(srv.Requests()), out)
	}
}

func TestAskLLMJSON(t *testing.T) {
	clearEnv(t)
	useFakeModel(t)
	out, _, err := runCLI(t, "", "ask", "--json", "--llm", "How long did the presidents talk over lunch?")
	if err != nil {
		t.Fatal(err)
	}
	var a jsonAnswer
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if !a.Found || a.Mode != "llm" || len(a.Citations) != 1 || !strings.Contains(a.Citations[0].Text, "two hours") {
		t.Errorf("model answer %+v", a)
	}
}

func TestEvalLLM(t *testing.T) {
	clearEnv(t)
	srv := useFakeModel(t)
	file := filepath.Join(t.TempDir(), "q.jsonl")
	os.WriteFile(file, []byte(`{"id":"1","question":"How long did the presidents talk over lunch?","answerable":true,"evidence":["two hours"],"answer_any":["two hours"]}
{"id":"2","question":"What did Macron say to Le Pen?","answerable":false}
`), 0o644)
	out, _, err := runCLI(t, "", "eval", "--llm", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "questions=2 answerable=1 hit@1=1.000 recall@3=1.000 answer=1.000 abstain=1.000") {
		t.Errorf("eval --llm:\n%s", out)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d model requests, want 2", n)
	}
}
