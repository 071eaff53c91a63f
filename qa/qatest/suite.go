package qatest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"storybot/qa"
)

func testLifecycle(t *testing.T, s qa.Store) {
	ctx := context.Background()
	sess := Start(t, s, "g1", "stage")

	if _, err := s.StartSession(ctx, qa.NewSession{GuildID: "g1", ChannelID: "stage", StartedBy: "mod2"}); !errors.Is(err, qa.ErrSessionActive) {
		t.Fatalf("second StartSession in the channel = %v, want qa.ErrSessionActive", err)
	}
	// Another channel of the same guild may run its own session.
	other := Start(t, s, "g1", "other-channel")
	if err := s.SetBannerMessage(ctx, "g1", sess.ID, "banner1"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ActiveSession(ctx, "g1", "stage"); err != nil || got.ID != sess.ID || got.BannerMessageID != "banner1" {
		t.Fatalf("ActiveSession = %+v, %v; want session %d with banner1", got, err, sess.ID)
	}
	if all, err := s.ActiveSessions(ctx, "g1"); err != nil || len(all) != 2 || all[1].ID != other.ID {
		t.Fatalf("ActiveSessions = %v, %v; want 2 sessions", all, err)
	}

	found := Submit(t, s, sess, "u1", "Who wrote the letter to the mayor?", true)
	waiting := Submit(t, s, sess, "u2", "What colour was the lighthouse?", false)
	rejected := Submit(t, s, sess, "u3", "Is this bot sentient?", false)
	self := Submit(t, s, sess, "u4", "Why did the ferry stop running in winter?", false)
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
	Start(t, s, "g1", "stage")

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

func testErrors(t *testing.T, s qa.Store) {
	ctx := context.Background()
	sess := Start(t, s, "g1", "c1")
	q := Submit(t, s, sess, "u1", "Who owns the bakery?", false)
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
	q2 := Submit(t, s, sess, "u2", "Where does the baker live?", false)
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

func submitErr(s qa.Store, nq qa.NewQuestion) error {
	_, _, err := s.SubmitQuestion(context.Background(), nq)
	return err
}

func decideErr(s qa.Store, d qa.Decision) error {
	_, err := s.Decide(context.Background(), d)
	return err
}

func voteErr(s qa.Store, guild string, id int64, user string) error {
	_, _, err := s.ToggleVote(context.Background(), guild, id, user)
	return err
}

func endErr(s qa.Store, guild string, id int64) error {
	_, err := s.EndSession(context.Background(), guild, id, "m")
	return err
}

func startErr(s qa.Store, ns qa.NewSession) error {
	_, err := s.StartSession(context.Background(), ns)
	return err
}

func testGuildIsolation(t *testing.T, s qa.Store) {
	ctx := context.Background()
	// Same channel ID in two guilds: both may run a session.
	a := Start(t, s, "guildA", "general")
	b := Start(t, s, "guildB", "general")
	aq := Submit(t, s, a, "u1", "Who lit the lighthouse?", false)
	Submit(t, s, b, "u1", "Who lit the lighthouse?", false)
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

func testDuplicates(t *testing.T, s qa.Store) {
	ctx := context.Background()
	sess := Start(t, s, "g1", "c1")
	canon := Submit(t, s, sess, "alice", "What did Macron give Putin?", true)
	other := Submit(t, s, sess, "zed", "Where did Macron and Putin meet?", false)

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
	waiting := Submit(t, s, sess, "f", "How long did the dinner at Versailles last?", false)
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

func testVotesAndQueueOrder(t *testing.T, s qa.Store) {
	ctx := context.Background()
	sess := Start(t, s, "g1", "c1")
	q1 := Submit(t, s, sess, "u1", "Who built the bridge?", false)
	q2 := Submit(t, s, sess, "u2", "When does the festival start?", false)
	q3 := Submit(t, s, sess, "u3", "Why is the mayor angry?", false)

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

func testFeedback(t *testing.T, s qa.Store) {
	ctx := context.Background()
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
	entries, err := s.Audit(ctx, "g1", 0)
	if err != nil || len(entries) != len(clicks) {
		t.Fatalf("Audit = %d entries, %v; want one a click", len(entries), err)
	}
	if e := entries[0]; e.Action != "feedback.record" || e.ActorID != "d" || e.TargetKind != "message" || e.TargetID != "m1" || e.Detail != "-1" {
		t.Errorf("last audit entry = %+v, want d's -1 on message m1", e)
	}
	for _, f := range []qa.Feedback{
		{GuildID: "g1", MessageID: "m1", UserID: "u", Value: 0},
		{GuildID: "g1", UserID: "u", Value: 1},
		{MessageID: "m1", UserID: "u", Value: -1},
	} {
		if err := s.RecordFeedback(ctx, f); !errors.Is(err, qa.ErrInvalidInput) {
			t.Errorf("RecordFeedback(%+v) = %v, want ErrInvalidInput", f, err)
		}
	}
}

func testTranscript(t *testing.T, s qa.Store) {
	checkTranscript(t, transcript(t, s))
}

// transcript runs a session with every kind of decision, duplicates and
// votes, and renders its transcript.
func transcript(t *testing.T, s qa.Store) []byte {
	ctx := context.Background()
	sess := Start(t, s, "g1", "stage")
	submit := func(asker, name, text, draft string, cits ...qa.Citation) qa.Question {
		t.Helper()
		q, _, err := s.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g1", SessionID: sess.ID, AskerID: asker, AskerName: name,
			Text: text, Draft: draft, DraftFound: len(cits) > 0, DraftCitations: cits})
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	decide := func(q qa.Question, a qa.Action, answer, reason string, cits ...qa.Citation) {
		t.Helper()
		if _, err := s.Decide(ctx, qa.Decision{GuildID: "g1", QuestionID: q.ID, Actor: "mod1", ActorName: "Mod One",
			Action: a, Answer: answer, Reason: reason, Citations: cits}); err != nil {
			t.Fatal(err)
		}
	}
	gift := submit("u1", "Alice", "What did Macron give Putin?",
		"Macron gave Putin **a porcelain vase** [1], chosen from the Sèvres collection [2].",
		qa.Citation{Ref: "Macron and Putin at Versailles, ¶3", Text: "Macron handed Putin a porcelain vase."},
		qa.Citation{Ref: "Macron and Putin at Versailles, ¶4", Text: "The vase came from the Sèvres manufactory."})
	submit("u2", "Bob", "What gift did Macron give to Putin?", "")
	submit("1234", "", "what did macron give putin??", "")
	long := submit("u3", "Carol", "How long did the meeting last?\nAnd who else was there?", "The story does not say.")
	spam := submit("u4", "Dave", "Can you write me a poem?", "")
	edited := submit("u5", "Erin", "Where did they meet?", "They met at **Versailles** [1].",
		qa.Citation{Ref: "Macron and Putin at Versailles, ¶1", Text: "The two presidents met at Versailles."})
	own := submit("u6", "Finn", "Why did Putin come at all?", "The story does not say.")
	submit("u7", "Gus", "Is there a sequel planned?", "")
	for _, u := range []string{"v1", "v2", "v3"} {
		if _, _, err := s.ToggleVote(ctx, "g1", gift.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.ToggleVote(ctx, "g1", long.ID, "v1"); err != nil {
		t.Fatal(err)
	}
	decide(gift, qa.ActionApprove, "", "")
	decide(long, qa.ActionApprove, "", "")
	if _, err := s.NextApproved(ctx, "g1", sess.ID, "mod1"); err != nil {
		t.Fatal(err)
	}
	decide(spam, qa.ActionReject, "", "Off topic: please ask about the story.")
	decide(edited, qa.ActionEditApprove, "They met at the Palace of **Versailles** [1], in the Galerie des Batailles.", "", edited.DraftCitations...)
	decide(own, qa.ActionAnswerSelf, "The story leaves that open; the author said in an interview it was the anniversary.", "")
	ended, err := s.EndSession(ctx, "g1", sess.ID, "mod1")
	if err != nil {
		t.Fatal(err)
	}
	qs, err := s.Transcript(ctx, "g1", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	return qa.RenderTranscript(ended, qs)
}

func testPublicPost(t *testing.T, s qa.Store) {
	ctx := context.Background()
	sess := Start(t, s, "g1", "c1")
	q := Submit(t, s, sess, "u", "Where did they meet?", false)
	if err := s.SetPublicPost(ctx, "g1", q.ID, "c1", "m42"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPublicPost(ctx, "g2", q.ID, "c1", "m43"); !errors.Is(err, qa.ErrNotFound) {
		t.Errorf("SetPublicPost in another guild: %v, want ErrNotFound", err)
	}
	if err := s.SetCard(ctx, "g1", q.ID, "queue", "m44"); err != nil {
		t.Fatal(err)
	}
	got, err := s.QuestionByID(ctx, "g1", q.ID)
	if err != nil || got.PublicChannelID != "c1" || got.PublicMessageID != "m42" || got.CardChannelID != "queue" || got.CardMessageID != "m44" {
		t.Errorf("QuestionByID = %+v, %v; want the public post c1/m42 and the card queue/m44", got, err)
	}
	// The bot records late posts after the session ended too.
	if _, err := s.EndSession(ctx, "g1", sess.ID, "m"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBannerMessage(ctx, "g1", sess.ID, "m45"); err != nil {
		t.Errorf("SetBannerMessage after the end: %v", err)
	}
	if err := s.SetCard(ctx, "g1", q.ID, "queue", "m46"); err != nil {
		t.Errorf("SetCard after the end: %v", err)
	}
	if got, err := s.SessionByID(ctx, "g1", sess.ID); err != nil || got.BannerMessageID != "m45" {
		t.Errorf("SessionByID = %+v, %v; want banner m45", got, err)
	}
}
