package sqlite

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"storybot/qa"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestRenderTranscript(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := mustStart(t, s, "g1", "stage")
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
	checkGolden(t, "transcript.md", qa.RenderTranscript(ended, qs))
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("RenderTranscript differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}
