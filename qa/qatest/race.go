package qatest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"storybot/qa"
)

// RaceDecisions has moderators decide questions at once, through stores in
// turn, which must all be handles on the same data (one is enough): each
// time exactly one decision wins, and each loser gets a [*qa.DecidedError]
// naming the winner.
func RaceDecisions(t *testing.T, stores ...qa.Store) {
	t.Helper()
	ctx := context.Background()
	s := stores[0]
	sess := Start(t, s, "g1", "c1")
	const rounds, racers = 5, 8
	for r := 0; r < rounds; r++ {
		q := Submit(t, s, sess, "u1", fmt.Sprintf("Question number %d about chapter %d?", r, r*7), r%2 == 0)
		var wg sync.WaitGroup
		errs := make([]error, racers)
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := qa.Decision{GuildID: "g1", QuestionID: q.ID, Actor: fmt.Sprintf("mod%d", i), ActorName: fmt.Sprintf("Mod %d", i), Action: qa.ActionApprove}
				if i%2 == 1 {
					d.Action, d.Reason = qa.ActionReject, "dup"
				}
				_, errs[i] = stores[i%len(stores)].Decide(ctx, d)
			}()
		}
		wg.Wait()
		final, err := s.QuestionByID(ctx, "g1", q.ID)
		if err != nil {
			t.Fatal(err)
		}
		winners := 0
		for i, err := range errs {
			if err == nil {
				winners++
				if final.DecidedBy != fmt.Sprintf("mod%d", i) {
					t.Errorf("round %d: winner mod%d but question decided by %s", r, i, final.DecidedBy)
				}
				continue
			}
			var de *qa.DecidedError
			if !errors.As(err, &de) || !errors.Is(err, qa.ErrAlreadyDecided) {
				t.Errorf("round %d: loser mod%d got %v, want qa.DecidedError", r, i, err)
				continue
			}
			if de.By != final.DecidedBy || de.ByName != final.DecidedByName || de.Action != final.Action || !de.At.Equal(final.DecidedAt) {
				t.Errorf("round %d: qa.DecidedError = %+v, want winner %s %s at %v", r, de, final.DecidedBy, final.Action, final.DecidedAt)
			}
		}
		if winners != 1 {
			t.Errorf("round %d: %d decisions won, want exactly 1", r, winners)
		}
	}
}

// RaceVotes has 30 users click Upvote at once on a new question, 10 of
// them twice, and checks that the count is 20; it returns the question.
func RaceVotes(t *testing.T, s qa.Store) qa.Question {
	t.Helper()
	ctx := context.Background()
	sess := Start(t, s, "g1", "c1")
	q := Submit(t, s, sess, "u1", "Who rang the bell at midnight?", false)
	const users = 30
	// Users 0..9 click twice (vote then unvote); the others once.
	var wg sync.WaitGroup
	errc := make(chan error, users*2)
	for u := range users {
		clicks := 1
		if u < 10 {
			clicks = 2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range clicks {
				if _, _, err := s.ToggleVote(ctx, "g1", q.ID, fmt.Sprintf("user%d", u)); err != nil {
					errc <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Errorf("ToggleVote: %v", err)
	}
	got, err := s.QuestionByID(ctx, "g1", q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Votes != users-10 {
		t.Errorf("votes = %d, want %d", got.Votes, users-10)
	}
	return got
}
