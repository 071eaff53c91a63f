package qa

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// RenderTranscript renders a session and its questions (as returned by
// [Questions.Transcript]) as a Markdown transcript: the title and times, then each
// distinct question in submission order with its asker, votes, decision and
// decider, its answer with numbered citations ([1] Ref — "text"), a
// rejection's reason, and who else asked it. Duplicates appear under their
// canonical question, not on their own. Times are shown in UTC.
func RenderTranscript(sess Session, qs []Question) []byte {
	var b bytes.Buffer
	title := sess.Title
	if title == "" {
		title = "Q&A session"
	}
	fmt.Fprintf(&b, "# %s\n\n", oneLine(title))
	fmt.Fprintf(&b, "Started %s by %s", stamp(sess.StartedAt), name(sess.StartedByName, sess.StartedBy))
	if !sess.EndedAt.IsZero() {
		fmt.Fprintf(&b, ", ended %s", stamp(sess.EndedAt))
	} else {
		b.WriteString(", still open")
	}
	b.WriteString(".\n\n")

	present := map[int64]bool{}
	var canon []Question
	counts := map[Status]int{}
	dups := 0
	for _, q := range qs {
		present[q.ID] = true
	}
	for _, q := range qs {
		if q.GroupID != 0 && present[q.GroupID] {
			dups++
			continue
		}
		canon = append(canon, q)
		counts[q.Status]++
	}
	if len(canon) == 0 {
		b.WriteString("No questions were asked.\n")
		return b.Bytes()
	}
	fmt.Fprintf(&b, "%s", plural(len(canon), "question"))
	if dups > 0 {
		fmt.Fprintf(&b, " (and %s)", plural(dups, "duplicate"))
	}
	fmt.Fprintf(&b, ": %d answered, %d approved, %d rejected, %d pending.\n",
		counts[StatusAnswered], counts[StatusApproved], counts[StatusRejected], counts[StatusPending])

	for i, q := range canon {
		fmt.Fprintf(&b, "\n## Question %d\n\n", i+1)
		fmt.Fprintf(&b, "Asked by **%s** at %s", oneLine(name(q.AskerName, q.AskerID)), stamp(q.CreatedAt))
		if q.Votes > 0 {
			fmt.Fprintf(&b, " · %s", plural(q.Votes, "vote"))
		}
		b.WriteString("\n\n")
		quote(&b, q.Text)
		b.WriteString("\n")
		decider := oneLine(name(q.DecidedByName, q.DecidedBy))
		switch q.Status {
		case StatusPending:
			b.WriteString("**Pending**, not decided.\n")
		case StatusApproved:
			fmt.Fprintf(&b, "**Approved** by %s at %s, waiting for an answer", decider, stamp(q.DecidedAt))
			if !q.PostedAt.IsZero() {
				fmt.Fprintf(&b, "; posted for a live answer at %s", stamp(q.PostedAt))
			}
			b.WriteString(".\n")
		case StatusRejected:
			fmt.Fprintf(&b, "**Rejected** by %s at %s.", decider, stamp(q.DecidedAt))
			if q.Reason != "" {
				fmt.Fprintf(&b, " Reason: %s", oneLine(q.Reason))
			}
			b.WriteString("\n")
		case StatusAnswered:
			how := "by"
			switch q.AnsweredBy {
			case AnswerDraft:
				how = "with the bot's answer, approved by"
			case AnswerEdited:
				how = "with the bot's answer, edited by"
			}
			fmt.Fprintf(&b, "**Answered** %s %s at %s.\n\n", how, decider, stamp(q.DecidedAt))
			b.WriteString(strings.TrimSpace(q.Answer))
			b.WriteString("\n")
			if len(q.AnswerCitations) > 0 {
				b.WriteString("\n")
				for n, c := range q.AnswerCitations {
					fmt.Fprintf(&b, "- [%d] %s — \"%s\"\n", n+1, oneLine(c.Ref), oneLine(c.Text))
				}
			}
		}
		if len(q.AlsoAsked) > 0 {
			fmt.Fprintf(&b, "\nAlso asked by %d:\n\n", len(q.AlsoAsked))
			for _, a := range q.AlsoAsked {
				fmt.Fprintf(&b, "- **%s**: \"%s\"\n", oneLine(name(a.Name, a.ID)), oneLine(a.Text))
			}
		}
	}
	return b.Bytes()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "an unknown time"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func name(display, id string) string {
	if display != "" {
		return display
	}
	if id == "" {
		return "someone"
	}
	return "user " + id
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// oneLine folds line breaks so user text cannot start Markdown blocks.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// quote writes text as a Markdown block quote, line by line.
func quote(b *bytes.Buffer, text string) {
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		b.WriteString("> ")
		b.WriteString(strings.TrimRight(line, " \t\r"))
		b.WriteString("\n")
	}
}
