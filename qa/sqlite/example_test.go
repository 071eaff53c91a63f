package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"storybot/qa"
	"storybot/qa/sqlite"
)

// Example shows the moderated Q&A flow as the bot drives it.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "storybot.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	// /qa start
	sess, err := st.StartSession(ctx, qa.NewSession{GuildID: "g", ChannelID: "stage", QueueChannelID: "mods",
		Title: "Chapter 3", StartedBy: "m1", StartedByName: "Mo"})
	if err != nil {
		log.Fatal(err)
	}
	// /qa ask, with the answer engine's draft.
	q, dupOf, err := st.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g", SessionID: sess.ID, AskerID: "u1",
		AskerName: "Ann", Text: "What did Macron give Putin?", Draft: "A vase [1].", DraftFound: true,
		DraftCitations: []qa.Citation{{Ref: "Versailles, ¶3", Text: "Macron handed Putin a vase."}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.Status, dupOf == nil)
	_, dupOf, _ = st.SubmitQuestion(ctx, qa.NewQuestion{GuildID: "g", SessionID: sess.ID, AskerID: "u2",
		AskerName: "Ben", Text: "What gift did Macron give to Putin?"})
	fmt.Println("also asked by", len(dupOf.AlsoAsked))

	// Two moderators click at once: one wins.
	if _, err := st.Decide(ctx, qa.Decision{GuildID: "g", QuestionID: q.ID, Actor: "m1", ActorName: "Mo",
		Action: qa.ActionApprove}); err != nil {
		log.Fatal(err)
	}
	_, err = st.Decide(ctx, qa.Decision{GuildID: "g", QuestionID: q.ID, Actor: "m2", Action: qa.ActionReject})
	var de *qa.DecidedError
	if errors.As(err, &de) {
		fmt.Println("already decided by", de.ByName)
	}
	counts, _ := st.SessionCounts(ctx, "g", sess.ID)
	fmt.Printf("%d submitted, %d answered\n", counts.Submitted, counts.Answered)
	// Output:
	// pending true
	// also asked by 1
	// already decided by Mo
	// 2 submitted, 1 answered
}
