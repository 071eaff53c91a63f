package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"storybot/qa"
)

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := mustStart(t, s, "g1", "stage")

	if _, err := s.StartSession(ctx, qa.NewSession{GuildID: "g1", ChannelID: "stage", StartedBy: "mod2"}); !errors.Is(err, qa.ErrSessionActive) {
		t.Fatalf("second StartSession in the channel = %v, want qa.ErrSessionActive", err)
	}
	// Another channel of the same guild may run its own session.
	other := mustStart(t, s, "g1", "other-channel")
	if err := s.SetBannerMessage(ctx, "g1", sess.ID, "banner1"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ActiveSession(ctx, "g1", "stage"); err != nil || got.ID != sess.ID || got.BannerMessageID != "banner1" {
		t.Fatalf("ActiveSession = %+v, %v; want session %d with banner1", got, err, sess.ID)
	}
	if all, err := s.ActiveSessions(ctx, "g1"); err != nil || len(all) != 2 || all[1].ID != other.ID {
		t.Fatalf("ActiveSessions = %v, %v; want 2 sessions", all, err)
	}

	found := mustSubmit(t, s, sess, "u1", "Who wrote the letter to the mayor?", true)
	waiting := mustSubmit(t, s, sess, "u2", "What colour was the lighthouse?", false)
	rejected := mustSubmit(t, s, sess, "u3", "Is this bot sentient?", false)
	self := mustSubmit(t, s, sess, "u4", "Why did the ferry stop running in winter?", false)
	if found.Status != qa.StatusPending || found.GroupID != 0 || !found.DraftFound || len(found.DraftCitations) != 1 {
		t.Fatalf("submitted question = %+v", found)
	}

	decide := func(id int64, a qa.Action, answer, reason string) qa.Question {
		t.Helper()
		q, err := s.Decide(ctx, qa.Decision{GuildID: "g1", QuestionID: id, Actor: "mod1", ActorName: "Mod One",
			Action: a, Answer: answer, Reason: reason})
		if err != nil {
			t.Fatalf("Decide(%d, %s): %v", id, a, err)
		}
		return q
	}
	q := decide(found.ID, qa.ActionApprove, "", "")
	if q.Status != qa.StatusAnswered || q.AnsweredBy != qa.AnswerDraft || q.Answer != found.Draft || len(q.AnswerCitations) != 1 {
		t.Errorf("Approve with draft = %+v; want answered with the draft", q)
	}
	q = decide(waiting.ID, qa.ActionApprove, "", "")
	if q.Status != qa.StatusApproved || q.Answer != "" || q.DecidedBy != "mod1" {
		t.Errorf("Approve without draft = %+v; want approved, no answer", q)
	}
	q = decide(rejected.ID, qa.ActionReject, "", "  Off topic.  ")
	if q.Status != qa.StatusRejected || q.Reason != "Off topic." {
		t.Errorf("Reject = %+v; want rejected with reason", q)
	}
	q = decide(self.ID, qa.ActionAnswerSelf, "The ice closes the harbour.", "")
	if q.Status != qa.StatusAnswered || q.AnsweredBy != qa.AnswerModerator {
		t.Errorf("AnswerSelf = %+v", q)
	}

	// The approved question waits for /qa next.
	next, err := s.NextApproved(ctx, "g1", sess.ID, "mod1")
	if err != nil || next.ID != waiting.ID || next.PostedAt.IsZero() || next.Status != qa.StatusApproved {
		t.Fatalf("NextApproved = %+v, %v; want question %d posted", next, err, waiting.ID)
	}
	if _, err := s.NextApproved(ctx, "g1", sess.ID, "mod1"); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("second NextApproved = %v, want qa.ErrNotFound", err)
	}
	// …and can still be answered.
	q = decide(waiting.ID, qa.ActionEditApprove, "It was red and white.", "")
	if q.Status != qa.StatusAnswered || q.AnsweredBy != qa.AnswerEdited {
		t.Errorf("EditApprove on approved = %+v", q)
	}

	c, err := s.SessionCounts(ctx, "g1", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (qa.Counts{Submitted: 4, Answered: 3, Rejected: 1}); c != want {
		t.Errorf("SessionCounts = %+v, want %+v", c, want)
	}

	ended, err := s.EndSession(ctx, "g1", sess.ID, "mod1")
	if err != nil || ended.Open() || ended.EndedBy != "mod1" {
		t.Fatalf("EndSession = %+v, %v", ended, err)
	}
	if _, err := s.EndSession(ctx, "g1", sess.ID, "mod1"); !errors.Is(err, qa.ErrSessionEnded) {
		t.Errorf("second EndSession = %v, want qa.ErrSessionEnded", err)
	}
	if _, err := s.ActiveSession(ctx, "g1", "stage"); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("ActiveSession after end = %v, want qa.ErrNotFound", err)
	}
	// The channel is free again.
	mustStart(t, s, "g1", "stage")

	tr, err := s.Transcript(ctx, "g1", sess.ID)
	if err != nil || len(tr) != 4 || tr[0].ID != found.ID || tr[3].ID != self.ID {
		t.Fatalf("Transcript = %d questions, %v", len(tr), err)
	}

	entries, err := s.Audit(ctx, "g1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i := len(entries) - 1; i >= 0; i-- {
		actions = append(actions, entries[i].Action)
	}
	want := "session.start session.start session.banner question.submit question.submit question.submit question.submit " +
		"question.approve question.approve question.reject question.answer_self question.post question.edit_approve session.end session.start"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit actions =\n%s\nwant\n%s", got, want)
	}
	if e := entries[len(entries)-1-9]; e.ActorID != "mod1" || e.TargetKind != "question" || e.TargetID != fmt.Sprint(rejected.ID) || e.Detail != "rejected: Off topic." {
		t.Errorf("reject audit entry = %+v", e)
	}
	if last, err := s.Audit(ctx, "g1", 2); err != nil || len(last) != 2 || last[0].Action != "session.start" {
		t.Errorf("Audit(limit 2) = %+v, %v", last, err)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := mustStart(t, s, "g1", "c1")
	q := mustSubmit(t, s, sess, "u1", "Who owns the bakery?", false)
	long := strings.Repeat("é", qa.MaxQuestionLen+1)

	tests := []struct {
		name string
		err  error
		want error
	}{
		{"empty question", submitErr(s, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "u", Text: "  \n "}), qa.ErrInvalidInput},
		{"long question", submitErr(s, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "u", Text: long}), qa.ErrInvalidInput},
		{"unknown session", submitErr(s, qa.NewQuestion{GuildID: "g1", SessionID: 999, AskerID: "u", Text: "Why?"}), qa.ErrNotFound},
		{"other guild's session", submitErr(s, qa.NewQuestion{GuildID: "g2", SessionID: sess.ID, AskerID: "u", Text: "Why?"}), qa.ErrNotFound},
		{"unknown question", decideErr(s, qa.Decision{GuildID: "g1", QuestionID: 999, Actor: "m", Action: qa.ActionApprove}), qa.ErrNotFound},
		{"other guild's question", decideErr(s, qa.Decision{GuildID: "g2", QuestionID: q.ID, Actor: "m", Action: qa.ActionReject}), qa.ErrNotFound},
		{"unknown action", decideErr(s, qa.Decision{GuildID: "g1", QuestionID: q.ID, Actor: "m", Action: "shrug"}), qa.ErrInvalidInput},
		{"empty own answer", decideErr(s, qa.Decision{GuildID: "g1", QuestionID: q.ID, Actor: "m", Action: qa.ActionAnswerSelf}), qa.ErrInvalidInput},
		{"long answer", decideErr(s, qa.Decision{GuildID: "g1", QuestionID: q.ID, Actor: "m", Action: qa.ActionAnswerSelf,
			Answer: strings.Repeat("a", qa.MaxAnswerLen+1)}), qa.ErrInvalidInput},
		{"vote other guild", voteErr(s, "g2", q.ID, "u9"), qa.ErrNotFound},
		{"vote unknown question", voteErr(s, "g1", 999, "u9"), qa.ErrNotFound},
		{"card other guild", s.SetCard(ctx, "g2", q.ID, "c", "m"), qa.ErrNotFound},
		{"banner other guild", s.SetBannerMessage(ctx, "g2", sess.ID, "m"), qa.ErrNotFound},
		{"end other guild", endErr(s, "g2", sess.ID), qa.ErrNotFound},
		{"feedback value", s.RecordFeedback(ctx, qa.Feedback{GuildID: "g1", MessageID: "m", UserID: "u", Value: 2}), qa.ErrInvalidInput},
		{"no guild", startErr(s, qa.NewSession{ChannelID: "c", StartedBy: "m"}), qa.ErrInvalidInput},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	if err := submitErr(s, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "u", Text: strings.Repeat("é", qa.MaxQuestionLen)}); err != nil {
		t.Errorf("question of exactly qa.MaxQuestionLen characters: %v", err)
	}

	// Decided and ended.
	if _, err := s.Decide(ctx, qa.Decision{GuildID: "g1", QuestionID: q.ID, Actor: "m", Action: qa.ActionReject}); err != nil {
		t.Fatal(err)
	}
	if err := voteErr(s, "g1", q.ID, "u9"); !errors.Is(err, qa.ErrVotingClosed) {
		t.Errorf("vote on rejected = %v, want qa.ErrVotingClosed", err)
	}
	q2 := mustSubmit(t, s, sess, "u2", "Where does the baker live?", false)
	if _, err := s.EndSession(ctx, "g1", sess.ID, "m"); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"submit":  submitErr(s, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "u", Text: "Why?"}),
		"decide":  decideErr(s, qa.Decision{GuildID: "g1", QuestionID: q2.ID, Actor: "m", Action: qa.ActionApprove}),
		"vote":    voteErr(s, "g1", q2.ID, "u9"),
		"next":    func() error { _, err := s.NextApproved(ctx, "g1", sess.ID, "m"); return err }(),
		"end":     endErr(s, "g1", sess.ID),
		"unknown": endErr(s, "g1", 999),
	} {
		want := qa.ErrSessionEnded
		if name == "unknown" {
			want = qa.ErrNotFound
		}
		if !errors.Is(err, want) {
			t.Errorf("%s after end: err = %v, want %v", name, err, want)
		}
	}
}

