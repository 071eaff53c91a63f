package main

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"storybot/dense"
	"storybot/llm"
	"storybot/retrieval"
)

// vectorsExt names a saved vector table in the cache folder, beside the
// saved indexes.
const vectorsExt = ".vectors"

// loadMeaning returns the embedder of LLM_EMBED_MODEL and the vectors of
// the corpus's sentences: read from the cache folder when saved there
// under the same model and sentences, else made (every sentence sent to
// the model, in batches) and saved. When the model cannot be reached it
// logs why and returns nils: passages are then found by their words
// alone, as without the setting.
func loadMeaning(ctx context.Context, cfg Config, ix *retrieval.Index, logger *slog.Logger) (dense.Embedder, *dense.Table) {
	emb, err := llm.NewEmbedder(llm.Config{BaseURL: cfg.LLMBaseURL, APIKey: llm.Secret(cfg.LLMAPIKey), Model: cfg.LLMEmbedModel, Timeout: cfg.LLMTimeout, Retries: llmRetries(cfg)}, logger)
	if err != nil {
		logger.Warn("embedding model not used", "err", err)
		return nil, nil
	}
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
				return emb, t
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
		if ctx.Err() == nil {
			logger.Warn("embedding model not used: the corpus could not be embedded", "err", err)
		}
		return nil, nil
	}
	logger.Info("sentences embedded", "sentences", t.Len(), "dimensions", t.Dim(), "bytes", t.Bytes(), "took", time.Since(start).Round(time.Millisecond))
	if path != "" {
		if err := saveFile(path, func(w io.Writer) error { return t.Write(w, key) }); err != nil {
			logger.Warn("vectors not saved; they will be made again next time", "err", err)
		} else {
			pruneSaved(cache, vectorsExt, path, time.Now(), logger)
		}
	}
	return emb, t
}
