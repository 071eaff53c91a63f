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
	"storybot/bot/gateway"
	botqa "storybot/bot/qa"
	"storybot/cluster"
	"storybot/internal/pgdb"
	"storybot/library"
	"storybot/qa/sqlite"
)

// errNoToken explains how to get the one setting serve cannot do without.
var errNoToken = errors.New("DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications (Bot → Reset Token) and set DISCORD_TOKEN")

// runServe answers questions on Discord until ctx is cancelled: it
// connects with cfg's token to cfg.DiscordAPIBase, then opens the store at
// cfg.DatabasePath (so that a bot that cannot connect creates no file),
// registers the commands (in cfg.DiscordGuildID, or globally) and shuts
// down gracefully. With cfg.DatabaseURL the store is PostgreSQL, opened
// first, and the process shares the bot with others (see scale.go). gw
// tunes the gateway connection (tests shorten its waits); the zero value
// means its defaults.
func runServe(ctx context.Context, cfg Config, eng *answer.Engine, logger *slog.Logger, gw gateway.Options) error {
	o := newOps()
	o.corpus.Store(true)
	return serve(ctx, cfg, eng, logger, gw, o)
}

// serve is runServe, showing its state through o.
func serve(ctx context.Context, cfg Config, eng *answer.Engine, logger *slog.Logger, gw gateway.Options, o *ops) error {
	if cfg.DiscordToken == "" {
		return errNoToken
	}
	if err := checkScale(cfg.ScaleConfig); err != nil {
		return err
	}
	messageContent := len(cfg.DiscussionChannels) > 0
	s, err := bot.NewSession(string(cfg.DiscordToken), cfg.DiscordAPIBase, bot.Intents(messageContent), logger)
	if err != nil {
		return fmt.Errorf("DISCORD_API_BASE: %w", err)
	}
	database := cfg.DatabasePath
	if cfg.DatabaseURL != "" {
		database = "PostgreSQL (DATABASE_URL)"
	}
	logger.Info("starting", "api", cfg.DiscordAPIBase, "database", database, "message_content_intent", messageContent)

	// The store of everything, the library included: qa/sqlite, opened
	// once connected, or qa/postgres, opened now, since the shards are
	// shared through it.
	type store interface {
		botqa.Store
		ask.FeedbackRecorder
		bot.SourceStore
		library.Store
	}
	var st store
	var coord cluster.Coordinator = cluster.NewLocal()
	var commands bot.Once
	var sqliteStore *sqlite.Store
	defer func() {
		if sqliteStore != nil {
			sqliteStore.Close()
		}
	}()
	if cfg.DatabaseURL != "" {
		pg, pgCoord, err := postgresStore(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer pg.Close()
		st, coord, commands = pg, pgCoord, pgCoord
		ping := pg.Ping
		o.db.Store(&ping)
		logger.Info("database open", "url", pgdb.Where(pg.Pool().Config().ConnConfig))
	}
	// Every answer is counted, from the default corpus or a book of the
	// library (whose engines take eng's options).
	eng = eng.Observed(func(a answer.Answer) { o.metrics.Answer(string(a.Mode), a.Found) })
	engine := eng
	// The Sources buttons under answers are made by both plugins and
	// answered by the bot: they share one encoder, which keeps long lists
	// in the database.
	var sources *bot.SourceIDs
	prepare := func(ctx context.Context) ([]bot.Plugin, error) {
		if st == nil {
			var err error
			sqliteStore, err = sqlite.Open(ctx, cfg.DatabasePath, logger)
			if err != nil {
				return nil, fmt.Errorf("open database %s (DATABASE_PATH): %w", cfg.DatabasePath, err)
			}
			st = sqliteStore
			ping := func(ctx context.Context) error { _, err := sqliteStore.SchemaVersion(ctx); return err }
			o.db.Store(&ping)
			logger.Info("database open", "path", cfg.DatabasePath)
		}
		sources = bot.NewSourceIDs(st, logger)
		var lib *servedLibrary
		if cfg.LibraryMaxBooks > 0 {
			var err error
			if lib, err = newLibrary(cfg, eng, st, logger); err != nil {
				return nil, err
			}
		}
		aopts := askOptions(cfg, engine, st, sources, logger)
		qopts := botqa.Options{Store: st, Answerer: engine, Logger: logger,
			ModeratorRoleID: cfg.ModeratorRole, Sources: sources, MaxQuestion: cfg.MaxQuestion}
		if lib != nil {
			aopts.Books, qopts.Books = lib.shelf, lib.shelf
		}
		answers, err := ask.New(aopts)
		if err != nil {
			return nil, err
		}
		sessions, err := botqa.New(qopts)
		if err != nil {
			return nil, fmt.Errorf("moderated Q&A: %w", err)
		}
		plugins := []bot.Plugin{bot.SourceButtons{IDs: sources, Passages: lib.passages(eng), Logger: logger}, answers, sessions}
		if lib != nil {
			plugins = append(plugins, lib.plugin)
		}
		return plugins, nil
	}
	b, err := bot.New(s, bot.Options{
		Logger:   logger,
		GuildID:  cfg.DiscordGuildID,
		Prepare:  prepare,
		Gateway:  gw,
		Sharding: sharding(cfg, coord),
		Commands: commands,
		Metrics:  o.metrics,
	})
	if err != nil {
		return err
	}
	o.bot.Store(b)
	o.metrics.Shards(func() int { return len(b.Shards()) })
	stopEndpoint, err := startInteractions(cfg, b, o, logger)
	if err != nil {
		return err
	}
	defer stopEndpoint()
	return explainServe(b.Run(ctx), cfg)
}

// explainServe says in words what a failure of serve means and what to do.
func explainServe(err error, cfg Config) error {
	if err == nil {
		return nil
	}
	var ce *gateway.CloseError
	switch {
	case errors.As(err, &ce):
		switch ce.Code {
		case 4004:
			return fmt.Errorf("the token was rejected: check DISCORD_TOKEN (Discord closed the gateway connection with %d %s)", ce.Code, ce.Text)
		case 4014:
			if len(cfg.DiscussionChannels) > 0 {
				return fmt.Errorf("the Message Content intent is not enabled for this bot: enable it in the Developer Portal (Bot → Privileged Gateway Intents) or unset DISCUSSION_CHANNELS (Discord closed the gateway connection with %d %s)", ce.Code, ce.Text)
			}
			return fmt.Errorf("a privileged intent the bot asked for is not enabled in the Developer Portal (Discord closed the gateway connection with %d %s)", ce.Code, ce.Text)
		case 4011:
			return fmt.Errorf("the bot is in too many servers for one gateway connection (over 2,500): set SHARD_COUNT=auto (Discord closed the connection with %d %s)", ce.Code, ce.Text)
		case 4010, 4012, 4013:
			return fmt.Errorf("the gateway refused what storybot sent (%d %s): this is a bug in storybot, please report it", ce.Code, ce.Text)
		}
	case errors.Is(err, bot.ErrTokenRejected):
		return fmt.Errorf("the token was rejected: check DISCORD_TOKEN (%w)", err)
	}
	return err
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
