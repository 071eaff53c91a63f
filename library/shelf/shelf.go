// Package shelf keeps the engines that answer from the books of the
// servers' libraries (storybot/library). It reads and indexes a stored
// book on first use, keeps the indexes within a memory budget, unloading
// the least recently used first, and builds each book at most once at a
// time, however many ask for it. [Shelf.Pick] chooses, for a question
// asked somewhere, the book and the reading progress it is answered with.
//
// It knows nothing of Discord: storybot/bot/library and the bot's plugins
// call it with the server, channel and member a question comes from.
package shelf

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"sync"

	"storybot/answer"
	"storybot/corpus"
	"storybot/library"
)

// Store is what the shelf reads of the libraries; storybot/qa/sqlite,
// storybot/qa/postgres and storybot/library/memstore implement it.
type Store interface {
	Book(ctx context.Context, guildID string, id int64) (library.Book, error)
	Books(ctx context.Context, guildID string) ([]library.Book, error)
	BookFile(ctx context.Context, guildID string, id int64) ([]byte, error)
	Choice(ctx context.Context, guildID, channelID string) (library.Choice, error)
	Progress(ctx context.Context, guildID string, bookID int64, channelID, userID string) (library.Progress, error)
}

var _ Store = library.Store(nil)

// Options configure [New]. Zero values mean the documented defaults.
type Options struct {
	// Store holds the books. Required.
	Store Store
	// Default answers where no book is chosen, and in direct messages:
	// the bot's default corpus. Required.
	Default *answer.Engine
	// DefaultName names the default corpus to people; "" means the title
	// of its first document.
	DefaultName string
	// Answer configures the engines of the books (the model, the limits of
	// questions and passages); give it what Default answers with.
	Answer answer.Options
	// Corpus limits reading a stored file; the zero value means the
	// defaults of storybot/corpus, and a stored file is always allowed its
	// own size.
	Corpus corpus.Options
	// Memory is the budget of the books' indexes, in bytes, as [Estimate]
	// reckons them. Default 256 MiB. A book larger than the budget is
	// still loaded, alone.
	Memory int64
	// Builds is how many books may be indexed at once. Default 1.
	Builds int
	// ReadTimeout bounds reading a book's file from the store. Default 30s.
	ReadTimeout time.Duration
	// Logger receives the shelf's logs; nil means [slog.Default].
	Logger *slog.Logger
	// Meaning, when not nil, gives each book's engine the vectors of its
	// sentences once it is built (LLM_EMBED_MODEL), one book at a time, in
	// the background: the book answers by its words alone until then.
	// Their bytes are counted in the memory budget with the index's.
	Meaning Meaning
}

// Meaning gives a book's engine the vectors of its sentences by meaning.
type Meaning interface {
	// Attach makes (or reads saved) the vectors of the sentences of eng's
	// corpus and gives them to eng ([answer.Engine.SetMeaning]). It
	// returns the bytes they take, and ends early, with an error, when
	// ctx ends: the book was unloaded or removed meanwhile.
	Attach(ctx context.Context, eng *answer.Engine) (bytes int64, err error)
}

// DefaultMemory is the default of [Options].Memory.
const DefaultMemory = 256 << 20

// Shelf keeps the books' engines. It is safe for concurrent use.
type Shelf struct {
	store       Store
	def         *answer.Engine
	defName     string
	defBook     library.Book // ID 0, with the default corpus's chapters
	aopts       answer.Options
	copts       corpus.Options
	budget      int64
	readTimeout time.Duration
	log         *slog.Logger
	builders    chan struct{}
	meaning     Meaning
	embedders   chan struct{} // one book embedded at a time

	mu      sync.Mutex
	entries map[int64]*entry
	lru     *list.List // of *entry, ready ones only, most recently used first
	used    int64      // the memory of ready and building entries
	stats   Stats
}

// entry is a book's engine, built or being built.
type entry struct {
	id    int64
	cost  int64
	ready chan struct{} // closed once built or failed
	eng   *answer.Engine
	err   error
	elem  *list.Element // in lru once ready
	// dropped: the book was removed; its build is thrown away.
	dropped bool
	// stop ends the embedding of its sentences ([Options].Meaning), when
	// one was started.
	stop context.CancelFunc
}

// Stats count what the shelf holds and has done.
type Stats struct {
	// Loaded and Building are the books whose engines are held and being
	// built; Memory is what they are reckoned to take, within Budget.
	Loaded, Building int
	Memory, Budget   int64
	// Builds counts the engines built since [New], Unloads those let go to
	// keep within the budget.
	Builds, Unloads int
	// Embedded counts the engines given their sentences' vectors
	// ([Options].Meaning) since [New].
	Embedded int
}

