package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"storybot/bot"
	"storybot/bot/sourcestest"
	"storybot/internal/pgdb"
	"storybot/internal/pgtest"
	"storybot/qa"
	"storybot/qa/qatest"

	"storybot/internal/testclock"
)

var _ bot.SourceStore = (*Store)(nil)

// openAt opens the store at url with the clock now, or with a
// [testclock.New] when now is nil, and closes it when t ends.
func openAt(t *testing.T, url string, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if now == nil {
		now = testclock.New()
	}
	s.now = now
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStore runs the conformance suite on a new schema each time.
func TestStore(t *testing.T) {
	pgtest.Server(t)
	qatest.Run(t, func(t *testing.T, now func() time.Time) qa.Store {
		return openAt(t, pgtest.URL(t), now)
	})
}

// TestSourceStore runs the Sources buttons' suite on a new schema each time.
func TestSourceStore(t *testing.T) {
	pgtest.Server(t)
	sourcestest.Run(t, func(t *testing.T) bot.SourceStore { return openAt(t, pgtest.URL(t), nil) })
}

// TestConcurrentDecisions races decisions through two stores on one
// database, as two processes would.
func TestConcurrentDecisions(t *testing.T) {
	url := pgtest.URL(t)
	qatest.RaceDecisions(t, openAt(t, url, nil), openAt(t, url, nil), openAt(t, url, nil))
}

// TestConcurrentVotes checks that the votes column stays equal to the
// votes rows under concurrent clicks.
func TestConcurrentVotes(t *testing.T) {
	s := openAt(t, pgtest.URL(t), nil)
	q := qatest.RaceVotes(t, s)
	var rows int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM votes WHERE question_id = $1`, q.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != q.Votes {
		t.Errorf("votes = %d, rows %d; want them equal", q.Votes, rows)
	}
}

// TestMigrateOnce opens the store from 8 goroutines at once on a new
// schema: the migrations are applied once, and every store works.
func TestMigrateOnce(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	stores := make([]*Store, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(ctx, url, nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	var rows int
	if err := stores[0].pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE part = $1`, Part).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(migrations) {
		t.Errorf("schema_migrations holds %d rows of %q, want %d", rows, Part, len(migrations))
	}
	for i, s := range stores {
		if v, err := s.SchemaVersion(ctx); err != nil || v != len(migrations) {
			t.Errorf("store %d: SchemaVersion = %d, %v; want %d", i, v, err, len(migrations))
		}
	}
	sess := qatest.Start(t, stores[n-1], "g", "c")
	if _, err := stores[0].SessionByID(ctx, "g", sess.ID); err != nil {
		t.Errorf("a session started through one store is not seen by another: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	s := openAt(t, url, nil)
	if _, err := s.pool.Exec(ctx, `INSERT INTO schema_migrations (part, version, name) VALUES ($1, 99, '099_future.sql')`, Part); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, url, nil); !errors.Is(err, pgdb.ErrSchemaTooNew) {
		t.Fatalf("Open(version 99) = %v, want pgdb.ErrSchemaTooNew", err)
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := openAt(t, url, nil)
	sess := qatest.Start(t, s, "g1", "chan")
	q := qatest.Submit(t, s, sess, "u1", "Who wrote the letter to the mayor?", true)
	if _, _, err := s.ToggleVote(ctx, "g1", q.ID, "u2"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCard(ctx, "g1", q.ID, "queue", "card1"); err != nil {
		t.Fatal(err)
	}
	before, err := s.Transcript(ctx, "g1", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openAt(t, url, nil)
	got, err := s.ActiveSession(ctx, "g1", "chan")
	if err != nil || got.ID != sess.ID {
		t.Fatalf("ActiveSession after restart = %+v, %v; want session %d", got, err, sess.ID)
	}
	after, err := s.Transcript(ctx, "g1", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(qa.RenderTranscript(got, after)) != string(qa.RenderTranscript(sess, before)) {
		t.Errorf("transcript changed across restart:\n%s\nwant\n%s", qa.RenderTranscript(got, after), qa.RenderTranscript(sess, before))
	}
	if after[0].Votes != 1 || after[0].CardMessageID != "card1" {
		t.Errorf("after restart votes = %d, card = %q; want 1, card1", after[0].Votes, after[0].CardMessageID)
	}
}
