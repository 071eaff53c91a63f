package main

import (
	"context"
	"fmt"
	"log/slog"

	"storybot/answer"
	"storybot/llm"
)

// newGenerator connects the configured OpenAI-compatible model.
func newGenerator(_ context.Context, cfg Config, logger *slog.Logger) (answer.Generator, error) {
	retries := cfg.LLMRetries
	if retries == 0 {
		retries = -1 // llm reads 0 as its default; LLM_RETRIES=0 means none
	}
	c, err := llm.New(llm.Config{
		BaseURL:       cfg.LLMBaseURL,
		APIKey:        llm.Secret(cfg.LLMAPIKey),
		Model:         cfg.LLMModel,
		Timeout:       cfg.LLMTimeout,
		MaxTokens:     cfg.LLMMaxTokens,
		Temperature:   cfg.LLMTemperature,
		Retries:       retries,
		ContextTokens: cfg.LLMContextTokens,
	}, logger)
	if err != nil {
		return nil, fmt.Errorf("language model: %w", err)
	}
	return c, nil
}
