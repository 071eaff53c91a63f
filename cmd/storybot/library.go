package main

import (
	"fmt"
	"log/slog"
	"time"

	"storybot/answer"
	"storybot/bot"
	botlib "storybot/bot/library"
	"storybot/corpus"
	"storybot/library"
	"storybot/library/shelf"
)

// LibraryConfig are the settings of the servers' libraries, read by serve
// only.
type LibraryConfig struct {
	// LibraryRole is a role whose members are librarians (add, remove and
	// choose the server's books) besides those with Manage Server.
	LibraryRole string `envconfig:"LIBRARY_ROLE_ID"`
	// LibraryMaxBooks is the most books a server's library holds; 0 turns
	// the library off.
	LibraryMaxBooks int `envconfig:"LIBRARY_MAX_BOOKS" default:"20"`
	// LibraryMaxFileMB is the largest book file added, in megabytes.
	LibraryMaxFileMB int `envconfig:"LIBRARY_MAX_FILE_MB" default:"25"`
	// LibraryMemoryMB is the memory budget of the books' indexes, in
	// megabytes; the least recently used are unloaded beyond it.
	LibraryMemoryMB int `envconfig:"LIBRARY_MEMORY_MB" default:"256"`
}

// check says which library setting is wrong.
func (c LibraryConfig) check() error {
	for _, v := range []struct {
		name string
		ok   bool
		want string
		got  int
	}{
		{"LIBRARY_MAX_BOOKS", c.LibraryMaxBooks >= 0, "0 (no library) or more", c.LibraryMaxBooks},
		{"LIBRARY_MAX_FILE_MB", c.LibraryMaxFileMB > 0, "positive", c.LibraryMaxFileMB},
		{"LIBRARY_MEMORY_MB", c.LibraryMemoryMB > 0, "positive", c.LibraryMemoryMB},
	} {
		if !v.ok {
			return fmt.Errorf("%s must be %s, got %d", v.name, v.want, v.got)
		}
	}
	return nil
}

// servedLibrary is the library as serve wires it: the books' engines,
// shared by every way of asking, and the /book command.
type servedLibrary struct {
	shelf  *shelf.Shelf
	plugin *botlib.Plugin
}

// newLibrary builds the library of serve over st, the bot's database,
// answering books as eng answers the default corpus.
func newLibrary(cfg Config, eng *answer.Engine, st library.Store, logger *slog.Logger) (*servedLibrary, error) {
	// A book's file is at most LIBRARY_MAX_FILE_MB, and unpacks to at
	// most four times that.
	maxFile := int64(cfg.LibraryMaxFileMB) << 20
	// With LLM_EMBED_MODEL the books' passages are found by their meaning
	// too, as the default corpus's are.
	sh, err := shelf.New(shelf.Options{Store: st, Default: eng, Answer: eng.Options(), Corpus: corpus.Options{MaxFileBytes: maxFile},
		Memory: int64(cfg.LibraryMemoryMB) << 20, Logger: logger, Meaning: newBookMeaning(cfg, logger)})
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	dl, err := botlib.NewDownloader(botlib.DownloaderOptions{APIBase: cfg.DiscordAPIBase, MaxBytes: maxFile, Timeout: time.Minute})
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	p, err := botlib.New(botlib.Options{Store: st, Shelf: sh, Downloader: dl, Logger: logger,
		LibrarianRoleID: cfg.LibraryRole, ModeratorRoleID: cfg.ModeratorRole,
		MaxBooks: cfg.LibraryMaxBooks, Memory: int64(cfg.LibraryMemoryMB) << 20})
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	return &servedLibrary{shelf: sh, plugin: p}, nil
}

// passages answer the Sources buttons: from the books with the library,
// else from eng.
func (l *servedLibrary) passages(eng *answer.Engine) bot.Passages {
	if l == nil {
		return eng
	}
	return botlib.Passages(l.shelf)
}
