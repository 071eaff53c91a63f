// Package fakeopenai is a strict fake of the OpenAI chat completions and
// embeddings APIs for tests: an httptest server on 127.0.0.1 that the real
// go-openai client talks to.
//
// It serves POST /v1/chat/completions and POST /v1/embeddings only, so a
// client must be configured with [Server.BaseURL] (which ends in /v1, as
// OpenAI, Ollama, vLLM, llama.cpp and LM Studio base URLs do); any other
// path fails the test. Every request must carry the server's API key as a
// Bearer token, name a model and match the CreateChatCompletionRequest or
// CreateEmbeddingRequest schema of the OpenAI API description (when that
// is present, see [SpecPath]); a request that does not fails the test.
// Chat replies are scripted with [Server.Enqueue], plain or streamed as
// the request asks; embeddings are [WordVector]s (or [Server.SetEmbed]'s),
// with failures scripted by [Server.EnqueueEmbed].
package fakeopenai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	openai "github.com/sashabaranov/go-openai"
)

// Key is the API key the server expects unless [New] is given another.
const Key = "sk-fake-0123456789abcdef"

// Bounds that keep a misbehaving test from running away.
const (
	maxBody     = 1 << 20
	maxRequests = 1000
	maxDelay    = 10 * time.Second
	maxChunks   = 10000
)

// Reply is one scripted answer to a chat completion request.
type Reply struct {
	// Text is the answer's content. Streamed, it is sent in chunks of about
	// ChunkRunes runes.
	Text string
	// Status, when not 0 or 200, makes the reply an OpenAI-style error with
	// that HTTP status.
	Status int
	// Message is an error reply's message; the default names the status.
	Message string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Delay is how long the server waits before answering (at most 10s; it
	// stops waiting when the client goes away).
	Delay time.Duration
	// Malformed sends a body (or, streamed, a chunk) that is not valid JSON.
	Malformed bool
	// StreamCutAfter, when positive, ends a streamed reply after that many
	// content chunks, without a finish reason or [DONE]; negative ends it
	// before the first content chunk.
	StreamCutAfter int
	// Refusal sends the model's refusal message instead of content.
	Refusal string
	// NoChoices sends a response with an empty choices list.
	NoChoices bool
	// FinishReason is the reply's finish reason; the default is "stop".
	FinishReason string
	// ChunkRunes is the size of a streamed chunk; the default is 8.
	ChunkRunes int
	// ChunkDelay is the pause between streamed chunks (at most 10s).
	ChunkDelay time.Duration
}

// Request is a request the server received.
type Request struct {
	Time time.Time
	Path string
	// Header holds the request's headers.
	Header http.Header
	// Body is the raw request body.
	Body []byte
	// Chat is the body of a chat request decoded as go-openai's request
	// type.
	Chat openai.ChatCompletionRequest
	// Inputs are the texts of an embeddings request.
	Inputs []string
	// Fields is the body decoded generically, to see which fields were sent.
	Fields map[string]any
}

// noSpecOnce logs the absence of the API description once a process.
var noSpecOnce sync.Once

// Server is a running fake. Its methods may be called from any goroutine.
type Server struct {
	t         testing.TB
	srv       *httptest.Server
	key       string
	closeOnce sync.Once

	mu         sync.Mutex
	queue      []Reply
	fallback   func(Request) Reply
	requests   []Request
	embedQueue []Reply
	embed      func(string) []float32
}

// New starts a fake on 127.0.0.1 that expects key (or [Key] when key is
// empty) and closes it when the test ends. Requests beyond the scripted
// replies fail the test unless [Server.SetDefault] was called.
func New(t testing.TB, key string) *Server {
	t.Helper()
	if key == "" {
		key = Key
	}
	s := &Server{t: t, key: key}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("fakeopenai: listen: %v", err)
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	t.Cleanup(s.Close)
	if _, err := requestValidator(chatSchema); err != nil {
		noSpecOnce.Do(func() { t.Logf("fakeopenai: request bodies are not checked against the schema: %v", err) })
	}
	return s
}

// BaseURL is the base URL to configure a client with; it ends in /v1.
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// Key is the API key the server expects.
func (s *Server) Key() string { return s.key }

// Client is the server's HTTP client, which trusts nothing but the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the server, waiting for requests in flight.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Enqueue adds replies to answer the next requests, in order.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// SetDefault sets the reply for requests when no scripted reply is left.
func (s *Server) SetDefault(f func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = f
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Pending reports how many scripted replies are left.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// EnqueueEmbed adds replies to answer the next embeddings requests, in
// order, before the vectors: a Status, Malformed or Delay of theirs applies
// (a reply with none of them is answered with the vectors).
func (s *Server) EnqueueEmbed(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embedQueue = append(s.embedQueue, replies...)
}

// SetEmbed sets the vector of a text; the default is [WordVector].
func (s *Server) SetEmbed(f func(text string) []float32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed = f
}

// WordDims is the length of a [WordVector].
const WordDims = 64

// WordVector is a deterministic stand-in for an embedding: each word of
// text (lower case, letters and digits) adds 1 to the dimension its hash
// picks, so that texts sharing words are near and texts sharing none are
// not.
func WordVector(text string) []float32 {
	v := make([]float32, WordDims)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		h := uint32(2166136261)
		for i := 0; i < len(w); i++ {
			h = (h ^ uint32(w[i])) * 16777619
		}
		v[h%WordDims]++
	}
	return v
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/embeddings" && r.Method == http.MethodPost {
		s.embeddings(w, r)
		return
	}
	if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
		s.t.Errorf("fakeopenai: unexpected %s %s (configure the client with BaseURL())", r.Method, r.URL.Path)
		writeError(w, http.StatusNotFound, "", "no such endpoint")
		return
	}
	req, ok := s.check(w, r, chatSchema)
	if !ok {
		return
	}
	reply, ok := s.next(req)
	if !ok {
		writeError(w, http.StatusInternalServerError, "", "no scripted reply")
		return
	}
	if !sleep(r, reply.Delay) {
		return
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	switch {
	case scriptedError(w, reply):
	case req.Chat.Stream:
		s.stream(w, r, req, reply)
	default:
		s.plain(w, req, reply)
	}
}

