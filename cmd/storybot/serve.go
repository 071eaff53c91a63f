package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"storybot/answer"
	"storybot/bot"
	"storybot/bot/ask"
	botqa "storybot/bot/qa"
	"storybot/qa/sqlite"
)

// errNoToken explains how to get the one setting serve cannot do without.
var errNoToken = errors.New("DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications (Bot → Reset Token) and set DISCORD_TOKEN")

// runServe answers questions on Discord until ctx is cancelled: it opens
// the store at cfg.DatabasePath, connects with cfg's token to
// cfg.DiscordAPIBase, registers the commands (in cfg.DiscordGuildID, or
// globally) and shuts down gracefully.
func runServe(ctx context.Context, cfg Config, eng *answer.Engine, logger *slog.Logger) error {
	if cfg.DiscordToken == "" {
		return errNoToken
	}
	s, err := bot.NewSession(string(cfg.DiscordToken), cfg.DiscordAPIBase, bot.Intents(len(cfg.DiscussionChannels) > 0))
	if err != nil {
		return fmt.Errorf("DISCORD_API_BASE: %w", err)
	}
	st, err := sqlite.Open(ctx, cfg.DatabasePath, logger)
	if err != nil {
		return fmt.Errorf("open database %s: %w", cfg.DatabasePath, err)
	}
	defer st.Close()

	// The Sources buttons under answers are made by both plugins and
	// answered by the bot: they share one encoder.
	sources := bot.NewSourceIDs(2000)
	answers, err := ask.New(askOptions(cfg, eng, st, sources, logger))
	if err != nil {
		return err
	}
	sessions, err := botqa.New(botqa.Options{Store: st, Answerer: eng, Logger: logger,
		ModeratorRoleID: cfg.ModeratorRole, Sources: sources, MaxQuestion: cfg.MaxQuestion})
	if err != nil {
		return fmt.Errorf("moderated Q&A: %w", err)
	}
	b, err := bot.New(s, bot.Options{
		Logger:   logger,
		GuildID:  cfg.DiscordGuildID,
		Plugins:  []bot.Plugin{answers, sessions},
		Sources:  sources,
		Passages: eng,
	})
	if err != nil {
		return err
	}
	return b.Run(ctx)
}

// askOptions turns the configuration into the options of question answering.
func askOptions(cfg Config, eng ask.Engine, fb ask.FeedbackRecorder, sources *bot.SourceIDs, logger *slog.Logger) ask.Options {
	return ask.Options{
		Engine:             eng,
		Feedback:           fb,
		Logger:             logger,
		Sources:            sources,
		DiscussionChannels: cfg.DiscussionChannels,
		MaxQuestion:        cfg.MaxQuestion,
		UserRate:           cfg.UserRate,
		UserBurst:          cfg.UserBurst,
		ChannelRate:        cfg.ChannelRate,
		ChannelBurst:       cfg.ChannelBurst,
		// A model answer may take the whole LLM timeout, retries included.
		AnswerTimeout: max(cfg.LLMTimeout*time.Duration(cfg.LLMRetries+1), 20*time.Second),
	}
}
