package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"storybot/qa"
	"storybot/qa/qatest"

	"storybot/internal/testclock"
)

// openAt opens the store at path with the clock now, or with a
// [testclock.New] when now is nil, and closes it when t ends.
func openAt(t *testing.T, path string, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	if now == nil {
		now = testclock.New()
	}
	s.now = now
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStore runs the conformance suite on a new file each time.
func TestStore(t *testing.T) {
	qatest.Run(t, func(t *testing.T, now func() time.Time) qa.Store {
		return openAt(t, filepath.Join(t.TempDir(), "storybot.db"), now)
	})
}

// TestConcurrentDecisions races decisions through two handles on one file:
// the second stands for a second process, whose writers meet ours in
// SQLite's lock, not in our connection pool.
func TestConcurrentDecisions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "race.db")
	qatest.RaceDecisions(t, openAt(t, path, nil), openAt(t, path, nil))
}

// TestConcurrentVotes checks that the votes column stays equal to the
// votes rows under concurrent clicks.
func TestConcurrentVotes(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "votes.db"), nil)
	q := qatest.RaceVotes(t, s)
	var rows int
	if err := s.r.QueryRow(`SELECT count(*) FROM votes WHERE question_id = ?`, q.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != q.Votes {
		t.Errorf("votes = %d, rows %d; want them equal", q.Votes, rows)
	}
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	s := openAt(t, path, nil)
	if v, err := s.SchemaVersion(ctx); err != nil || v != len(migrations) {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.r.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	if _, err := s.StartSession(ctx, qa.NewSession{GuildID: "g", ChannelID: "c", StartedBy: "m"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	// Reopening must not re-apply anything (re-running 001 would fail on
	// CREATE TABLE) and must keep the data.
	s2 := openAt(t, path, nil)
	if v, err := s2.SchemaVersion(ctx); err != nil || v != len(migrations) {
		t.Fatalf("after reopen SchemaVersion = %d, %v; want %d", v, err, len(migrations))
	}
	if _, err := s2.ActiveSession(ctx, "g", "c"); err != nil {
		t.Fatalf("after reopen ActiveSession: %v", err)
	}
}

func TestMigrateUpgradesVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	s := openAt(t, path, nil)
	// Build a version-1 file by hand: a fresh file migrated with only 001.
	path1 := filepath.Join(t.TempDir(), "only1.db")
	db, err := sql.Open("sqlite", "file:"+path1+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	s1 := &Store{w: db, log: s.log, now: s.now}
	if err := s1.migrate(ctx, migrations[:1]); err != nil {
		t.Fatalf("migrate to 1: %v", err)
	}
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != 1 {
		t.Fatalf("user_version = %d, %v; want 1", v, err)
	}
	if _, err := db.Exec(`INSERT INTO feedback (guild_id) VALUES ('g')`); err == nil {
		t.Fatal("feedback table exists at version 1")
	}
	db.Close()

	s2 := openAt(t, path1, nil)
	if v, err := s2.SchemaVersion(ctx); err != nil || v != len(migrations) {
		t.Fatalf("upgraded SchemaVersion = %d, %v; want %d", v, err, len(migrations))
	}
	if err := s2.RecordFeedback(ctx, qa.Feedback{GuildID: "g", MessageID: "m", UserID: "u", Value: 1}); err != nil {
		t.Fatalf("RecordFeedback after upgrade: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "future.db")
	s := openAt(t, path, nil)
	if _, err := s.w.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path, nil); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open(version 99) = %v, want ErrSchemaTooNew", err)
	}
}

func TestLoadMigrations(t *testing.T) {
	if len(migrations) < 2 {
		t.Fatalf("len(migrations) = %d, want >= 2", len(migrations))
	}
	for i, m := range migrations {
		if m.Version != i+1 {
			t.Errorf("migrations[%d].version = %d, want %d", i, m.Version, i+1)
		}
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "restart.db")
	s := openAt(t, path, nil)
	sess := qatest.Start(t, s, "g1", "chan")
	q := qatest.Submit(t, s, sess, "u1", "Who wrote the letter to the mayor?", true)
	if _, _, err := s.ToggleVote(ctx, "g1", q.ID, "u2"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCard(ctx, "g1", q.ID, "queue", "card1"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordFeedback(ctx, qa.Feedback{GuildID: "g1", ChannelID: "chan", MessageID: "m1", UserID: "u3", Value: -1}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Transcript(ctx, "g1", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openAt(t, path, nil)
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
	// The vote is still there: toggling removes it.
	if n, voted, err := s.ToggleVote(ctx, "g1", q.ID, "u2"); err != nil || n != 0 || voted {
		t.Errorf("ToggleVote after restart = %d, %v, %v; want 0, false, nil", n, voted, err)
	}
	if up, down, err := s.FeedbackCounts(ctx, "g1", "m1"); err != nil || up != 0 || down != 1 {
		t.Errorf("FeedbackCounts after restart = %d, %d, %v; want 0, 1", up, down, err)
	}
}

func TestOpenRefusesNonFilePaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "a.db?mode=ro", "a#b.db"} {
		if _, err := Open(context.Background(), p, nil); !errors.Is(err, qa.ErrInvalidInput) {
			t.Errorf("Open(%q) = %v, want qa.ErrInvalidInput", p, err)
		}
	}
}

func TestPublicPost(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qa.db")
	s, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := s.StartSession(ctx, qa.NewSession{GuildID: "g1", ChannelID: "c1", QueueChannelID: "mods", StartedBy: "m"})
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := s.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "u", AskerName: "U", Text: "Where did they meet?"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPublicPost(ctx, "g1", q.ID, "c1", "m42"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPublicPost(ctx, "g2", q.ID, "c1", "m43"); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("SetPublicPost in another guild: %v, want qa.ErrNotFound", err)
	}
	s.Close()
	s, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.QuestionByID(ctx, "g1", q.ID)
	if err != nil || got.PublicChannelID != "c1" || got.PublicMessageID != "m42" {
		t.Errorf("after reopen: %+v, %v; want the public post c1/m42", got, err)
	}
}
