// Package shard runs the gateway connections of the shards one process
// holds, when several processes share a bot's shards through leases (see
// storybot/cluster): each process joins as a member, takes free shards up
// to its share (the shard count divided by the live members, rounded up),
// renews what it holds, gives up what is over its share so that a process
// that joins later gets some, and takes over the shards of a process that
// died once their leases expire.
//
// With a lease of L (default 15 s), renewed every L/3, a process that
// dies without releasing its shards loses them L after its last renewal
// at most, and another process takes them at its next round, L/3 later at
// most: within 4L/3 (20 s) of the death, then the new connection's
// IDENTIFY, which waits its turn in its max_concurrency bucket (5 s at
// most). A process that stops gracefully releases its shards at once, and
// they are taken within L/3. A process that cannot reach the database
// keeps its shards until L minus one round after its last renewal, then
// closes their connections, before their leases can expire and another
// process connects: no shard is ever served twice.
package shard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Leases are the named claims the processes share; storybot/cluster's
// coordinators implement them.
type Leases interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, holder string) error
	Held(ctx context.Context, prefix string) (map[string]string, error)
}

// Gate spaces out IDENTIFYs across processes; storybot/cluster's
// coordinators implement it.
type Gate interface {
	Pass(ctx context.Context, bucket string, interval time.Duration) error
}

// Shard is one shard to connect.
type Shard struct {
	ID, Count int
	// BeforeIdentify waits for the shard's turn to IDENTIFY: Discord
	// allows one IDENTIFY every 5 s in each max_concurrency bucket
	// (shard ID % max_concurrency), whichever process sends it.
	BeforeIdentify func(ctx context.Context) error
}

// Options configure a [Manager]. Zero values mean the defaults given.
type Options struct {
	// Count is the number of shards. Required.
	Count int
	// Adopt, when set, makes the manager run on the shard count of the
	// shards other processes hold, if any, rather than Count: for
	// SHARD_COUNT=auto, where each process asks Discord and the answers
	// may differ.
	Adopt bool
	// MaxConcurrency is Discord's session_start_limit.max_concurrency.
	// Default 1.
	MaxConcurrency int
	// Leases and Gate are shared with the other processes. Required.
	Leases Leases
	Gate   Gate
	// Holder names this process in the leases; it must differ between
	// processes. Required.
	Holder string
	// Lease is how long a claim lasts unless renewed; it is renewed every
	// Lease/3. Default 15s.
	Lease time.Duration
	// Settle is how long a process waits after joining before it takes
	// shards, so that processes started together see each other and share
	// them without moving one. Default Lease/6.
	Settle time.Duration
	// IdentifyInterval is the least time between two IDENTIFYs of one
	// bucket. Default 5.25s: Discord's 5 s and a margin for the time
	// between the turn and the IDENTIFY reaching Discord.
	IdentifyInterval time.Duration
	// Connect runs one shard's connection until ctx is cancelled, and
	// returns nil then. An error it returns ends [Manager.Run] with it.
	// Required.
	Connect func(ctx context.Context, s Shard) error
	// Logger receives a line for every shard taken, given up or lost; nil
	// means [slog.Default].
	Logger *slog.Logger
}

// Manager runs the shards a process holds. It is safe for concurrent use.
type Manager struct {
	opts  Options
	log   *slog.Logger
	ended chan ended
	quit  chan struct{} // closed when Run returns

	mu      sync.Mutex
	count   int
	running map[int]*run // by shard ID
}

type run struct {
	cancel    context.CancelFunc
	done      chan struct{}
	lastRenew time.Time
}

type ended struct {
	id  int
	r   *run
	err error
}

// New returns a manager; [Manager.Run] runs it.
func New(opts Options) (*Manager, error) {
	if opts.Count <= 0 || opts.Leases == nil || opts.Gate == nil || opts.Holder == "" || opts.Connect == nil {
		return nil, errors.New("shard: Count, Leases, Gate, Holder and Connect are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxConcurrency <= 0 {
		opts.MaxConcurrency = 1
	}
	if opts.Lease <= 0 {
		opts.Lease = 15 * time.Second
	}
	if opts.Settle <= 0 {
		opts.Settle = opts.Lease / 6
	}
	if opts.IdentifyInterval <= 0 {
		opts.IdentifyInterval = 5250 * time.Millisecond
	}
	return &Manager{opts: opts, log: opts.Logger, ended: make(chan ended), quit: make(chan struct{}), count: opts.Count,
		running: map[int]*run{}}, nil
}

// Count returns the shard count the manager runs on.
func (m *Manager) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count
}