func submitErr(s *Store, nq qa.NewQuestion) error {
	_, _, err := s.SubmitQuestion(context.Background(), nq)
	return err
}

func decideErr(s *Store, d qa.Decision) error {
	_, err := s.Decide(context.Background(), d)
	return err
}

func voteErr(s *Store, guild string, id int64, user string) error {
	_, _, err := s.ToggleVote(context.Background(), guild, id, user)
	return err
}

func endErr(s *Store, guild string, id int64) error {
	_, err := s.EndSession(context.Background(), guild, id, "m")
	return err
}

func startErr(s *Store, ns qa.NewSession) error {
	_, err := s.StartSession(context.Background(), ns)
	return err
}

func TestGuildIsolation(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	// Same channel ID in two guilds: both may run a session.
	a := mustStart(t, s, "guildA", "general")
	b := mustStart(t, s, "guildB", "general")
	aq := mustSubmit(t, s, a, "u1", "Who lit the lighthouse?", false)
	mustSubmit(t, s, b, "u1", "Who lit the lighthouse?", false)
	if _, _, err := s.ToggleVote(ctx, "guildA", aq.ID, "u5"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordFeedback(ctx, qa.Feedback{GuildID: "guildA", MessageID: "m1", UserID: "u1", Value: 1}); err != nil {
		t.Fatal(err)
	}

	if got, err := s.ActiveSession(ctx, "guildB", "general"); err != nil || got.ID != b.ID {
		t.Errorf("ActiveSession(guildB) = %d, %v; want %d", got.ID, err, b.ID)
	}
	if _, err := s.SessionByID(ctx, "guildB", a.ID); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("SessionByID(guildB, A's session) = %v, want qa.ErrNotFound", err)
	}
	if _, err := s.QuestionByID(ctx, "guildB", aq.ID); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("QuestionByID(guildB, A's question) = %v, want qa.ErrNotFound", err)
	}
	if qs, err := s.Queue(ctx, "guildB", a.ID, "", 0); err != nil || len(qs) != 0 {
		t.Errorf("Queue(guildB, A's session) = %d questions, %v; want none", len(qs), err)
	}
	if _, err := s.Transcript(ctx, "guildB", a.ID); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("Transcript(guildB, A's session) = %v, want qa.ErrNotFound", err)
	}
	if _, err := s.SessionCounts(ctx, "guildB", a.ID); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("SessionCounts(guildB, A's session) = %v, want qa.ErrNotFound", err)
	}
	if up, down, err := s.FeedbackCounts(ctx, "guildB", "m1"); err != nil || up+down != 0 {
		t.Errorf("FeedbackCounts(guildB, A's message) = %d, %d, %v; want 0, 0", up, down, err)
	}
	if _, err := s.NextApproved(ctx, "guildB", a.ID, "m"); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("NextApproved(guildB, A's session) = %v, want qa.ErrNotFound", err)
	}
	// The identical question in guild B is not a duplicate of A's.
	if qs, err := s.Transcript(ctx, "guildB", b.ID); err != nil || len(qs) != 1 || qs[0].GroupID != 0 || qs[0].Votes != 0 {
		t.Errorf("Transcript(guildB) = %+v, %v; want one ungrouped question without votes", qs, err)
	}
	for _, g := range []string{"guildA", "guildB"} {
		entries, err := s.Audit(ctx, g, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.GuildID != g {
				t.Errorf("Audit(%s) returned %+v", g, e)
			}
		}
	}
}

