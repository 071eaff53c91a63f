// Package pgtest gives tests a fresh, empty PostgreSQL schema of their own
// on the server named by STORYBOT_TEST_DATABASE_URL, and skips them, with
// one line saying why, when that server is not there.
//
// `bash .ci/postgres start DIR` starts a throwaway server and prints a URL
// to put in STORYBOT_TEST_DATABASE_URL; .ci/run does so. With
// STORYBOT_REQUIRE_POSTGRES=1 (as .ci/run sets) a missing or unreachable
// server fails the test instead of skipping it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable that names the test server.
const Env = "STORYBOT_TEST_DATABASE_URL"

var (
	reachOnce sync.Once
	reachErr  error
)

// Server returns the URL of the test server, or skips t (or fails it, with
// STORYBOT_REQUIRE_POSTGRES=1) when none is configured or it does not
// answer.
func Server(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		miss(t, Env+" is not set (bash .ci/postgres start DIR starts a server and prints one)")
	}
	reachOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			reachErr = err
			return
		}
		c.Close(ctx)
	})
	if reachErr != nil {
		miss(t, fmt.Sprintf("the server in %s does not answer: %v", Env, reachErr))
	}
	return base
}

func miss(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("STORYBOT_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("PostgreSQL needed: %s", why)
	}
	t.Skipf("PostgreSQL tests skipped: %s", why)
}

// URL returns the URL of a new, empty schema on the test server, its
// search_path set, that is dropped when t ends; see [Server] for when it
// skips t.
func URL(t testing.TB) string {
	t.Helper()
	base := Server(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	exec(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	return WithParam(t, base, "search_path", schema)
}

// WithParam returns the URL u with the query parameter name set to value.
func WithParam(t testing.TB, u, name, value string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil || !strings.HasPrefix(p.Scheme, "postgres") {
		t.Fatalf("%s is not a postgres:// URL", Env)
	}
	q := p.Query()
	q.Set(name, value)
	p.RawQuery = q.Encode()
	return p.String()
}

func exec(t testing.TB, u, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
