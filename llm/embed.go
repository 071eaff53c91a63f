package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"storybot/dense"
)

// Embedder gives texts their vectors with an OpenAI-compatible embedding
// model (POST /embeddings), for the search of the passages an answer is
// given by meaning ([dense.Table]). It retries as [Client] does, without
// the breaker: it is called when a corpus is indexed and once a question.
// It is safe for concurrent use.
type Embedder struct {
	c *Client
}

var _ dense.Embedder = (*Embedder)(nil)

// NewEmbedder returns an embedder for cfg, whose Model names the
// embedding model; MaxTokens, Temperature and ContextTokens are not used.
// logger nil discards logs.
func NewEmbedder(cfg Config, logger *slog.Logger) (*Embedder, error) {
	if cfg.Model == "" {
		return nil, errors.New("llm: no embedding model configured")
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: base URL must be an http(s) URL, got %q", redactURL(cfg.BaseURL))
	}
	cfg.Temperature, cfg.MaxTokens, cfg.ContextTokens = 0, 0, 0
	c, err := New(cfg, logger)
	if err != nil {
		return nil, err
	}
	return &Embedder{c: c}, nil
}

// maxEmbedBytes caps a text sent to be embedded: about 1,000 tokens,
// within every embedding model's context (OpenAI's take 8,192, small
// local ones 512 to 2,048), so that one endless "sentence" of a badly
// punctuated book does not fail the whole corpus.
const maxEmbedBytes = 4000

// Embed implements [dense.Embedder].
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	c := e.c
	// An empty input is refused by OpenAI; a blank one stands in for it.
	// A text past maxEmbedBytes is cut there.
	in := make([]string, len(texts))
	for i, t := range texts {
		if len(t) > maxEmbedBytes {
			t = strings.ToValidUTF8(t[:maxEmbedBytes], "")
		}
		if in[i] = t; strings.TrimSpace(t) == "" {
			in[i] = " "
		}
	}
	req := openai.EmbeddingRequest{Input: in, Model: openai.EmbeddingModel(c.cfg.Model)}
	start := c.now()
	for attempt := 0; ; attempt++ {
		var info attemptInfo
		vs, err := e.once(ctx, req, &info)
		if err == nil {
			c.log.Debug("texts embedded", "texts", len(texts), "attempt", attempt+1, "elapsed", c.now().Sub(start))
			return vs, nil
		}
		err = c.redact(err)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("llm embed: %w", ctx.Err())
		}
		wait, retry := c.retryWait(err, &info, attempt)
		if !retry || attempt >= c.cfg.Retries {
			c.log.Warn("embedding failed", "attempt", attempt+1, "status", info.status, "err", err)
			return nil, fmt.Errorf("llm embed: attempt %d: %w", attempt+1, err)
		}
		if wait > c.cfg.RetryMaxWait {
			return nil, fmt.Errorf("llm embed: retry after %v exceeds %v: %w", wait, c.cfg.RetryMaxWait, err)
		}
		c.log.Warn("embedding failed; retrying", "attempt", attempt+1, "status", info.status, "retry_in", wait, "err", err)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("llm embed: waiting to retry: %w", err)
		}
	}
}

// once makes one attempt, checking that every text got one vector, all
// of one length.
func (e *Embedder) once(ctx context.Context, req openai.EmbeddingRequest, info *attemptInfo) ([][]float32, error) {
	c := e.c
	actx, cancel := context.WithTimeout(withInfo(ctx, info), c.cfg.Timeout)
	defer cancel()
	resp, err := c.api.CreateEmbeddings(actx, req)
	if err != nil {
		return nil, classify(err, info, actx, ctx)
	}
	n := len(req.Input.([]string))
	out := make([][]float32, n)
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= n || out[d.Index] != nil {
			return nil, fmt.Errorf("%w: embedding index %d of %d texts, or given twice", ErrBadResponse, d.Index, n)
		}
		if len(d.Embedding) == 0 || len(d.Embedding) != len(resp.Data[0].Embedding) {
			return nil, fmt.Errorf("%w: embeddings of %d and %d dimensions", ErrBadResponse, len(d.Embedding), len(resp.Data[0].Embedding))
		}
		out[d.Index] = d.Embedding
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("%w: no embedding for text %d of %d", ErrBadResponse, i+1, n)
		}
	}
	return out, nil
}