func TestDuplicates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := mustStart(t, s, "g1", "c1")
	canon := mustSubmit(t, s, sess, "alice", "What did Macron give Putin?", true)
	other := mustSubmit(t, s, sess, "zed", "Where did Macron and Putin meet?", false)

	dup, of, err := s.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "bob", AskerName: "Bob",
		Text: "What gift did Macron give to Putin?"})
	if err != nil {
		t.Fatal(err)
	}
	if of == nil || of.ID != canon.ID || dup.GroupID != canon.ID || !dup.Duplicate() {
		t.Fatalf("SubmitQuestion(near-duplicate) = %+v, dup of %+v; want grouped under %d", dup, of, canon.ID)
	}
	if len(of.AlsoAsked) != 1 || of.AlsoAsked[0].Name != "Bob" || of.AlsoAsked[0].QuestionID != dup.ID {
		t.Errorf("canonical AlsoAsked = %+v, want Bob", of.AlsoAsked)
	}
	if _, of, err := s.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "carol", AskerName: "Carol",
		Text: "what did macron give putin??"}); err != nil || of == nil || len(of.AlsoAsked) != 2 {
		t.Fatalf("second duplicate: of = %+v, %v; want AlsoAsked of 2", of, err)
	}
	if _, of, err := s.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "dan",
		Text: "Why did Putin come to Versailles?"}); err != nil || of != nil {
		t.Fatalf("distinct question grouped under %+v, %v", of, err)
	}

	// Votes on a duplicate count for the canonical question.
	if n, voted, err := s.ToggleVote(ctx, "g1", dup.ID, "u7"); err != nil || n != 1 || !voted {
		t.Fatalf("ToggleVote(duplicate) = %d, %v, %v; want 1, true", n, voted, err)
	}
	queue, err := s.Queue(ctx, "g1", sess.ID, qa.StatusPending, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 3 || queue[0].ID != canon.ID || queue[0].Votes != 1 || len(queue[0].AlsoAsked) != 2 || queue[1].ID != other.ID {
		t.Errorf("Queue = %v; want canonical first with 1 vote and 2 also-asked, then %d", ids(queue), other.ID)
	}
	c, err := s.SessionCounts(ctx, "g1", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (qa.Counts{Submitted: 5, Pending: 3, Duplicates: 2, Groups: 1, Votes: 1}); c != want {
		t.Errorf("SessionCounts = %+v, want %+v", c, want)
	}

	// Deciding through a duplicate's ID decides the group.
	q, err := s.Decide(ctx, qa.Decision{GuildID: "g1", QuestionID: dup.ID, Actor: "mod", ActorName: "Mod", Action: qa.ActionApprove})
	if err != nil {
		t.Fatal(err)
	}
	if q.ID != canon.ID || q.Status != qa.StatusAnswered {
		t.Fatalf("Decide(duplicate) = question %d %s; want %d answered", q.ID, q.Status, canon.ID)
	}
	tr, err := s.Transcript(ctx, "g1", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range tr {
		if q.GroupID == canon.ID && (q.Status != qa.StatusAnswered || q.Answer != canon.Draft || q.DecidedBy != "mod") {
			t.Errorf("duplicate %d = %s, answer %q, by %q; want answered like its canonical", q.ID, q.Status, q.Answer, q.DecidedBy)
		}
	}
	// A question like an answered one starts a new group.
	if _, of, err := s.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "erin",
		Text: "What did Macron give to Putin?"}); err != nil || of != nil {
		t.Errorf("question like an answered one grouped under %+v, %v", of, err)
	}
	// Deciding the group again loses.
	var de *qa.DecidedError
	if _, err := s.Decide(ctx, qa.Decision{GuildID: "g1", QuestionID: dup.ID, Actor: "mod2", Action: qa.ActionReject}); !errors.As(err, &de) || de.By != "mod" {
		t.Errorf("second decision = %v, want qa.DecidedError by mod", err)
	}

	// A duplicate of an approved question is approved too and posted with it.
	waiting := mustSubmit(t, s, sess, "f", "How long did the dinner at Versailles last?", false)
	if _, err := s.Decide(ctx, qa.Decision{GuildID: "g1", QuestionID: waiting.ID, Actor: "mod", Action: qa.ActionApprove}); err != nil {
		t.Fatal(err)
	}
	d2, of, err := s.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: "g",
		Text: "How long did the Versailles dinner last?"})
	if err != nil || of == nil || of.ID != waiting.ID || d2.Status != qa.StatusApproved || d2.DecidedBy != "mod" {
		t.Fatalf("duplicate of approved = %+v of %+v, %v", d2, of, err)
	}
	if _, err := s.NextApproved(ctx, "g1", sess.ID, "mod"); err != nil {
		t.Fatal(err)
	}
	if d2, err = s.QuestionByID(ctx, "g1", d2.ID); err != nil || d2.PostedAt.IsZero() {
		t.Errorf("duplicate of posted question: PostedAt = %v, %v", d2.PostedAt, err)
	}
}

