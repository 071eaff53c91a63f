package llm

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"storybot/internal/fakeopenai"
)

func embedder(t *testing.T) (*Embedder, *fakeopenai.Server) {
	t.Helper()
	c, srv, _ := setup(t, nil)
	noWait(c)
	return &Embedder{c: c}, srv
}

func TestEmbed(t *testing.T) {
	e, srv := embedder(t)
	texts := []string{"The two leaders talked.", "", "Versailles", strings.Repeat("é", maxEmbedBytes)}
	vs, err := e.Embed(ctx(t), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 4 || !slices.Equal(vs[0], fakeopenai.WordVector(texts[0])) || !slices.Equal(vs[2], fakeopenai.WordVector(texts[2])) {
		t.Fatalf("Embed = %v, want the fake's word vectors in order", vs)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/embeddings" || reqs[0].Fields["model"] != "test-model" {
		t.Fatalf("requests %+v, want one to /v1/embeddings naming the model", reqs)
	}
	if _, ok := reqs[0].Fields["temperature"]; ok {
		t.Error("an embeddings request was given a temperature")
	}
	if got := reqs[0].Inputs; got[1] != " " {
		t.Errorf("an empty text was sent as %q, which OpenAI refuses", got[1])
	} else if long := got[3]; len(long) != maxEmbedBytes || !utf8.ValidString(long) {
		t.Errorf("a long text was sent as %d bytes (valid UTF-8: %v), want it cut to %d", len(long), utf8.ValidString(long), maxEmbedBytes)
	}
	if vs, err := e.Embed(ctx(t), nil); err != nil || vs != nil {
		t.Errorf("Embed(nil) = %v, %v; want nothing and no request", vs, err)
	}
	if len(srv.Requests()) != 1 {
		t.Error("Embed(nil) made a request")
	}
}

func TestEmbedFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replies []fakeopenai.Reply
		want    error // nil: succeeds after the replies
		calls   int
	}{
		{"server error then vectors", []fakeopenai.Reply{{Status: 500}}, nil, 2},
		{"rate limited then vectors", []fakeopenai.Reply{{Status: 429, RetryAfter: "1"}}, nil, 2},
		{"server errors past the retries", []fakeopenai.Reply{{Status: 502}, {Status: 502}, {Status: 502}}, ErrServer, 3},
		{"rejected, not retried", []fakeopenai.Reply{{Status: 400, Message: "no such model"}}, ErrRejected, 1},
		{"malformed", []fakeopenai.Reply{{Malformed: true}}, ErrBadResponse, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, srv := embedder(t)
			srv.EnqueueEmbed(tc.replies...)
			vs, err := e.Embed(ctx(t), []string{"a text"})
			switch {
			case tc.want == nil && (err != nil || len(vs) != 1):
				t.Errorf("Embed = %v, %v; want a vector", vs, err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("Embed error = %v, want %v", err, tc.want)
			}
			if n := len(srv.Requests()); n != tc.calls {
				t.Errorf("%d requests, want %d", n, tc.calls)
			}
		})
	}
}

// TestEmbedChecksReply: a server that answers with too few vectors, or of
// differing lengths, is a bad response.
func TestEmbedChecksReply(t *testing.T) {
	e, srv := embedder(t)
	n := 0
	srv.SetEmbed(func(string) []float32 {
		n++
		return make([]float32, n)
	})
	if _, err := e.Embed(ctx(t), []string{"a", "b"}); !errors.Is(err, ErrBadResponse) {
		t.Errorf("vectors of 1 and 2 dimensions: %v, want ErrBadResponse", err)
	}
}

func TestNewEmbedder(t *testing.T) {
	if _, err := NewEmbedder(Config{BaseURL: "http://127.0.0.1:1/v1"}, nil); err == nil {
		t.Error("NewEmbedder without a model succeeded")
	}
	if _, err := NewEmbedder(Config{BaseURL: "ftp://x", Model: "m"}, nil); err == nil {
		t.Error("NewEmbedder with an ftp URL succeeded")
	}
	if _, err := NewEmbedder(Config{BaseURL: "http://127.0.0.1:1/v1", Model: "m", MaxTokens: 100000}, nil); err != nil {
		t.Errorf("NewEmbedder read the chat settings: %v", err)
	}
}