// New returns an empty shelf.
func New(opts Options) (*Shelf, error) {
	if opts.Store == nil {
		return nil, errors.New("shelf: no store")
	}
	if opts.Default == nil {
		return nil, errors.New("shelf: no default engine")
	}
	if opts.Memory <= 0 {
		opts.Memory = DefaultMemory
	}
	if opts.Builds <= 0 {
		opts.Builds = 1
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.DefaultName == "" {
		if t := opts.Default.Stats().Titles; len(t) > 0 {
			opts.DefaultName = t[0]
			if len(t) > 1 {
				opts.DefaultName = fmt.Sprintf("%s and %d more", t[0], len(t)-1)
			}
		}
	}
	defBook := library.Book{Title: opts.DefaultName}
	for _, m := range opts.Default.Chapters() {
		defBook.Chapters = append(defBook.Chapters, library.Chapter{N: m.N, Label: m.Label, Name: m.Name})
	}
	return &Shelf{
		store: opts.Store, def: opts.Default, defName: opts.DefaultName, defBook: defBook, aopts: opts.Answer, copts: opts.Corpus,
		budget: opts.Memory, readTimeout: opts.ReadTimeout, log: opts.Logger,
		builders: make(chan struct{}, opts.Builds), embedders: make(chan struct{}, 1), meaning: opts.Meaning,
		entries: map[int64]*entry{}, lru: list.New(), stats: Stats{Budget: opts.Memory},
	}, nil
}

// Default returns the engine of the default corpus.
func (s *Shelf) Default() *answer.Engine { return s.def }

// Stats returns what the shelf holds and has done.
func (s *Shelf) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Loaded, st.Building, st.Memory = s.lru.Len(), len(s.entries)-s.lru.Len(), s.used
	return st
}

// Loaded reports whether the engine of book id is held, ready to answer.
func (s *Shelf) Loaded(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[id]
	return e != nil && e.elem != nil
}

// Read reads and indexes a book file as the shelf does (see [ReadBook]),
// within the shelf's limits, with title and author replacing the file's
// when not empty. It takes its turn among the shelf's builds.
func (s *Shelf) Read(filename string, data []byte, title, author string) (*Book, error) {
	s.builders <- struct{}{}
	defer func() { <-s.builders }()
	return ReadBook(filename, data, title, author, s.corpusFor(int64(len(data))), s.aopts)
}

func (s *Shelf) corpusFor(size int64) corpus.Options {
	o := s.copts
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = corpus.DefaultMaxFileBytes
	}
	o.MaxFileBytes = max(o.MaxFileBytes, size)
	return o
}

// Put holds eng, read by [Shelf.Read], as the engine of book b, which was
// just added: its first question needs no build.
func (s *Shelf) Put(b library.Book, eng *answer.Engine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.entries[b.ID]; old != nil {
		s.forgetLocked(old)
	}
	e := &entry{id: b.ID, cost: Estimate(b.TextBytes), ready: make(chan struct{}), eng: eng}
	close(e.ready)
	s.makeRoomLocked(e.cost)
	s.entries[b.ID] = e
	s.used += e.cost
	e.elem = s.lru.PushFront(e)
	s.embedLocked(e)
}

// Drop lets go of the engine of book id, removed from its library: no
// answer draws on it from now on. A build under way is thrown away.
func (s *Shelf) Drop(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[id]; e != nil {
		e.dropped = true
		s.forgetLocked(e)
	}
}

// forgetLocked removes e from the shelf; a building entry keeps its
// memory counted until its build ends.
func (s *Shelf) forgetLocked(e *entry) {
	if e.stop != nil {
		e.stop()
	}
	delete(s.entries, e.id)
	if e.elem != nil {
		s.lru.Remove(e.elem)
		e.elem = nil
		s.used -= e.cost
	}
}

// makeRoomLocked unloads the least recently used engines until cost more
// fits in the budget, or none is left to unload.
func (s *Shelf) makeRoomLocked(cost int64) {
	for s.used+cost > s.budget && s.lru.Len() > 0 {
		old := s.lru.Back().Value.(*entry)
		s.forgetLocked(old)
		s.stats.Unloads++
		s.log.Info("library: unloaded a book to keep within the memory budget", "book", old.id,
			"memory_mb", mb(old.cost), "used_mb", mb(s.used), "budget_mb", mb(s.budget))
	}
	if s.used+cost > s.budget {
		s.log.Warn("library: a book's index goes beyond the memory budget (LIBRARY_MEMORY_MB)",
			"memory_mb", mb(cost), "used_mb", mb(s.used), "budget_mb", mb(s.budget))
	}
}