// Held returns the IDs of the shards this process holds, in order.
func (m *Manager) Held() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]int, 0, len(m.running))
	for id := range m.running {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (m *Manager) member() string       { return "member/" + m.opts.Holder }
func leaseName(count, id int) string    { return fmt.Sprintf("shard/%d/%d", count, id) }
func (m *Manager) round() time.Duration { return m.opts.Lease / 3 }

// parseLease reads "shard/COUNT/ID".
func parseLease(name string) (count, id int, ok bool) {
	rest, ok := strings.CutPrefix(name, "shard/")
	if !ok {
		return 0, 0, false
	}
	c, i, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, false
	}
	count, err1 := strconv.Atoi(c)
	id, err2 := strconv.Atoi(i)
	return count, id, err1 == nil && err2 == nil && count > 0 && id >= 0 && id < count
}

// Run joins, takes and runs shards, and keeps doing so every Lease/3
// until ctx is cancelled; then it closes its connections, releases its
// leases and returns nil. It returns the error of a shard's Connect, after
// closing the others.
func (m *Manager) Run(ctx context.Context) error {
	defer m.leave()
	defer close(m.quit)
	if err := m.join(ctx); err != nil {
		m.log.Warn("shards: joining", "err", err)
	}
	if !sleep(ctx, m.opts.Settle) {
		return nil
	}
	t := time.NewTicker(m.round())
	defer t.Stop()
	for {
		m.tick(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case e := <-m.ended:
			// A connection that ended by itself: its lease goes, and its
			// error ends the run.
			m.mu.Lock()
			current := m.running[e.id] == e.r
			if current {
				delete(m.running, e.id)
			}
			m.mu.Unlock()
			if !current {
				continue
			}
			m.release(e.id)
			if e.err != nil {
				return fmt.Errorf("shard %d: %w", e.id, e.err)
			}
		}
	}
}

// join takes this process's member lease and, with Adopt, the count of
// the shards held by others.
func (m *Manager) join(ctx context.Context) error {
	if _, err := m.opts.Leases.Acquire(ctx, m.member(), m.opts.Holder, m.opts.Lease); err != nil {
		return err
	}
	if m.opts.Adopt {
		held, err := m.opts.Leases.Held(ctx, "shard/")
		if err != nil {
			return err
		}
		for name := range held {
			if count, _, ok := parseLease(name); ok && count != m.count {
				m.log.Info("shards: running on the shard count of the other processes", "shards", count, "recommended", m.count)
				m.mu.Lock()
				m.count = count
				m.mu.Unlock()
				break
			}
		}
	}
	return nil
}

