package fakeopenai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// recorder collects the errors the fake reports instead of failing the test.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) errors() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

func client(s *Server, key string) *openai.Client {
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = s.BaseURL()
	cfg.HTTPClient = s.Client()
	return openai.NewClientWithConfig(cfg)
}

func request() openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model: "test-model",
		//lint:ignore SA1019 max_tokens is what local servers (Ollama, llama.cpp) understand.
		MaxTokens: 100,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: "system"},
			{Role: openai.ChatMessageRoleUser, Content: "user"},
		},
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestPlain(t *testing.T) {
	s := New(t, "")
	s.Enqueue(Reply{Text: "They talked [1]."})
	resp, err := client(s, Key).CreateChatCompletion(ctx(t), request())
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != "They talked [1]." {
		t.Errorf("content = %q", got)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Chat.Model != "test-model" || reqs[0].Chat.Stream {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestStream(t *testing.T) {
	s := New(t, "")
	s.Enqueue(Reply{Text: "They talked for two hours [1].", ChunkRunes: 5})
	stream, err := client(s, Key).CreateChatCompletionStream(ctx(t), request())
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text strings.Builder
	var finish openai.FinishReason
	for range 100 {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(chunk.Choices[0].Delta.Content)
		if r := chunk.Choices[0].FinishReason; r != "" {
			finish = r
		}
	}
	if text.String() != "They talked for two hours [1]." || finish != openai.FinishReasonStop {
		t.Errorf("streamed %q, finish %q", text.String(), finish)
	}
}

func TestStreamCut(t *testing.T) {
	s := New(t, "")
	s.Enqueue(Reply{Text: "They talked for two hours [1].", ChunkRunes: 5, StreamCutAfter: 2})
	stream, err := client(s, Key).CreateChatCompletionStream(ctx(t), request())
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text strings.Builder
	for range 100 {
		chunk, err := stream.Recv()
		if err != nil {
			break
		}
		if chunk.Choices[0].FinishReason != "" {
			t.Errorf("cut stream sent a finish reason")
		}
		text.WriteString(chunk.Choices[0].Delta.Content)
	}
	if text.String() != "They talke" {
		t.Errorf("streamed %q before the cut", text.String())
	}
}

func TestErrorReply(t *testing.T) {
	s := New(t, "")
	s.Enqueue(Reply{Status: http.StatusTooManyRequests, RetryAfter: "3"})
	_, err := client(s, Key).CreateChatCompletion(ctx(t), request())
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusTooManyRequests {
		t.Fatalf("err = %v, want a 429 APIError", err)
	}
}

func TestMalformed(t *testing.T) {
	s := New(t, "")
	s.Enqueue(Reply{Malformed: true})
	if _, err := client(s, Key).CreateChatCompletion(ctx(t), request()); err == nil {
		t.Error("malformed reply decoded without error")
	}
}

func TestDefaultReply(t *testing.T) {
	s := New(t, "")
	s.SetDefault(func(r Request) Reply { return Reply{Text: "echo " + r.Chat.Model} })
	resp, err := client(s, Key).CreateChatCompletion(ctx(t), request())
	if err != nil || resp.Choices[0].Message.Content != "echo test-model" {
		t.Errorf("default reply = %v, %v", resp, err)
	}
}

func TestStrict(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		base  string
		req   func() openai.ChatCompletionRequest
		want  string
		needs bool // needs the schema
	}{
		{"wrong key", "sk-wrong", "", request, "Authorization", false},
		{"base URL without /v1", Key, "strip", request, "unexpected POST /chat/completions", false},
		{"no model", Key, "", func() openai.ChatCompletionRequest { r := request(); r.Model = ""; return r }, "model", false},
		{"temperature out of range", Key, "", func() openai.ChatCompletionRequest { r := request(); r.Temperature = 7; return r }, "does not match", true},
		{"no messages", Key, "", func() openai.ChatCompletionRequest { r := request(); r.Messages = nil; return r }, "does not match", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needs {
				RequireSchema(t)
			}
			rec := &recorder{TB: t}
			s := New(rec, "")
			s.SetDefault(func(Request) Reply { return Reply{Text: "ok"} })
			c := openai.DefaultConfig(tt.key)
			c.BaseURL = s.BaseURL()
			if tt.base == "strip" {
				c.BaseURL = strings.TrimSuffix(c.BaseURL, "/v1")
			}
			_, err := openai.NewClientWithConfig(c).CreateChatCompletion(ctx(t), tt.req())
			if err == nil {
				t.Errorf("request succeeded")
			}
			s.Close()
			if got := rec.errors(); !strings.Contains(got, tt.want) {
				t.Errorf("fake reported %q, want it to mention %q", got, tt.want)
			}
		})
	}
}

func TestValidRequestMatchesSchema(t *testing.T) {
	RequireSchema(t)
	rec := &recorder{TB: t}
	s := New(rec, "")
	s.Enqueue(Reply{Text: "ok"}, Reply{Text: "ok"})
	r := request()
	if _, err := client(s, Key).CreateChatCompletion(ctx(t), r); err != nil {
		t.Fatal(err)
	}
	r.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	stream, err := client(s, Key).CreateChatCompletionStream(ctx(t), r)
	if err != nil {
		t.Fatal(err)
	}
	stream.Close()
	s.Close()
	if got := rec.errors(); got != "" {
		t.Errorf("fake rejected a valid request: %s", got)
	}
}

func TestDelayStopsWhenClientLeaves(t *testing.T) {
	s := New(t, "")
	s.Enqueue(Reply{Text: "late", Delay: 5 * time.Second})
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := client(s, Key).CreateChatCompletion(c, request()); err == nil {
		t.Error("slow reply arrived before the deadline")
	}
	s.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("server held the request for %v after the client left", d)
	}
}

func TestChunks(t *testing.T) {
	tests := []struct {
		text string
		n    int
		want []string
	}{
		{"", 3, nil},
		{"abcdefg", 3, []string{"abc", "def", "g"}},
		{"东京都", 2, []string{"东京", "都"}},
	}
	for _, tt := range tests {
		if got := chunks(tt.text, tt.n); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("chunks(%q, %d) = %q, want %q", tt.text, tt.n, got, tt.want)
		}
	}
}
