package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"storybot/answer"
	"storybot/internal/fakeopenai"
	"storybot/llm"
)

// useFakeModel points the LLM settings at a fake OpenAI server whose
// replies to questions about lunch cite the passage holding "two hours";
// to others, they say the passages do not answer. A rewrite request gets
// the question back.
func useFakeModel(t *testing.T) *fakeopenai.Server {
	t.Helper()
	srv := fakeopenai.New(t, "")
	t.Setenv("LLM_BASE_URL", srv.BaseURL())
	t.Setenv("LLM_API_KEY", srv.Key())
	t.Setenv("LLM_MODEL", "test-model")
	re := regexp.MustCompile(`(?s)<passage>\n\[(\d+)\][^\n]*\n([^<]*)</passage>`)
	srv.SetDefault(func(r fakeopenai.Request) fakeopenai.Reply {
		last := r.Chat.Messages[len(r.Chat.Messages)-1].Content
		if isRewrite(r) {
			q := last[strings.LastIndex(last, "<question>\n")+len("<question>\n"):]
			return fakeopenai.Reply{Text: q[:strings.Index(q, "\n</question>")]}
		}
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

// isRewrite reports a request for a question's rewrite (LLM_REWRITE).
func isRewrite(r fakeopenai.Request) bool {
	return strings.Contains(r.Chat.Messages[0].Content, "help a search engine")
}

// answerRequests are the requests for answers, not rewrites.
func answerRequests(srv *fakeopenai.Server) []fakeopenai.Request {
	var out []fakeopenai.Request
	for _, r := range srv.Requests() {
		if !isRewrite(r) {
			out = append(out, r)
		}
	}
	return out
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
	if len(reqs) != 2 || !isRewrite(reqs[0]) || reqs[0].Chat.Stream || !reqs[1].Chat.Stream {
		t.Errorf("%d requests, want the question's rewrite, then one streamed answer", len(reqs))
	}
	out, _, err = runCLI(t, "", "ask", "--no-llm", "How long did the presidents talk over lunch?")
	if err != nil || !strings.HasPrefix(out, "**two hours**") || len(srv.Requests()) != 2 {
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
	// Each question is rewritten once, though eval also looks up the
	// answerable one's passages.
	if n, a := len(srv.Requests()), len(answerRequests(srv)); n != 4 || a != 2 {
		t.Errorf("%d model requests, %d for answers; want 4 and 2", n, a)
	}
}

// TestSearchRewrite checks that search, with a model configured, shows
// the passages the model would be given: found with the question's
// rewrite too, unless LLM_REWRITE is off or --no-llm is given.
func TestSearchRewrite(t *testing.T) {
	clearEnv(t)
	srv := fakeopenai.New(t, "")
	t.Setenv("LLM_BASE_URL", srv.BaseURL())
	t.Setenv("LLM_API_KEY", srv.Key())
	t.Setenv("LLM_MODEL", "test-model")
	srv.SetDefault(func(r fakeopenai.Request) fakeopenai.Reply {
		if !isRewrite(r) {
			t.Errorf("search asked the model for an answer")
		}
		return fakeopenai.Reply{Text: "The two presidents spoke together over lunch for two hours at Versailles.\nlunch, two hours, Versailles"}
	})
	const q = "What did the host serve his visitor?"
	first := func(args ...string) string {
		t.Helper()
		out, _, err := runCLI(t, "", append([]string{"search", "--limit", "1"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := first(q); !strings.Contains(out, "spoke together over lunch for two hours") || len(srv.Requests()) != 1 {
		t.Errorf("search with a model: %d requests, printed:\n%s", len(srv.Requests()), out)
	}
	plain := first("--no-llm", q)
	if strings.Contains(plain, "spoke together over lunch for two hours") || len(srv.Requests()) != 1 {
		t.Errorf("search --no-llm: %d requests, printed:\n%s", len(srv.Requests()), plain)
	}
	t.Setenv("LLM_REWRITE", "false")
	if out := first(q); out != plain || len(srv.Requests()) != 1 {
		t.Errorf("LLM_REWRITE=false: %d requests, printed:\n%s\nwant:\n%s", len(srv.Requests()), out, plain)
	}
	// --llm without a model is an error, rewriting or not.
	t.Setenv("LLM_BASE_URL", "")
	t.Setenv("LLM_MODEL", "")
	if _, _, err := runCLI(t, "", "search", "--llm", q); err == nil || !strings.Contains(err.Error(), "LLM_BASE_URL") {
		t.Errorf("search --llm without a model: %v", err)
	}
}

// TestObservedModelRewrite checks that serve's model wrapper passes
// rewrites on and counts the failed ones as failed model calls.
func TestObservedModelRewrite(t *testing.T) {
	srv := fakeopenai.New(t, "")
	c, err := llm.New(llm.Config{BaseURL: srv.BaseURL(), APIKey: llm.Secret(srv.Key()), Model: "m", Retries: -1, HTTPClient: srv.Client()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := newOps()
	rw, ok := o.observeModel(c).(answer.Rewriter)
	if !ok {
		t.Fatal("the observed model does not rewrite")
	}
	srv.Enqueue(fakeopenai.Reply{Text: "The Demeter."}, fakeopenai.Reply{Status: 500})
	in := answer.RewriteInput{Question: "What ship?"}
	if got, err := rw.Rewrite(context.Background(), in); got != "The Demeter." || err != nil {
		t.Errorf("Rewrite = %q, %v", got, err)
	}
	if _, err := rw.Rewrite(context.Background(), in); err == nil {
		t.Error("a 500 rewrote")
	}
	rec := httptest.NewRecorder()
	o.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "storybot_model_errors_total 1\n") {
		t.Errorf("metrics:\n%s", rec.Body.String())
	}
}