// embeddings answers an embeddings request.
func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	req, ok := s.check(w, r, embeddingSchema)
	if !ok {
		return
	}
	s.mu.Lock()
	var reply Reply
	if len(s.embedQueue) > 0 {
		reply = s.embedQueue[0]
		s.embedQueue = s.embedQueue[1:]
	}
	embed := s.embed
	s.mu.Unlock()
	if embed == nil {
		embed = WordVector
	}
	if !sleep(r, reply.Delay) {
		return
	}
	switch {
	case scriptedError(w, reply):
		return
	case reply.Malformed:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,`)
		return
	}
	data := make([]any, len(req.Inputs))
	for i, t := range req.Inputs {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": embed(t)}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"object": "list", "data": data, "model": req.Fields["model"],
		"usage": map[string]int{"prompt_tokens": len(req.Inputs), "total_tokens": len(req.Inputs)},
	})
}

// check validates a request against the schema and records it.
func (s *Server) check(w http.ResponseWriter, r *http.Request, schema string) (Request, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.t.Errorf("fakeopenai: read request: %v", err)
		writeError(w, http.StatusBadRequest, "", "unreadable body")
		return Request{}, false
	}
	req := Request{Time: time.Now(), Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	// Record the request now, so that rejected ones count too, and complete
	// the record once decoded.
	s.mu.Lock()
	idx := -1
	if len(s.requests) < maxRequests {
		idx = len(s.requests)
		s.requests = append(s.requests, req)
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if idx >= 0 {
			s.requests[idx] = req
		}
	}()

	if got := r.Header.Get("Authorization"); got != "Bearer "+s.key {
		s.t.Errorf("fakeopenai: Authorization header is wrong (length %d)", len(got))
		writeError(w, http.StatusUnauthorized, "", "invalid api key")
		return req, false
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.t.Errorf("fakeopenai: Content-Type = %q, want application/json", ct)
	}
	model := ""
	if schema == chatSchema {
		if err := json.Unmarshal(body, &req.Chat); err != nil {
			s.t.Errorf("fakeopenai: request is not a chat completion request: %v\n%s", err, body)
			writeError(w, http.StatusBadRequest, "", "invalid json")
			return req, false
		}
		model = req.Chat.Model
	} else {
		var e struct {
			Input json.RawMessage `json:"input"`
			Model string          `json:"model"`
		}
		err := json.Unmarshal(body, &e)
		if err == nil {
			if err = json.Unmarshal(e.Input, &req.Inputs); err != nil {
				var one string
				if err = json.Unmarshal(e.Input, &one); err == nil {
					req.Inputs = []string{one}
				}
			}
		}
		if err != nil || len(req.Inputs) == 0 {
			s.t.Errorf("fakeopenai: request is not an embeddings request of texts: %v\n%s", err, body)
			writeError(w, http.StatusBadRequest, "", "invalid json")
			return req, false
		}
		for i, t := range req.Inputs {
			if t == "" {
				s.t.Errorf("fakeopenai: embeddings input %d is empty, which OpenAI refuses", i)
				writeError(w, http.StatusBadRequest, "", "input must not be empty")
				return req, false
			}
		}
		model = e.Model
	}
	if err := json.Unmarshal(body, &req.Fields); err != nil {
		s.t.Errorf("fakeopenai: request is not a JSON object: %v", err)
	}
	if model == "" {
		s.t.Errorf("fakeopenai: request names no model")
		writeError(w, http.StatusBadRequest, "", "model is required")
		return req, false
	}
	if sch, err := requestValidator(schema); err == nil {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err == nil {
			err = sch.Validate(v)
		}
		if err != nil {
			s.t.Errorf("fakeopenai: request does not match %s: %v\n%s", schema, err, body)
			writeError(w, http.StatusBadRequest, "", "request does not match the schema")
			return req, false
		}
	}
	return req, true
}

func (s *Server) next(req Request) (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		return r, true
	}
	if s.fallback != nil {
		return s.fallback(req), true
	}
	s.t.Errorf("fakeopenai: request %d has no scripted reply", len(s.requests))
	return Reply{}, false
}

func (s *Server) plain(w http.ResponseWriter, req Request, reply Reply) {
	w.Header().Set("Content-Type", "application/json")
	if reply.Malformed {
		io.WriteString(w, `{"id":"chatcmpl-fake","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis`)
		return
	}
	resp := map[string]any{
		"id":      "chatcmpl-fake",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Chat.Model,
		"choices": []any{},
		"usage":   map[string]int{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
	}
	if !reply.NoChoices {
		msg := map[string]any{"role": "assistant", "content": reply.Text}
		if reply.Refusal != "" {
			msg["content"] = nil
			msg["refusal"] = reply.Refusal
		}
		resp["choices"] = []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish(reply)}}
	}
	json.NewEncoder(w).Encode(resp)
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, req Request, reply Reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher, _ := w.(http.Flusher)
	send := func(delta map[string]any, finishReason any) {
		chunk := map[string]any{
			"id":      "chatcmpl-fake",
			"object":  "chat.completion.chunk",
			"created": time.Now().Unix(),
			"model":   req.Chat.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finishReason}},
		}
		b, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	send(map[string]any{"role": "assistant", "content": ""}, nil)
	if reply.Malformed {
		io.WriteString(w, "data: {\"id\":\"chatcmpl-fake\",\"choices\":[{\"delta\":{\"content\":\"x\n\n")
		return
	}
	if reply.Refusal != "" {
		send(map[string]any{"refusal": reply.Refusal}, nil)
	}
	cut := reply.StreamCutAfter != 0
	for i, c := range chunks(reply.Text, reply.ChunkRunes) {
		if cut && i >= reply.StreamCutAfter {
			return
		}
		if i > 0 && !sleep(r, reply.ChunkDelay) {
			return
		}
		send(map[string]any{"content": c}, nil)
	}
	if cut {
		return // cut before the final chunk
	}
	send(map[string]any{}, finish(reply))
	io.WriteString(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

func finish(r Reply) string {
	if r.FinishReason != "" {
		return r.FinishReason
	}
	return "stop"
}

// chunks splits text into pieces of about n runes (8 when n is not
// positive), at most maxChunks of them.
func chunks(text string, n int) []string {
	if n <= 0 {
		n = 8
	}
	var out []string
	runes := []rune(text)
	for len(runes) > 0 && len(out) < maxChunks-1 {
		k := min(n, len(runes))
		out = append(out, string(runes[:k]))
		runes = runes[k:]
	}
	if len(runes) > 0 {
		out = append(out, string(runes))
	}
	return out
}

// sleep waits d (at most maxDelay) unless the client goes away first.
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(min(d, maxDelay))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// scriptedError writes reply's error, when it is one (a Status other than
// 0 or 200), and reports whether it was.
func scriptedError(w http.ResponseWriter, reply Reply) bool {
	if reply.Status == 0 || reply.Status == http.StatusOK {
		return false
	}
	msg := reply.Message
	if msg == "" {
		msg = fmt.Sprintf("scripted error %d", reply.Status)
	}
	writeError(w, reply.Status, reply.RetryAfter, msg)
	return true
}

// writeError writes an error body in OpenAI's format.
func writeError(w http.ResponseWriter, status int, retryAfter, msg string) {
	typ := "invalid_request_error"
	switch {
	case status == http.StatusTooManyRequests:
		typ = "rate_limit_error"
	case status >= 500:
		typ = "server_error"
	}
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil, "param": nil}})
}
