package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"

	"storybot/corpus"
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
	CoreConfig
	DiscordConfig
}

// CoreConfig are the settings of every command.
type CoreConfig struct {
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

	// LLM (optional): unset LLM_BASE_URL or LLM_MODEL means keyword answers only.
	LLMBaseURL       string        `envconfig:"LLM_BASE_URL"`
	LLMAPIKey        Secret        `envconfig:"LLM_API_KEY"`
	LLMModel         string        `envconfig:"LLM_MODEL"`
	LLMTimeout       time.Duration `envconfig:"LLM_TIMEOUT" default:"30s"`
	LLMMaxTokens     int           `envconfig:"LLM_MAX_TOKENS" default:"512"`
	LLMTemperature   float32       `envconfig:"LLM_TEMPERATURE" default:"0"`
	LLMPassages      int           `envconfig:"LLM_PASSAGES" default:"64"`
	LLMPassageWords  int           `envconfig:"LLM_PASSAGE_WORDS" default:"2000"`
	LLMRetries       int           `envconfig:"LLM_RETRIES" default:"2"`
	LLMContextTokens int           `envconfig:"LLM_CONTEXT_TOKENS" default:"8192"`
	// LLMEmbedModel, when set, names an embedding model of the same
	// server: the passages the model is given for a question not
	// rewritten mix the sentences nearest its meaning with those its
	// words find.
	LLMEmbedModel string `envconfig:"LLM_EMBED_MODEL"`
	// LLMRewrite: the model first puts each question in the book's likely
	// words, and the passages it is given are searched with those too.
	LLMRewrite bool `envconfig:"LLM_REWRITE" default:"true"`
}

// DiscordConfig are the settings only serve reads; a bad one stops serve
// and nothing else.
type DiscordConfig struct {
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

	LibraryConfig
	ScaleConfig
}

// ScaleConfig are serve's settings for running past one process (see
// scale.go and README.md, Running at scale).
type ScaleConfig struct {
	// DatabaseURL, postgres://…, keeps everything in PostgreSQL and lets
	// several processes share the bot; empty means SQLite at DatabasePath.
	DatabaseURL Secret `envconfig:"DATABASE_URL"`
	// ShardCount is a number of gateway shards, or "auto" for Discord's
	// recommendation; empty means auto with DATABASE_URL, and one
	// connection without shards otherwise.
	ShardCount string `envconfig:"SHARD_COUNT"`
	// ShardLease is how long a process's claim on a shard lasts unless
	// renewed.
	ShardLease time.Duration `envconfig:"SHARD_LEASE" default:"15s"`
	// HTTPAddr serves /healthz, /readyz and /metrics.
	HTTPAddr string `envconfig:"HTTP_ADDR"`
	// InteractionsAddr serves Discord's interactions endpoint; it needs
	// DiscordPublicKey.
	InteractionsAddr string `envconfig:"INTERACTIONS_ADDR"`
	// DiscordPublicKey is the application's public key, in hexadecimal.
	DiscordPublicKey string `envconfig:"DISCORD_PUBLIC_KEY"`
}

// CorpusOptions are the limits of loading the corpus.
func (c Config) CorpusOptions() corpus.Options {
	return corpus.Options{MaxFileBytes: int64(c.MaxBookMB) << 20}
}

// LLMConfigured reports whether a model is configured.
func (c Config) LLMConfigured() bool { return c.LLMBaseURL != "" && c.LLMModel != "" }

// loadConfig reads .env (when present; the environment wins over it) and
// then every setting from the environment, as serve needs them.
func loadConfig() (Config, error) { return loadConfigFor(true) }

