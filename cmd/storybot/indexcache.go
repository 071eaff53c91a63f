package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"storybot/corpus"
	"storybot/retrieval"
)

// Saved indexes (README, "Saved indexes"): the index of a corpus is saved in
// the cache folder under its key, which names the corpus's files, the load
// limits and the analysis; at the next start the file is loaded instead
// of reading and indexing the corpus again. A file that is stale or
// damaged is never loaded: the index is rebuilt and saved again.
const (
	// savedKeep is how many saved indexes the cache folder keeps, the
	// ones used last; savedMaxAge removes any unused for that long.
	savedKeep   = 4
	savedMaxAge = 30 * 24 * time.Hour
	// tempMaxAge is the age at which a temporary file, left by a writer
	// that died, is removed.
	tempMaxAge = time.Hour
	savedExt   = ".index"
	// preloadAfter is how long after start-up the tables are parsed.
	preloadAfter = 100 * time.Millisecond
)

// loadIndex returns the index of the corpus at dir (a folder or one book;
// the embedded story when empty) within cfg's limits: loaded from the
// saved index in cfg's cache folder when one matches, else built, logging
// the files skipped, and saved for the next start. Failing to save only
// logs a warning. The embedded story is never saved: it is indexed in
// about 2 ms.
//
// preloadAfter the index is ready, loadIndex parses the retrieval tables
// in the background (retrieval's Index.Preload), so that the first
// question of a bot or a chat does not wait for them; a command that
// answers at once and exits, as ask does, is done before and does not
// pay for tables it may not need.
func loadIndex(cfg Config, dir string, logger *slog.Logger) (*retrieval.Index, error) {
	ix, err := loadSavedIndex(cfg, dir, logger)
	if err == nil {
		time.AfterFunc(preloadAfter, ix.Preload)
	}
	return ix, err
}

// loadSavedIndex is loadIndex without the tables.
func loadSavedIndex(cfg Config, dir string, logger *slog.Logger) (*retrieval.Index, error) {
	opt := cfg.CorpusOptions()
	cache, err := indexCacheDir(cfg.IndexCacheDir)
	if err != nil {
		logger.Debug("saved indexes off", "err", err)
	}
	if dir == "" || cache == "" {
		return buildIndex(dir, opt, logger)
	}
	start := time.Now()
	digest, err := corpus.Digest(dir, opt)
	if err != nil {
		return buildIndex(dir, opt, logger) // which says what is wrong with dir
	}
	key := retrieval.KeyOf(digest)
	path := filepath.Join(cache, key.String()+savedExt)
	ix, err := retrieval.LoadFile(path, key)
	switch {
	case err == nil:
		logCorpusFiles(ix.Corpus(), logger)
		now := time.Now()
		_ = os.Chtimes(path, now, now) // used now: pruning keeps what was used last
		logger.Debug("saved index loaded", "path", path, "took", time.Since(start))
		return ix, nil
	case !errors.Is(err, fs.ErrNotExist):
		logger.Warn("saved index not used; indexing again", "path", path, "err", err)
	}
	ix, err = buildIndex(dir, opt, logger)
	if err != nil {
		return nil, err
	}
	// A file changed while it was read would be saved under the name of
	// what it was before.
	if again, err := corpus.Digest(dir, opt); err != nil || again != digest {
		logger.Warn("corpus changed while it was indexed; index not saved", "dir", dir)
		return ix, nil
	}
	start = time.Now()
	if err := saveIndex(path, ix, key); err != nil {
		logger.Warn("index not saved; it will be built again next time", "err", err)
		return ix, nil
	}
	logger.Debug("index saved", "path", path, "took", time.Since(start))
	pruneSaved(cache, savedExt, path, savedKeep, time.Now(), logger)
	return ix, nil
}

// buildIndex loads the corpus at dir and indexes it.
func buildIndex(dir string, opt corpus.Options, logger *slog.Logger) (*retrieval.Index, error) {
	c, err := loadCorpusWith(dir, opt, logger)
	if err != nil {
		return nil, err
	}
	return retrieval.NewIndex(c), nil
}

// indexCacheDir is the folder of saved indexes INDEX_CACHE_DIR names:
// "off" for none, empty for the user's cache folder (~/.cache/storybot on
// Linux).
func indexCacheDir(setting string) (string, error) {
	switch setting {
	case "off":
		return "", nil
	case "":
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "storybot"), nil
	}
	return setting, nil
}

// saveIndex writes ix to path atomically (see [saveFile]). There is no
// fsync: a file torn by a crash fails its checksum and is built again.
func saveIndex(path string, ix *retrieval.Index, key retrieval.Key) error {
	return saveFile(path, func(w io.Writer) error { return retrieval.Save(w, ix, key) })
}

// saveFile writes a saved file (an index, or vectors) to path
// atomically: into a temporary file beside it, renamed over path once
// whole, so that a reader, or another process saving the same file,
// never sees part of one.
func saveFile(path string, write func(io.Writer) error) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	return os.Rename(f.Name(), path)
}

// pruneSaved removes from dir the saved files of extension ext (indexes,
// or vectors) beyond the n used last, those unused for
// savedMaxAge (a load marks a file used by its modification time), and
// temporary files older than tempMaxAge; it keeps keep, just written.
func pruneSaved(dir, ext, keep string, n int, now time.Time, logger *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		logger.Warn("saved indexes not pruned", "err", err)
		return
	}
	type file struct {
		path string
		used time.Time
	}
	var saved []file
	for _, e := range entries {
		name := e.Name()
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		p := filepath.Join(dir, name)
		switch {
		case isSavedName(name, ext):
			if p != keep {
				saved = append(saved, file{p, info.ModTime()})
			}
		case strings.Contains(name, ext+".tmp") && isSavedName(name[:strings.Index(name, ".tmp")], ext):
			if now.Sub(info.ModTime()) > tempMaxAge {
				removeSaved(p, logger)
			}
		}
	}
	slices.SortFunc(saved, func(a, b file) int { return b.used.Compare(a.used) })
	for i, f := range saved {
		if i+1 >= n || now.Sub(f.used) > savedMaxAge {
			removeSaved(f.path, logger)
		}
	}
}

// isSavedName reports a saved file's name: a key in hexadecimal and ext.
func isSavedName(name, ext string) bool {
	hex, ok := strings.CutSuffix(name, ext)
	return ok && len(hex) == 2*len(retrieval.Key{}) && strings.Trim(hex, "0123456789abcdef") == ""
}

func removeSaved(path string, logger *slog.Logger) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		logger.Warn("saved index not removed", "err", err)
		return
	}
	logger.Debug("old saved index removed", "path", path)
}
