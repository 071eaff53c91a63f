package main

// serve past one process: the store in PostgreSQL (DATABASE_URL), the
// gateway's shards shared through it (SHARD_COUNT, SHARD_LEASE), Discord's
// interactions endpoint (INTERACTIONS_ADDR, DISCORD_PUBLIC_KEY), and the
// health and metrics an orchestrator reads (HTTP_ADDR).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"storybot/answer"
	"storybot/bot"
	"storybot/bot/gateway"
	"storybot/bot/interactions"
	"storybot/cluster"
	clusterpg "storybot/cluster/postgres"
	"storybot/health"
	"storybot/internal/pgdb"
	"storybot/metrics"
	"storybot/qa/postgres"
)

// maxShards bounds SHARD_COUNT: far more than any bot needs (Discord
// recommends one shard per 1,000 servers or so).
const maxShards = 4096

// checkScale checks the settings of running at scale, saying what is
// wrong in words.
func checkScale(c ScaleConfig) error {
	if _, err := shardCount(c.ShardCount); err != nil {
		return err
	}
	if c.ShardLease != 0 && c.ShardLease < time.Second {
		return fmt.Errorf("SHARD_LEASE must be a duration of at least 1s, such as 15s, got %v", c.ShardLease)
	}
	if c.DatabaseURL != "" {
		if _, err := pgx.ParseConfig(string(c.DatabaseURL)); err != nil {
			return fmt.Errorf("DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/storybot: %w", pgdb.Redact(err))
		}
	}
	for _, a := range []struct{ name, addr string }{{"HTTP_ADDR", c.HTTPAddr}, {"INTERACTIONS_ADDR", c.InteractionsAddr}} {
		if a.addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			return fmt.Errorf("%s must be an address to listen on, such as :8080 or 127.0.0.1:8080, got %q", a.name, a.addr)
		}
	}
	if c.InteractionsAddr != "" {
		if c.DiscordPublicKey == "" {
			return errors.New("INTERACTIONS_ADDR needs DISCORD_PUBLIC_KEY, the application's public key (Developer Portal → General Information)")
		}
		if _, err := interactions.ParsePublicKey(c.DiscordPublicKey); err != nil {
			return fmt.Errorf("DISCORD_PUBLIC_KEY: %w", err)
		}
	}
	return nil
}

// shardCount reads SHARD_COUNT: 0 for auto (Discord's recommendation), -1
// for no sharding (unset), or a number of shards.
func shardCount(s string) (int, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return -1, nil
	case "auto":
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > maxShards {
		return 0, fmt.Errorf("SHARD_COUNT must be auto or a whole number from 1 to %d, got %q", maxShards, s)
	}
	return n, nil
}

// ops is what serve shows of itself: its metrics and its readiness.
type ops struct {
	metrics  *metrics.Metrics
	corpus   atomic.Bool
	bot      atomic.Pointer[bot.Bot]
	db       atomic.Pointer[func(context.Context) error]
	endpoint atomic.Bool
}

func newOps() *ops { return &ops{metrics: metrics.New()} }

// checks are the conditions of /readyz.
func (o *ops) checks() []health.Check {
	return []health.Check{
		{Name: "corpus", Check: func(context.Context) error {
			if !o.corpus.Load() {
				return errors.New("still loading")
			}
			return nil
		}},
		{Name: "discord", Check: func(context.Context) error {
			b := o.bot.Load()
			if b != nil && b.Connected() {
				return nil
			}
			if b != nil && b.Serving() && o.endpoint.Load() {
				return nil
			}
			return errors.New("no gateway connection is READY and no interactions endpoint listens")
		}},
		{Name: "database", Check: func(ctx context.Context) error {
			ping := o.db.Load()
			if ping == nil {
				return errors.New("not open yet")
			}
			return (*ping)(ctx)
		}},
	}
}

