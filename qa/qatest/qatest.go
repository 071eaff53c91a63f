// Package qatest is the conformance suite of [qa.Store]: every storage
// adapter runs [Run] in its tests, so that the Discord side of moderated
// Q&A can rely on the same behaviour from all of them (sessions, questions,
// votes, decisions of which exactly one wins, duplicates, the audit trail,
// feedback, where the bot's messages are, and the sentinel errors).
//
// An adapter's test is one line:
//
//	func TestStore(t *testing.T) {
//		qatest.Run(t, func(t *testing.T, now func() time.Time) qa.Store {
//			return open(t, now) // a new, empty store that tells time by now
//		})
//	}
//
// The helpers [Start], [Submit], [RaceDecisions] and [RaceVotes] let an
// adapter add checks of its own, such as two handles on one database.
package qatest

import (
	"context"
	"testing"
	"time"

	"storybot/internal/testclock"
	"storybot/qa"
)

// NewStore returns a new, empty store, closed when t ends, that reads the
// time from now, once for every change it records (as its audit entry
// does): the suite's golden transcript depends on it.
type NewStore func(t *testing.T, now func() time.Time) qa.Store

// Run runs the suite against stores made by newStore, each subtest on a
// new one.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		test func(*testing.T, qa.Store)
	}{
		{"Lifecycle", testLifecycle},
		{"Errors", testErrors},
		{"GuildIsolation", testGuildIsolation},
		{"Duplicates", testDuplicates},
		{"VotesAndQueueOrder", testVotesAndQueueOrder},
		{"ConcurrentDecisions", func(t *testing.T, s qa.Store) { RaceDecisions(t, s) }},
		{"ConcurrentVotes", func(t *testing.T, s qa.Store) { RaceVotes(t, s) }},
		{"PublicPost", testPublicPost},
		{"Feedback", testFeedback},
		{"Transcript", testTranscript},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.test(t, newStore(t, testclock.New()))
		})
	}
}

// Start starts a session titled "Ask about chapter 3" by mod1 in channel
// of guild, with its cards in channel "queue".
func Start(t testing.TB, s qa.Sessions, guild, channel string) qa.Session {
	t.Helper()
	sess, err := s.StartSession(context.Background(), qa.NewSession{
		GuildID: guild, ChannelID: channel, QueueChannelID: "queue", Title: "Ask about chapter 3",
		StartedBy: "mod1", StartedByName: "Mod One",
	})
	if err != nil {
		t.Fatalf("StartSession(%s, %s): %v", guild, channel, err)
	}
	return sess
}

// Submit submits text to sess as asker; with found, its draft answers it
// with one citation.
func Submit(t testing.TB, s qa.Questions, sess qa.Session, asker, text string, found bool) qa.Question {
	t.Helper()
	nq := qa.NewQuestion{GuildID: sess.GuildID, SessionID: sess.ID, AskerID: asker, AskerName: "name-" + asker, Text: text}
	if found {
		nq.DraftFound = true
		nq.Draft = "The answer to “" + text + "” [1]."
		nq.DraftCitations = []qa.Citation{{Ref: "Chapter 1, ¶2", Text: "Some cited sentence."}}
	} else {
		nq.Draft = "The story does not say."
	}
	q, _, err := s.SubmitQuestion(context.Background(), nq)
	if err != nil {
		t.Fatalf("SubmitQuestion(%q): %v", text, err)
	}
	return q
}
