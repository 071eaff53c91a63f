package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"storybot/corpus"

	"github.com/joho/godotenv"
	"github.com/kelseyhightower/envconfig"
)

// Secret is a configuration value that is never printed or logged.
type Secret string

// LogValue implements [slog.LogValuer].
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// String implements [fmt.Stringer].
func (Secret) String() string { return "[redacted]" }

// Config is every setting storybot reads from the environment (and from a
// .env file in the working directory). README.md and .env.example list them.
type Config struct {
	// Corpus is a folder of books, or one book (.txt, .md, .epub, .html,
	// .htm, .xhtml, .pdf); empty means the embedded story.
	Corpus string `envconfig:"CORPUS_DIR"`
	// MaxBookMB is the largest file loaded into the corpus, in megabytes.
	MaxBookMB int `envconfig:"MAX_BOOK_MB" default:"50"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `envconfig:"LOG_LEVEL" default:"info"`
	// IndexCacheDir is the folder of saved indexes: empty for the user's
	// cache folder, "off" for none.
	IndexCacheDir string `envconfig:"INDEX_CACHE_DIR"`
	// MaxQuestion caps a question's length in characters.
	MaxQuestion int `envconfig:"MAX_QUESTION_CHARS" default:"500"`

	// Discord.
	DiscordToken       Secret   `envconfig:"DISCORD_TOKEN"`
	DiscordGuildID     string   `envconfig:"DISCORD_GUILD_ID"`
	DiscordAPIBase     string   `envconfig:"DISCORD_API_BASE" default:"https://discord.com"`
	DiscussionChannels []string `envconfig:"DISCUSSION_CHANNELS"`
	// ModeratorRole is a role ID whose members may moderate Q&A sessions, in
	// addition to members with the Manage Messages permission.
	ModeratorRole string `envconfig:"MODERATOR_ROLE_ID"`
	// UserRate and ChannelRate are questions a minute, per user and per channel.
	UserRate     float64 `envconfig:"USER_RATE_PER_MINUTE" default:"6"`
	UserBurst    int     `envconfig:"USER_RATE_BURST" default:"3"`
	ChannelRate  float64 `envconfig:"CHANNEL_RATE_PER_MINUTE" default:"30"`
	ChannelBurst int     `envconfig:"CHANNEL_RATE_BURST" default:"10"`

	// DatabasePath is the SQLite file for Q&A sessions and feedback.
	DatabasePath string `envconfig:"DATABASE_PATH" default:"storybot.db"`

	// LLM (optional): unset LLM_BASE_URL or LLM_MODEL means keyword answers only.
	LLMBaseURL       string        `envconfig:"LLM_BASE_URL"`
	LLMAPIKey        Secret        `envconfig:"LLM_API_KEY"`
	LLMModel         string        `envconfig:"LLM_MODEL"`
	LLMTimeout       time.Duration `envconfig:"LLM_TIMEOUT" default:"30s"`
	LLMMaxTokens     int           `envconfig:"LLM_MAX_TOKENS" default:"512"`
	LLMTemperature   float32       `envconfig:"LLM_TEMPERATURE" default:"0"`
	LLMPassages      int           `envconfig:"LLM_PASSAGES" default:"30"`
	LLMPassageWords  int           `envconfig:"LLM_PASSAGE_WORDS" default:"2000"`
	LLMRetries       int           `envconfig:"LLM_RETRIES" default:"2"`
	LLMContextTokens int           `envconfig:"LLM_CONTEXT_TOKENS" default:"8192"`
}

// CorpusOptions are the limits of loading the corpus.
func (c Config) CorpusOptions() corpus.Options {
	return corpus.Options{MaxFileBytes: int64(c.MaxBookMB) << 20}
}

// LLMConfigured reports whether a model is configured.
func (c Config) LLMConfigured() bool { return c.LLMBaseURL != "" && c.LLMModel != "" }

// loadConfig reads .env (when present; the environment wins over it) and
// then the environment.
func loadConfig() (Config, error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Config{}, fmt.Errorf("read .env: %w", err)
	}
	var c Config
	if err := envconfig.Process("", &c); err != nil {
		return Config{}, fmt.Errorf("configuration: %w", err)
	}
	if (c.LLMBaseURL == "") != (c.LLMModel == "") {
		return Config{}, errors.New("configuration: set both LLM_BASE_URL and LLM_MODEL to use a language model, or neither")
	}
	if c.LLMPassages <= 0 || c.LLMPassageWords <= 0 || c.LLMMaxTokens <= 0 || c.LLMContextTokens <= c.LLMMaxTokens || c.LLMRetries < 0 || c.LLMTimeout <= 0 {
		return Config{}, errors.New("configuration: LLM_PASSAGES, LLM_PASSAGE_WORDS, LLM_MAX_TOKENS and LLM_TIMEOUT must be positive, LLM_RETRIES not negative, and LLM_CONTEXT_TOKENS larger than LLM_MAX_TOKENS")
	}
	if c.MaxBookMB <= 0 {
		return Config{}, fmt.Errorf("configuration: MAX_BOOK_MB must be positive, got %d", c.MaxBookMB)
	}
	if c.MaxQuestion <= 0 {
		return Config{}, fmt.Errorf("configuration: MAX_QUESTION_CHARS must be positive, got %d", c.MaxQuestion)
	}
	return c, nil
}