func mb(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }

// Engine returns the engine of book b (whole, whatever anyone's progress),
// building it first if it is not held: wait, when not nil, is called
// then, before Engine waits. The build goes on when ctx ends first, for
// the next question.
func (s *Shelf) Engine(ctx context.Context, b library.Book, wait func()) (*answer.Engine, error) {
	s.mu.Lock()
	e := s.entries[b.ID]
	switch {
	case e != nil && e.elem != nil:
		s.lru.MoveToFront(e.elem)
		s.mu.Unlock()
		return e.eng, nil
	case e == nil:
		e = &entry{id: b.ID, cost: Estimate(b.TextBytes), ready: make(chan struct{})}
		s.makeRoomLocked(e.cost)
		s.entries[b.ID] = e
		s.used += e.cost
		go s.build(e, b)
	}
	s.mu.Unlock()
	if wait != nil {
		wait()
	}
	select {
	case <-e.ready:
		return e.eng, e.err
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the index of book %d: %w", b.ID, ctx.Err())
	}
}

// build reads and indexes book b for e, one of at most Builds at a time.
func (s *Shelf) build(e *entry, b library.Book) {
	s.builders <- struct{}{}
	start := time.Now()
	eng, err := s.load(b)
	<-s.builders
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(e.ready)
	s.stats.Builds++
	current := s.entries[b.ID] == e
	if err == nil && e.dropped {
		err = fmt.Errorf("book %d: %w", b.ID, library.ErrNotFound) // removed meanwhile
	}
	if err != nil || !current {
		// Failed, removed, or replaced by [Shelf.Put]: nothing is kept, and
		// only a replaced build still answers those who waited for it.
		s.used -= e.cost
		if current {
			delete(s.entries, b.ID)
		}
		e.eng, e.err = eng, err
		if err != nil {
			e.eng = nil
			s.log.Warn("library: could not index a book", "book", b.ID, "guild", b.GuildID, "err", err)
		}
		return
	}
	e.eng = eng
	e.elem = s.lru.PushFront(e)
	s.log.Info("library: indexed a book", "book", b.ID, "guild", b.GuildID, "title", b.Title,
		"memory_mb", mb(e.cost), "used_mb", mb(s.used), "took", time.Since(start).Round(time.Millisecond))
	s.embedLocked(e)
}

// embedLocked starts giving e's engine, just held, its sentences' vectors
// ([Options].Meaning), after the embeddings of the books before it. When
// they come, e's cost grows by their bytes; when e is let go first, the
// embedding stops and nothing is counted.
func (s *Shelf) embedLocked(e *entry) {
	if s.meaning == nil {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	e.stop = stop
	go func() {
		defer stop()
		select {
		case s.embedders <- struct{}{}:
		case <-ctx.Done():
			return
		}
		start := time.Now()
		n, err := s.meaning.Attach(ctx, e.eng)
		<-s.embedders
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.entries[e.id] != e || e.elem == nil {
			return // unloaded or removed meanwhile
		}
		if err != nil {
			s.log.Warn("library: a book's sentences could not be embedded; it is searched by its words alone", "book", e.id, "err", err)
			return
		}
		s.stats.Embedded++
		// Its vectors count with its index: room is made for them among
		// the others, as for a book just built.
		s.lru.Remove(e.elem)
		s.used -= e.cost
		e.cost += n
		s.makeRoomLocked(e.cost)
		s.used += e.cost
		e.elem = s.lru.PushFront(e)
		s.log.Info("library: embedded a book's sentences", "book", e.id, "vectors_mb", mb(n),
			"memory_mb", mb(e.cost), "used_mb", mb(s.used), "took", time.Since(start).Round(time.Millisecond))
	}()
}

// load reads a stored book's file and indexes it as when it was added.
func (s *Shelf) load(b library.Book) (*answer.Engine, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.readTimeout)
	defer cancel()
	data, err := s.store.BookFile(ctx, b.GuildID, b.ID)
	if err != nil {
		return nil, fmt.Errorf("read the file of book %d: %w", b.ID, err)
	}
	rb, err := ReadBook(b.Filename, data, b.Title, b.Author, s.corpusFor(int64(len(data))), s.aopts)
	if err != nil {
		return nil, fmt.Errorf("index book %d: %w", b.ID, err)
	}
	return rb.Engine, nil
}