// tick renews what is held, gives up what is over this process's share
// and takes free shards up to it.
func (m *Manager) tick(ctx context.Context) {
	now := time.Now()
	count := m.Count()
	// A database that does not answer must not hold the round up past the
	// time to close a shard whose lease cannot be renewed.
	ctx, cancel := context.WithTimeout(ctx, m.round()/2)
	defer cancel()
	if _, err := m.opts.Leases.Acquire(ctx, m.member(), m.opts.Holder, m.opts.Lease); err != nil {
		m.log.Warn("shards: renew membership", "err", err)
	}
	// Renew, or give up what can no longer be renewed safely.
	for _, id := range m.Held() {
		ok, err := m.opts.Leases.Acquire(ctx, leaseName(count, id), m.opts.Holder, m.opts.Lease)
		m.mu.Lock()
		r := m.running[id]
		m.mu.Unlock()
		switch {
		case err == nil && ok:
			r.lastRenew = now
		case err == nil:
			m.log.Error("shards: another process holds a shard this one ran; closing it", "shard", id)
			m.stop(id)
		case now.Sub(r.lastRenew) >= m.opts.Lease-m.round():
			m.log.Error("shards: cannot renew a shard's lease before it expires; closing it so that another process can take it",
				"shard", id, "err", err)
			m.stop(id)
		default:
			m.log.Warn("shards: renew lease", "shard", id, "err", err)
		}
	}
	members, err := m.opts.Leases.Held(ctx, "member/")
	if err != nil {
		m.log.Warn("shards: list members", "err", err)
		return
	}
	leases, err := m.opts.Leases.Held(ctx, "shard/")
	if err != nil {
		m.log.Warn("shards: list leases", "err", err)
		return
	}
	taken := map[int]bool{}
	for name := range leases {
		c, id, ok := parseLease(name)
		if !ok {
			continue
		}
		if c != count {
			m.log.Warn("shards: other processes hold shards of another shard count; waiting for them to stop",
				"theirs", c, "ours", count)
			return
		}
		taken[id] = true
	}
	// Each member's share is count/n shards, or one more. Over that, a
	// process gives shards up; when a member has less than its share and
	// none is free, the member holding the most (the first by name among
	// equals) gives one up, for the other to take.
	n := max(len(members), 1)
	least, share := count/n, (count+n-1)/n
	holds := map[string]int{}
	for name := range members {
		holds[strings.TrimPrefix(name, "member/")] = 0
	}
	for name, holder := range leases {
		if _, _, ok := parseLease(name); ok {
			holds[holder]++
		}
	}
	held := m.Held()
	donor, starved := "", false
	for h, k := range holds {
		if donor == "" || k > holds[donor] || k == holds[donor] && h < donor {
			donor = h
		}
		if k < least {
			starved = true
		}
	}
	keep := share
	if starved && len(taken) == count && donor == m.opts.Holder && len(held) > least {
		keep = len(held) - 1
	}
	// Give up the highest first.
	for len(held) > keep {
		id := held[len(held)-1]
		held = held[:len(held)-1]
		m.log.Info("shards: giving up a shard to share them", "shard", id, "members", n, "share", share)
		m.stop(id)
		m.release(id)
	}
	for id := 0; id < count && len(held) < share; id++ {
		if taken[id] {
			continue
		}
		ok, err := m.opts.Leases.Acquire(ctx, leaseName(count, id), m.opts.Holder, m.opts.Lease)
		if err != nil {
			m.log.Warn("shards: take a shard", "shard", id, "err", err)
			return
		}
		if !ok {
			continue // another process was quicker
		}
		held = append(held, id)
		m.start(ctx, count, id, now)
	}
}

// start runs shard id's connection.
func (m *Manager) start(ctx context.Context, count, id int, now time.Time) {
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &run{cancel: cancel, done: make(chan struct{}), lastRenew: now}
	m.mu.Lock()
	m.running[id] = r
	m.mu.Unlock()
	m.log.Info("shards: took a shard", "shard", id, "shards", count)
	bucket := "identify/" + strconv.Itoa(id%m.opts.MaxConcurrency)
	s := Shard{ID: id, Count: count, BeforeIdentify: func(ctx context.Context) error {
		return m.opts.Gate.Pass(ctx, bucket, m.opts.IdentifyInterval)
	}}
	go func() {
		defer close(r.done)
		err := m.opts.Connect(rctx, s)
		if rctx.Err() != nil {
			return // stopped: nobody waits for the news
		}
		select {
		case m.ended <- ended{id: id, r: r, err: err}:
		case <-m.quit:
		}
	}()
}

// stop closes shard id's connection and waits for it, 3 s at most.
func (m *Manager) stop(id int) {
	m.mu.Lock()
	r := m.running[id]
	delete(m.running, id)
	m.mu.Unlock()
	if r == nil {
		return
	}
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(3 * time.Second):
		m.log.Warn("shards: a shard's connection did not close within 3s", "shard", id)
	}
}

// release gives up shard id's lease, within 2 s.
func (m *Manager) release(id int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := m.opts.Leases.Release(ctx, leaseName(m.Count(), id), m.opts.Holder); err != nil {
		m.log.Warn("shards: release a shard", "shard", id, "err", err)
	}
}

// leave closes every connection, at once, and releases every lease.
func (m *Manager) leave() {
	m.mu.Lock()
	runs := m.running
	m.running = map[int]*run{}
	m.mu.Unlock()
	for _, r := range runs {
		r.cancel()
	}
	deadline := time.After(3 * time.Second)
	for id, r := range runs {
		select {
		case <-r.done:
		case <-deadline:
			m.log.Warn("shards: a shard's connection did not close within 3s", "shard", id)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	count := m.Count()
	for id := range runs {
		if err := m.opts.Leases.Release(ctx, leaseName(count, id), m.opts.Holder); err != nil {
			m.log.Warn("shards: release a shard", "shard", id, "err", err)
		} else {
			m.log.Info("shards: released a shard", "shard", id)
		}
	}
	if err := m.opts.Leases.Release(ctx, m.member(), m.opts.Holder); err != nil {
		m.log.Warn("shards: leave", "err", err)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
