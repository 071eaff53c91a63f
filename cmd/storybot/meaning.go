package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"storybot/answer"
	"storybot/dense"
	"storybot/library/shelf"
	"storybot/llm"
	"storybot/retrieval"
)

// vectorsExt names a saved vector table in the cache folder, beside the
// saved indexes.
const vectorsExt = ".vectors"

// newEmbedder is the embedder of LLM_EMBED_MODEL.
func newEmbedder(cfg Config, logger *slog.Logger) (dense.Embedder, error) {
	return llm.NewEmbedder(llm.Config{BaseURL: cfg.LLMBaseURL, APIKey: llm.Secret(cfg.LLMAPIKey), Model: cfg.LLMEmbedModel, Timeout: cfg.LLMTimeout, Retries: llmRetries(cfg)}, logger)
}

// loadMeaning returns the embedder of LLM_EMBED_MODEL and the vectors of
// the corpus's sentences (see [vectorsOf]). When the model cannot be
// reached it logs why and returns nils: passages are then found by their
// words alone, as without the setting.
func loadMeaning(ctx context.Context, cfg Config, ix *retrieval.Index, logger *slog.Logger) (dense.Embedder, *dense.Table) {
	emb, err := newEmbedder(cfg, logger)
	if err != nil {
		logger.Warn("embedding model not used", "err", err)
		return nil, nil
	}
	t, err := vectorsOf(ctx, cfg, emb, ix, vectorsKeep(cfg), logger)
	if err != nil {
		if ctx.Err() == nil {
			logger.Warn("embedding model not used: the corpus could not be embedded", "err", err)
		}
		return nil, nil
	}
	return emb, t
}

// vectorsOf returns the vectors of ix's sentences: read from the cache
// folder when saved there under the same model and sentences, else made
// (every sentence sent to emb, in batches) and saved, the folder keeping
// the keep vector files used last.
func vectorsOf(ctx context.Context, cfg Config, emb dense.Embedder, ix *retrieval.Index, keep int, logger *slog.Logger) (*dense.Table, error) {
	c := ix.Corpus()
	texts := make([]string, len(c.Sentences))
	docs := make([]int, len(c.Sentences))
	for i, s := range c.Sentences {
		texts[i] = s.Text
		docs[i] = c.Paragraphs[s.Para].Doc
	}
	key := dense.KeyOf(cfg.LLMEmbedModel, texts)
	cache, _ := indexCacheDir(cfg.IndexCacheDir)
	path := ""
	if cache != "" {
		path = filepath.Join(cache, hex.EncodeToString(key[:])+vectorsExt)
		data, err := os.ReadFile(path)
		if err == nil {
			var t *dense.Table
			if t, err = dense.Parse(data, key); err == nil {
				now := time.Now()
				_ = os.Chtimes(path, now, now)
				logger.Debug("saved vectors loaded", "path", path, "sentences", t.Len())
				return t, nil
			}
		}
		if !errors.Is(err, fs.ErrNotExist) {
			logger.Warn("saved vectors not used; embedding again", "path", path, "err", err)
		}
	}
	start := time.Now()
	logger.Info("embedding the corpus's sentences", "model", cfg.LLMEmbedModel, "sentences", len(texts))
	last := start
	t, err := dense.Build(ctx, emb, texts, docs, func(done, total int) {
		if time.Since(last) > 10*time.Second {
			last = time.Now()
			logger.Info("embedding", "done", done, "of", total)
		}
	})
	if err != nil {
		return nil, err
	}
	logger.Info("sentences embedded", "sentences", t.Len(), "dimensions", t.Dim(), "bytes", t.Bytes(), "took", time.Since(start).Round(time.Millisecond))
	if path != "" {
		if err := saveFile(path, func(w io.Writer) error { return t.Write(w, key) }); err != nil {
			logger.Warn("vectors not saved; they will be made again next time", "err", err)
		} else {
			pruneSaved(cache, vectorsExt, path, keep, time.Now(), logger)
		}
	}
	return t, nil
}

// vectorsKeep is how many vector files the cache folder keeps: the
// default corpus's saved indexes' count, and as many more as a server's
// library holds books.
func vectorsKeep(cfg Config) int { return savedKeep + cfg.LibraryMaxBooks }

// bookMeaning gives the books of the servers' libraries their sentences'
// vectors ([shelf.Meaning]), saved in the cache folder as the default
// corpus's are.
type bookMeaning struct {
	cfg    Config
	emb    dense.Embedder
	logger *slog.Logger
}

var _ shelf.Meaning = (*bookMeaning)(nil)

// newBookMeaning returns the books' [shelf.Meaning] for LLM_EMBED_MODEL,
// nil without the setting or a model, or when the embedder cannot be made
// (said in the log; the books are searched by their words alone then).
func newBookMeaning(cfg Config, logger *slog.Logger) shelf.Meaning {
	if !cfg.LLMConfigured() || cfg.LLMEmbedModel == "" {
		return nil
	}
	emb, err := newEmbedder(cfg, logger)
	if err != nil {
		logger.Warn("embedding model not used for the library's books", "err", err)
		return nil
	}
	return &bookMeaning{cfg: cfg, emb: emb, logger: logger}
}

func (m *bookMeaning) Attach(ctx context.Context, eng *answer.Engine) (int64, error) {
	t, err := vectorsOf(ctx, m.cfg, m.emb, eng.Index(), vectorsKeep(m.cfg), m.logger)
	if err != nil {
		return 0, fmt.Errorf("embed the book's sentences: %w", err)
	}
	eng.SetMeaning(m.emb, t)
	return int64(t.Bytes()), nil
}
