// Package llm answers questions with an OpenAI-compatible chat model
// (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) from numbered passages. It
// implements [answer.Generator], and [answer.Rewriter] for the search of
// those passages, with retries, per-attempt timeouts and a circuit breaker,
// and returns only errors a caller can fall back on.
//
// The text it returns is the model's, with citation markers naming passages
// left out of the prompt removed; callers still check it with package cite.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"storybot/answer"
	"storybot/cite"
	"storybot/prompts"
)

var (
	_ answer.Generator = (*Client)(nil)
	_ answer.Rewriter  = (*Client)(nil)
)

// Errors returned by [Client.Generate], for callers that branch on them
// with [errors.Is]. A caller's own context errors are returned wrapped as
// they are.
var (
	// ErrUnavailable means the circuit breaker is open after repeated
	// failures; no request was made.
	ErrUnavailable = errors.New("model temporarily unavailable")
	// ErrTimeout means an attempt took longer than [Config.Timeout].
	ErrTimeout = errors.New("model took too long to answer")
	// ErrRateLimited means the API answered 429 on every attempt, or asked
	// to wait longer than [Config.RetryMaxWait].
	ErrRateLimited = errors.New("model API rate limit")
	// ErrServer means the API answered with a 5xx status on every attempt.
	ErrServer = errors.New("model API server error")
	// ErrRejected means the API refused the request (a 4xx status other than
	// 429: bad key, unknown model, prompt too long); it is not retried.
	ErrRejected = errors.New("model API rejected the request")
	// ErrNetwork means the API could not be reached.
	ErrNetwork = errors.New("model API unreachable")
	// ErrBadResponse means the API's response could not be decoded.
	ErrBadResponse = errors.New("malformed response from model API")
	// ErrEmptyAnswer means the response held no choice or no text.
	ErrEmptyAnswer = errors.New("model gave an empty answer")
	// ErrRefused means the model refused to answer or its answer was
	// filtered.
	ErrRefused = errors.New("model refused to answer")
	// ErrStreamCut means a streamed answer ended without a finish reason;
	// the partial text is discarded.
	ErrStreamCut = errors.New("model stream ended early")
)

// Secret is a credential. It prints and logs as [redacted].
type Secret string

// LogValue implements [slog.LogValuer].
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// String implements [fmt.Stringer].
func (Secret) String() string { return "[redacted]" }

// GoString implements [fmt.GoStringer].
func (Secret) GoString() string { return `"[redacted]"` }

// MarshalText keeps the secret out of JSON and other encodings.
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// Config configures a [Client]. Zero durations and counts mean the defaults
// given with each field.
type Config struct {
	// BaseURL is the API's base URL, e.g. https://api.openai.com/v1 or, for
	// Ollama, http://localhost:11434/v1. Required.
	BaseURL string
	// APIKey is sent as a Bearer token; local servers usually need none.
	APIKey Secret
	// Model names the model. Required.
	Model string
	// Timeout bounds one attempt, including a whole streamed answer. The
	// default is 30s. A timed-out attempt is not retried: a model that slow
	// would be as slow again.
	Timeout time.Duration
	// MaxTokens caps the answer's length. The default is 512.
	MaxTokens int
	// Temperature is the sampling temperature, 0 to 2. The default 0 is sent
	// as 0 (go-openai would omit it, leaving the server's default).
	Temperature float32
	// Retries is how many times a failed attempt is retried (429, 5xx,
	// network errors). The default is 2; negative means none.
	Retries int
	// ContextTokens is the model's context window; the prompt gets what
	// MaxTokens leaves of it. The default is 8192.
	ContextTokens int
	// BreakerThreshold is how many calls in a row (Generate or Rewrite)
	// must fail before the breaker opens. The default is 5; negative disables the breaker.
	BreakerThreshold int
	// BreakerCooldown is how long an open breaker rejects calls before it
	// lets one through to probe. The default is 1 minute.
	BreakerCooldown time.Duration
	// RetryBaseDelay is the first backoff between attempts; it doubles each
	// retry and gets up to 50% jitter. The default is 500ms.
	RetryBaseDelay time.Duration
	// RetryMaxWait caps a wait between attempts. A server asking (with
	// Retry-After) to wait longer fails the call at once with
	// [ErrRateLimited]. The default is 10s.
	RetryMaxWait time.Duration
	// HTTPClient, when set, is used (copied, with its transport wrapped).
	HTTPClient *http.Client
}

func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Timeout, 30*time.Second)
	def(&c.BreakerCooldown, time.Minute)
	def(&c.RetryBaseDelay, 500*time.Millisecond)
	def(&c.RetryMaxWait, 10*time.Second)
	if c.MaxTokens <= 0 {
		c.MaxTokens = 512
	}
	if c.ContextTokens <= 0 {
		c.ContextTokens = 8192
	}
	switch {
	case c.Retries == 0:
		c.Retries = 2
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.BreakerThreshold == 0 {
		c.BreakerThreshold = 5
	}
	return c
}

