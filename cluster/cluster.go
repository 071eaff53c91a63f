// Package cluster is what the processes of one bot agree on through the
// database they share: who holds which lease (a gateway shard, or work one
// process at a time must do), how far apart Discord's IDENTIFYs go out,
// and work that must be done once.
//
// [Coordinator] is what a backend implements: [Local] for a bot that runs
// as one process (with SQLite, or none), storybot/cluster/postgres for
// several processes on one PostgreSQL database. Both pass the suite in
// storybot/cluster/clustertest. Callers take the smaller interfaces.
package cluster

import (
	"context"
	"time"
)

// Coordinator is every kind of agreement a backend keeps.
type Coordinator interface {
	Leases
	Gate
	Once
}

// Leases are named claims held by one holder at a time until they expire.
// Expiry is judged by one clock, the backend's, so that processes on
// machines whose clocks differ agree.
type Leases interface {
	// Acquire gives the lease name to holder for ttl from now, when it is
	// free, has expired, or is held by holder already (which renews it),
	// and reports whether holder holds it now. Of concurrent acquirers of a
	// free lease exactly one wins.
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// Release gives the lease up if holder holds it; otherwise it does
	// nothing.
	Release(ctx context.Context, name, holder string) error
	// Held returns the leases not expired whose names start with prefix,
	// each with its holder.
	Held(ctx context.Context, prefix string) (map[string]string, error)
}

// Gate spaces out starts, such as IDENTIFYs, within buckets.
type Gate interface {
	// Pass returns once interval has passed since the last Pass of bucket
	// returned, in any process, and counts its return as the bucket's last
	// start. Concurrent callers pass one at a time. It returns ctx's error
	// when ctx ends first.
	Pass(ctx context.Context, bucket string, interval time.Duration) error
}

// Once is work done once per version, whichever process gets there
// first.
type Once interface {
	// Once runs do unless a run of key with version has already succeeded,
	// and reports whether do ran in this call. Concurrent calls for one key
	// wait for each other, so do runs at most once per version; when do
	// fails, nothing is recorded and the error is returned.
	Once(ctx context.Context, key, version string, do func(context.Context) error) (ran bool, err error)
}