// loadConfigFor is loadConfig; with discord false, the Discord settings are
// read as well as they can be and a bad one is no error.
func loadConfigFor(discord bool) (Config, error) {
	if err := loadDotEnv(".env"); err != nil {
		return Config{}, err
	}
	var c Config
	if err := envconfig.Process("", &c.CoreConfig); err != nil {
		return Config{}, settingError(err)
	}
	if err := envconfig.Process("", &c.DiscordConfig); err != nil && discord {
		return Config{}, settingError(err)
	}
	if err := c.LibraryConfig.check(); err != nil && discord {
		return Config{}, err
	}
	if (c.LLMBaseURL == "") != (c.LLMModel == "") {
		return Config{}, errors.New("set both LLM_BASE_URL and LLM_MODEL to use a language model, or neither")
	}
	if c.LLMEmbedModel != "" && c.LLMBaseURL == "" {
		return Config{}, errors.New("LLM_EMBED_MODEL needs LLM_BASE_URL and LLM_MODEL: the embedding model is one of the model's server")
	}
	for _, v := range []struct {
		name string
		ok   bool
		want string
		got  any
	}{
		{"MAX_BOOK_MB", c.MaxBookMB > 0, "positive", c.MaxBookMB},
		{"MAX_QUESTION_CHARS", c.MaxQuestion > 0, "positive", c.MaxQuestion},
		{"LLM_PASSAGES", c.LLMPassages > 0, "positive", c.LLMPassages},
		{"LLM_PASSAGE_WORDS", c.LLMPassageWords > 0, "positive", c.LLMPassageWords},
		{"LLM_MAX_TOKENS", c.LLMMaxTokens > 0, "positive", c.LLMMaxTokens},
		{"LLM_TIMEOUT", c.LLMTimeout > 0, "positive", c.LLMTimeout},
		{"LLM_RETRIES", c.LLMRetries >= 0, "0 or more", c.LLMRetries},
		{"LLM_CONTEXT_TOKENS", c.LLMContextTokens > c.LLMMaxTokens, fmt.Sprintf("larger than LLM_MAX_TOKENS (%d)", c.LLMMaxTokens), c.LLMContextTokens},
	} {
		if !v.ok {
			return Config{}, fmt.Errorf("%s must be %s, got %v", v.name, v.want, v.got)
		}
	}
	return c, nil
}

// settingError says in words which setting is wrong and what it must be.
func settingError(err error) error {
	var pe *envconfig.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("configuration: %w", err)
	}
	want := "valid"
	switch pe.TypeName {
	case "int", "int64", "int32":
		want = "a whole number"
	case "float32", "float64":
		want = "a number"
	case "time.Duration":
		want = "a duration such as 30s or 2m"
	case "bool":
		want = "true or false"
	}
	return fmt.Errorf("%s must be %s, got %q", pe.KeyName, want, pe.Value)
}

var (
	envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// envEscapes are the escapes of a double-quoted .env value.
	envEscapes = strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\"`, `"`, `\\`, `\`, `\$`, `$`)
)

// loadDotEnv sets the variables of the .env file at path that the
// environment does not set already; a missing file is no error. Each line
// is blank, a # comment, or NAME=value, optionally after "export ": the
// value bare (trimmed, up to a " #" comment), in single quotes (as is) or
// in double quotes (with \n, \t, \", \\ escapes). A bad line is an error
// naming its number.
func loadDotEnv(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	vars, err := parseDotEnv(f, path)
	if err != nil {
		return err
	}
	for _, kv := range vars {
		if _, set := os.LookupEnv(kv[0]); !set {
			os.Setenv(kv[0], kv[1])
		}
	}
	return nil
}

// parseDotEnv reads .env lines (see loadDotEnv) as name, value pairs in
// order.
func parseDotEnv(r io.Reader, path string) ([][2]string, error) {
	var out [][2]string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		bad := func(why string) error {
			return fmt.Errorf("%s line %d: %s (%q); want NAME=value", path, n, why, clip(line, 60))
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, bad("no =")
		}
		name = strings.TrimSpace(name)
		if !envName.MatchString(name) {
			return nil, bad(fmt.Sprintf("%q is not a variable name (letters, digits and _)", name))
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.HasPrefix(value, "'"):
			end := strings.Index(value[1:], "'")
			if end < 0 {
				return nil, bad("the quote is not closed on this line")
			}
			if rest := strings.TrimSpace(value[end+2:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return nil, bad("text after the closing quote")
			}
			value = value[1 : end+1]
		case strings.HasPrefix(value, `"`):
			end := -1
			for i := 1; i < len(value); i++ {
				if value[i] == '\\' {
					i++
					continue
				}
				if value[i] == '"' {
					end = i
					break
				}
			}
			if end < 0 {
				return nil, bad("the quote is not closed on this line")
			}
			if rest := strings.TrimSpace(value[end+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return nil, bad("text after the closing quote")
			}
			value = envEscapes.Replace(value[1:end])
		default:
			if i := strings.Index(value, " #"); i >= 0 {
				value = strings.TrimSpace(value[:i])
			}
		}
		out = append(out, [2]string{name, value})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}