// Client generates answers with a chat model. It is safe for concurrent use.
type Client struct {
	cfg     Config
	api     *openai.Client
	log     *slog.Logger
	breaker *breaker
	budget  int

	// Seams for tests.
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func() float64
}

// New returns a client for cfg that logs to logger (nil discards logs).
func New(cfg Config, logger *slog.Logger) (*Client, error) {
	cfg = cfg.withDefaults()
	if cfg.Model == "" {
		return nil, errors.New("llm: no model configured")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: base URL must be an http(s) URL, got %q", redactURL(cfg.BaseURL))
	}
	if cfg.Temperature < 0 || cfg.Temperature > 2 {
		return nil, fmt.Errorf("llm: temperature %v is outside 0..2", cfg.Temperature)
	}
	budget := cfg.ContextTokens - cfg.MaxTokens
	if budget < 256 {
		return nil, fmt.Errorf("llm: context of %d tokens leaves %d for the prompt after %d for the answer", cfg.ContextTokens, budget, cfg.MaxTokens)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &transport{base: base, zeroTemperature: cfg.Temperature == 0}

	oc := openai.DefaultConfig(string(cfg.APIKey))
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	oc.HTTPClient = hc

	c := &Client{
		cfg:    cfg,
		api:    openai.NewClientWithConfig(oc),
		log:    logger.With("model", cfg.Model, "base_url", redactURL(cfg.BaseURL)),
		budget: budget,
		now:    time.Now,
		sleep:  sleep,
		jitter: randFloat,
	}
	c.breaker = &breaker{threshold: cfg.BreakerThreshold, cooldown: cfg.BreakerCooldown, now: func() time.Time { return c.now() }}
	return c, nil
}

// Generate implements [answer.Generator]: it asks the model to answer
// in.Question from in.Passages and returns the answer text. With onDelta
// set it streams, passing on each piece as it arrives; when a stream fails
// after pieces were delivered the call fails ([ErrStreamCut]) without retry,
// and the caller must discard what it was shown.
func (c *Client) Generate(ctx context.Context, in answer.GenerateInput, onDelta func(delta string)) (string, error) {
	system, user, used, err := prompts.Render(in, c.budget)
	if err != nil {
		return "", fmt.Errorf("llm prompt: %w", err)
	}
	text, err := c.call(ctx, system, user, c.cfg.MaxTokens, onDelta)
	if err != nil {
		return "", err
	}
	if len(used) < len(in.Passages) {
		var dropped []int
		text, dropped = cite.Limit(text, len(used))
		if len(dropped) > 0 {
			c.log.Warn("model cited passages it was not shown", "passages", dropped, "shown", len(used))
		}
	}
	return text, nil
}

// rewriteMaxTokens caps a rewrite's length (two short lines), below
// [Config].MaxTokens when that is lower.
const rewriteMaxTokens = 256

// Rewrite implements [answer.Rewriter]: it asks the model to write, for
// in.Question, a passage in the words of the text asked about and the
// words that text might use, for the search of the passages an answer is
// given. It fails as [Client.Generate] does, with the same breaker.
func (c *Client) Rewrite(ctx context.Context, in answer.RewriteInput) (string, error) {
	system, user, err := prompts.RenderRewrite(in, c.budget)
	if err != nil {
		return "", fmt.Errorf("llm rewrite prompt: %w", err)
	}
	return c.call(ctx, system, user, min(c.cfg.MaxTokens, rewriteMaxTokens), nil)
}

// call asks the model through the breaker.
func (c *Client) call(ctx context.Context, system, user string, maxTokens int, onDelta func(string)) (string, error) {
	ok, probe := c.breaker.allow()
	if !ok {
		c.log.Debug("model call skipped: circuit open")
		return "", ErrUnavailable
	}
	text, err := c.generate(ctx, system, user, maxTokens, onDelta)
	switch {
	case err == nil:
		if c.breaker.record(success, probe) {
			c.log.Info("model circuit closed")
		}
	case ctx.Err() != nil || errors.Is(err, ErrRefused):
		c.breaker.record(neutral, probe)
	default:
		if c.breaker.record(failure, probe) {
			c.log.Warn("model circuit open", "cooldown", c.cfg.BreakerCooldown)
		}
	}
	if err != nil {
		return "", err
	}
	return text, nil
}

// generate makes up to 1+Retries attempts.
func (c *Client) generate(ctx context.Context, system, user string, maxTokens int, onDelta func(string)) (string, error) {
	req := openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		//lint:ignore SA1019 max_tokens is what Ollama, llama.cpp and LM Studio understand.
		MaxTokens:   maxTokens,
		Temperature: c.cfg.Temperature,
	}
	start := c.now()
	for attempt := 0; ; attempt++ {
		delivered := false
		var text string
		var info attemptInfo
		var err error
		if onDelta == nil {
			text, err = c.complete(ctx, req, &info)
		} else {
			text, err = c.stream(ctx, req, &info, func(d string) { delivered = true; onDelta(d) })
		}
		if err == nil {
			c.log.Debug("model answered", "attempt", attempt+1, "elapsed", c.now().Sub(start), "chars", len(text))
			return text, nil
		}
		err = c.redact(err)
		if ctx.Err() != nil {
			return "", fmt.Errorf("llm: %w", ctx.Err())
		}
		wait, retry := c.retryWait(err, &info, attempt)
		last := !retry || delivered || attempt >= c.cfg.Retries
		if !last && wait > c.cfg.RetryMaxWait {
			c.log.Warn("model call failed; server asks to wait too long", "attempt", attempt+1, "status", info.status, "retry_after", wait, "err", err)
			return "", fmt.Errorf("llm: retry after %v exceeds %v: %w", wait, c.cfg.RetryMaxWait, err)
		}
		if last {
			c.log.Warn("model call failed", "attempt", attempt+1, "status", info.status, "elapsed", c.now().Sub(start), "err", err)
			return "", fmt.Errorf("llm: attempt %d: %w", attempt+1, err)
		}
		c.log.Warn("model call failed; retrying", "attempt", attempt+1, "status", info.status, "retry_in", wait, "err", err)
		if err := c.sleep(ctx, wait); err != nil {
			return "", fmt.Errorf("llm: waiting to retry: %w", err)
		}
	}
}

