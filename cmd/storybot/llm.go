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
	c, err := llm.New(llm.Config{
		BaseURL:       cfg.LLMBaseURL,
		APIKey:        llm.Secret(cfg.LLMAPIKey),
		Model:         cfg.LLMModel,
		Timeout:       cfg.LLMTimeout,
		MaxTokens:     cfg.LLMMaxTokens,
		Temperature:   cfg.LLMTemperature,
		Retries:       llmRetries(cfg),
		ContextTokens: cfg.LLMContextTokens,
	}, logger)
	if err != nil {
		return nil, fmt.Errorf("language model: %w", err)
	}
	return c, nil
}

// llmRetries is LLM_RETRIES as llm reads it: there 0 means its default,
// here none.
func llmRetries(cfg Config) int {
	if cfg.LLMRetries == 0 {
		return -1
	}
	return cfg.LLMRetries
}