// listen serves h on addr until stop is called, which shuts it down within
// 1 s. name says what it serves, for the logs.
func listen(addr string, h http.Handler, name string, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	logger.Info("listening", "what", name, "addr", ln.Addr().String())
	go srv.Serve(ln)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// serveCommand is storybot serve: health and metrics from the start (the
// corpus may take a while to load), then the bot.
func serveCommand(ctx context.Context, cfg Config, logger *slog.Logger) error {
	if err := checkScale(cfg.ScaleConfig); err != nil {
		return err
	}
	o := newOps()
	if cfg.HTTPAddr != "" {
		stop, err := listen(cfg.HTTPAddr, health.Handler(o.checks(), o.metrics.Handler()), "health and metrics (HTTP_ADDR)", logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	eng, err := loadEngineWith(ctx, cfg, cfg.Corpus, cfg.LLMConfigured(), true, logger, o.observeModel)
	if err != nil {
		return err
	}
	o.corpus.Store(true)
	return serve(ctx, cfg, eng, logger, gateway.Options{}, o)
}

// observeModel counts the model's failed calls.
func (o *ops) observeModel(g answer.Generator) answer.Generator { return observedModel{g, o.metrics} }

type observedModel struct {
	answer.Generator
	m *metrics.Metrics
}

func (g observedModel) Generate(ctx context.Context, in answer.GenerateInput, onDelta func(string)) (string, error) {
	s, err := g.Generator.Generate(ctx, in, onDelta)
	if err != nil && ctx.Err() == nil {
		g.m.ModelError()
	}
	return s, err
}

// Rewrite counts a failed rewrite as a failed call too.
func (g observedModel) Rewrite(ctx context.Context, in answer.RewriteInput) (string, error) {
	rw, ok := g.Generator.(answer.Rewriter)
	if !ok {
		return "", errors.New("the model client cannot rewrite questions")
	}
	s, err := rw.Rewrite(ctx, in)
	if err != nil && ctx.Err() == nil {
		g.m.ModelError()
	}
	return s, err
}

// holderName names this process in the shard leases: host, process ID and
// a random part, so that a restarted process is a new holder.
func holderName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "storybot"
	}
	var b [3]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// postgresStore opens the store and the coordinator of the processes on
// DATABASE_URL.
func postgresStore(ctx context.Context, cfg Config, logger *slog.Logger) (*postgres.Store, *clusterpg.Coordinator, error) {
	st, err := postgres.Open(ctx, string(cfg.DatabaseURL), logger)
	if err != nil {
		return nil, nil, fmt.Errorf("open database (DATABASE_URL): %w", err)
	}
	coord, err := clusterpg.New(ctx, st.Pool(), logger)
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("open database (DATABASE_URL): %w", err)
	}
	return st, coord, nil
}

// sharding returns the bot's sharding for SHARD_COUNT, on the leases and
// gate of coord, or nil for one connection without shards.
func sharding(cfg Config, coord cluster.Coordinator) *bot.Sharding {
	n, _ := shardCount(cfg.ShardCount) // checked by checkScale
	if n < 0 {
		if cfg.DatabaseURL == "" {
			return nil
		}
		n = 0 // several processes: auto
	}
	return &bot.Sharding{Count: n, Leases: coord, Gate: coord, Holder: holderName(), Lease: cfg.ShardLease}
}

// startInteractions serves Discord's interactions endpoint for b on
// INTERACTIONS_ADDR, when set.
func startInteractions(cfg Config, b *bot.Bot, o *ops, logger *slog.Logger) (stop func(), err error) {
	if cfg.InteractionsAddr == "" {
		return func() {}, nil
	}
	key, err := interactions.ParsePublicKey(cfg.DiscordPublicKey)
	if err != nil {
		return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: %w", err)
	}
	h, err := interactions.New(interactions.Options{PublicKey: key, Bot: b, Logger: logger})
	if err != nil {
		return nil, err
	}
	shut, err := listen(cfg.InteractionsAddr, h, "Discord's interactions endpoint (INTERACTIONS_ADDR)", logger)
	if err != nil {
		return nil, err
	}
	o.endpoint.Store(true)
	return func() { o.endpoint.Store(false); shut() }, nil
}