// complete makes one plain attempt.
func (c *Client) complete(ctx context.Context, req openai.ChatCompletionRequest, info *attemptInfo) (string, error) {
	actx, cancel := context.WithTimeout(withInfo(ctx, info), c.cfg.Timeout)
	defer cancel()
	resp, err := c.api.CreateChatCompletion(actx, req)
	if err != nil {
		return "", classify(err, info, actx, ctx)
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("no choices: %w", ErrEmptyAnswer)
	}
	ch := resp.Choices[0]
	return finish(ch.Message.Content, ch.Message.Refusal, ch.FinishReason)
}

// stream makes one streamed attempt.
func (c *Client) stream(ctx context.Context, req openai.ChatCompletionRequest, info *attemptInfo, onDelta func(string)) (string, error) {
	actx, cancel := context.WithTimeout(withInfo(ctx, info), c.cfg.Timeout)
	defer cancel()
	s, err := c.api.CreateChatCompletionStream(actx, req)
	if err != nil {
		return "", classify(err, info, actx, ctx)
	}
	defer s.Close()
	var text, refusal strings.Builder
	var reason openai.FinishReason
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if cerr := classify(err, info, actx, ctx); !errors.Is(cerr, ErrNetwork) {
				return "", cerr
			}
			return "", fmt.Errorf("%w after %d bytes: %w", ErrStreamCut, text.Len(), err)
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if d := ch.Delta.Content; d != "" {
				text.WriteString(d)
				onDelta(d)
			}
			refusal.WriteString(ch.Delta.Refusal)
			if ch.FinishReason != "" {
				reason = ch.FinishReason
			}
		}
	}
	if reason == "" {
		// go-openai reports a body that simply stops like [DONE]; only a
		// finish reason shows the model finished.
		return "", fmt.Errorf("%w: no finish reason after %d bytes", ErrStreamCut, text.Len())
	}
	return finish(text.String(), refusal.String(), reason)
}

// finish turns a complete answer into the text to return or an error.
func finish(content, refusal string, reason openai.FinishReason) (string, error) {
	content = stripThinking(content)
	switch {
	case reason == openai.FinishReasonContentFilter:
		return "", fmt.Errorf("%w: content filter", ErrRefused)
	case strings.TrimSpace(content) == "" && refusal != "":
		return "", fmt.Errorf("%w: %.200s", ErrRefused, refusal)
	case strings.TrimSpace(content) == "":
		return "", fmt.Errorf("no text (finish reason %q): %w", reason, ErrEmptyAnswer)
	}
	return strings.TrimSpace(content), nil
}

// stripThinking removes a leading <think>…</think> block that reasoning
// models served through Ollama or vLLM put in the content.
func stripThinking(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "<think>") {
		return s
	}
	if _, after, ok := strings.Cut(t, "</think>"); ok {
		return after
	}
	return ""
}

// redact removes the API key from an error's message, in case a server
// echoes it back.
func (c *Client) redact(err error) error {
	key := string(c.cfg.APIKey)
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), key, "[redacted]"), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactURL hides a password in a URL's user info.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "[unparsable URL]"
	}
	return u.Redacted()
}