func ids(qs []qa.Question) []int64 {
	var out []int64
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

func TestVotesAndQueueOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := mustStart(t, s, "g1", "c1")
	q1 := mustSubmit(t, s, sess, "u1", "Who built the bridge?", false)
	q2 := mustSubmit(t, s, sess, "u2", "When does the festival start?", false)
	q3 := mustSubmit(t, s, sess, "u3", "Why is the mayor angry?", false)

	steps := []struct {
		q         qa.Question
		user      string
		wantVotes int
		wantVoted bool
	}{
		{q2, "a", 1, true},
		{q2, "b", 2, true},
		{q3, "a", 1, true},
		{q2, "a", 1, false}, // toggle off
		{q2, "a", 2, true},  // and on again
		{q1, "c", 1, true},
		{q1, "c", 0, false},
	}
	for _, st := range steps {
		n, voted, err := s.ToggleVote(ctx, "g1", st.q.ID, st.user)
		if err != nil || n != st.wantVotes || voted != st.wantVoted {
			t.Errorf("ToggleVote(%d, %s) = %d, %v, %v; want %d, %v", st.q.ID, st.user, n, voted, err, st.wantVotes, st.wantVoted)
		}
	}
	queue, err := s.Queue(ctx, "g1", sess.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(ids(queue)), fmt.Sprint([]int64{q2.ID, q3.ID, q1.ID}); got != want {
		t.Errorf("Queue = %s, want %s (votes desc, then oldest)", got, want)
	}
	if queue, err := s.Queue(ctx, "g1", sess.ID, qa.StatusPending, 2); err != nil || len(queue) != 2 {
		t.Errorf("Queue(limit 2) = %d questions, %v", len(queue), err)
	}
	// /qa next takes the top-voted approved question.
	for _, q := range []qa.Question{q1, q3} {
		if _, err := s.Decide(ctx, qa.Decision{GuildID: "g1", QuestionID: q.ID, Actor: "m", Action: qa.ActionApprove}); err != nil {
			t.Fatal(err)
		}
	}
	if approved, err := s.Queue(ctx, "g1", sess.ID, qa.StatusApproved, 0); err != nil || fmt.Sprint(ids(approved)) != fmt.Sprint([]int64{q3.ID, q1.ID}) {
		t.Errorf("Queue(approved) = %v, %v; want [%d %d]", ids(approved), err, q3.ID, q1.ID)
	}
	if next, err := s.NextApproved(ctx, "g1", sess.ID, "m"); err != nil || next.ID != q3.ID {
		t.Errorf("NextApproved = %d, %v; want %d", next.ID, err, q3.ID)
	}
}

func TestConcurrentDecisions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "race.db")
	s := openAt(t, path)
	// A second Store on the same file stands for a second process: its
	// writers meet ours in SQLite's lock, not in our connection pool.
	stores := []*Store{s, openAt(t, path)}
	sess := mustStart(t, s, "g1", "c1")
	const rounds, racers = 5, 8
	for r := 0; r < rounds; r++ {
		q := mustSubmit(t, s, sess, "u1", fmt.Sprintf("Question number %d about chapter %d?", r, r*7), r%2 == 0)
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

func TestConcurrentVotes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := mustStart(t, s, "g1", "c1")
	q := mustSubmit(t, s, sess, "u1", "Who rang the bell at midnight?", false)
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
	var rows int
	if err := s.r.QueryRow(`SELECT count(*) FROM votes WHERE question_id = ?`, q.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if got.Votes != users-10 || rows != users-10 {
		t.Errorf("votes = %d (rows %d), want %d", got.Votes, rows, users-10)
	}
}

func TestFeedback(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	clicks := []struct {
		user  string
		value int
	}{
		{"a", 1}, {"b", 1}, {"c", -1}, {"b", -1}, {"a", 1}, {"d", -1},
	}
	for _, c := range clicks {
		if err := s.RecordFeedback(ctx, qa.Feedback{GuildID: "g1", ChannelID: "c1", MessageID: "m1", UserID: c.user,
			Question: "Who?", Answer: "Her.", Value: c.value}); err != nil {
			t.Fatalf("RecordFeedback(%s, %+d): %v", c.user, c.value, err)
		}
	}
	if up, down, err := s.FeedbackCounts(ctx, "g1", "m1"); err != nil || up != 1 || down != 3 {
		t.Errorf("FeedbackCounts = %d, %d, %v; want 1, 3", up, down, err)
	}
	if up, down, err := s.FeedbackCounts(ctx, "g1", "other"); err != nil || up != 0 || down != 0 {
		t.Errorf("FeedbackCounts(unknown) = %d, %d, %v; want 0, 0", up, down, err)
	}
}
