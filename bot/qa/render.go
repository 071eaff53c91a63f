package qa

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/bot"
	"storybot/qa"
)

const (
	colorPending  = 0xf0b232
	colorApproved = 0x4169e1
	colorAnswered = 0x2e8b57
	colorRejected = 0xb22222
	colorEnded    = 0x808080
)

// embedBudget keeps an embed's text below Discord's 6000 characters.
const embedBudget = bot.MaxEmbedsTotal - 200

// renderBanner is the session's announcement in its channel.
func renderBanner(sess qa.Session) bot.Message {
	e := &discordgo.MessageEmbed{
		Title: bot.Truncate("Q&A: "+sessionTitle(sess), bot.MaxEmbedTitle),
		Description: "Ask a question about the story with the button below or with `/qa ask`.\n" +
			"Moderators review every question; approved ones are answered here. " +
			"Upvote the questions you want answered first.",
		Color:  colorApproved,
		Footer: &discordgo.MessageEmbedFooter{Text: bot.Truncate("Started by "+nameOr(sess.StartedByName, sess.StartedBy), 200)},
	}
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Submit a question", Style: discordgo.PrimaryButton, CustomID: bot.CustomID(prefixSubmit, sess.ID)},
	}}
	return bot.Message{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{row}}
}

// renderEndedBanner replaces the banner when the session ends.
func renderEndedBanner(sess qa.Session) bot.Message {
	e := &discordgo.MessageEmbed{
		Title:       bot.Truncate("Q&A: "+sessionTitle(sess), bot.MaxEmbedTitle),
		Description: "This Q&A session has ended. Thanks for your questions!",
		Color:       colorEnded,
	}
	return bot.Message{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{}}
}

func sessionTitle(sess qa.Session) string {
	if strings.TrimSpace(sess.Title) == "" {
		return "questions about the story"
	}
	return sess.Title
}

// renderCard is a question's card in the moderators' queue: the question,
// its asker and votes, the draft answer with citations, the decision, and
// the buttons that still apply. open is false once the session has ended.
func renderCard(q qa.Question, open bool) bot.Message {
	e := &discordgo.MessageEmbed{
		Title:       fmt.Sprintf("Question #%d", q.ID),
		Description: quote(bot.Truncate(q.Text, qa.MaxQuestionLen)),
	}
	add := func(name, value string, inline bool) {
		if strings.TrimSpace(value) == "" {
			return
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name: name, Value: bot.Truncate(value, bot.MaxFieldValue), Inline: inline})
	}
	add("Asked by", mention(q.AskerID, q.AskerName), true)
	add("Votes", strconv.Itoa(q.Votes), true)
	add("Status", statusLine(q), true)
	if len(q.AlsoAsked) > 0 {
		var b strings.Builder
		for _, a := range q.AlsoAsked {
			fmt.Fprintf(&b, "%s: %s\n", mention(a.ID, a.Name), oneLine(bot.Truncate(a.Text, 150)))
		}
		add(fmt.Sprintf("Also asked by %d", len(q.AlsoAsked)), b.String(), false)
	}
	switch q.Status {
	case qa.StatusAnswered:
		add("Answer", q.Answer, false)
		add("Sources", citationList(q.AnswerCitations), false)
	case qa.StatusRejected:
		add("Reason (told to the asker)", q.Reason, false)
	default:
		if q.DraftFound {
			add("Draft answer", q.Draft, false)
			add("Sources", citationList(q.DraftCitations), false)
		} else {
			add("Draft answer", "No draft: the story doesn't say it plainly. Approve it to answer later, answer it yourself, or reject it.", false)
			if len(q.DraftCitations) > 0 {
				add("Closest passages", citationList(q.DraftCitations), false)
			}
		}
	}
	switch q.Status {
	case qa.StatusPending:
		e.Color = colorPending
	case qa.StatusApproved:
		e.Color = colorApproved
	case qa.StatusAnswered:
		e.Color = colorAnswered
	case qa.StatusRejected:
		e.Color = colorRejected
	}
	if !open {
		e.Color = colorEnded
		e.Footer = &discordgo.MessageEmbedFooter{Text: "The session has ended."}
	}
	fitEmbed(e)
	return bot.Message{Embeds: []*discordgo.MessageEmbed{e}, Components: cardButtons(q, open)}
}

// cardButtons are the actions left on a question: all four on a pending
// one, answering on an approved one, none once it is answered or rejected
// or the session has ended. Open questions keep an Upvote button.
func cardButtons(q qa.Question, open bool) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	if !open {
		return rows
	}
	switch q.Status {
	case qa.StatusPending:
		approve := "Approve"
		if !q.DraftFound {
			approve = "Approve (answer later)"
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: approve, Style: discordgo.SuccessButton, CustomID: bot.CustomID(prefixApprove, q.ID)},
			discordgo.Button{Label: "Edit & approve", Style: discordgo.PrimaryButton, CustomID: bot.CustomID(prefixEdit, q.ID)},
			discordgo.Button{Label: "Answer myself", Style: discordgo.SecondaryButton, CustomID: bot.CustomID(prefixSelf, q.ID)},
			discordgo.Button{Label: "Reject", Style: discordgo.DangerButton, CustomID: bot.CustomID(prefixReject, q.ID)},
		}})
	case qa.StatusApproved:
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Answer myself", Style: discordgo.PrimaryButton, CustomID: bot.CustomID(prefixSelf, q.ID)},
		}})
	default:
		return rows
	}
	return append(rows, voteRow(q))
}

func voteRow(q qa.Question) discordgo.ActionsRow {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: fmt.Sprintf("Upvote (%d)", q.Votes), Style: discordgo.SecondaryButton,
			CustomID: bot.CustomID(prefixVote, q.ID), Emoji: &discordgo.ComponentEmoji{Name: "👍"}},
	}}
}

// statusLine says where a question stands and who decided.
func statusLine(q qa.Question) string {
	by := nameOr(q.DecidedByName, q.DecidedBy)
	switch q.Status {
	case qa.StatusPending:
		return "Pending"
	case qa.StatusApproved:
		s := "Approved by " + by + ", waiting for an answer"
		if !q.PostedAt.IsZero() {
			s += " (posted with /qa next)"
		}
		return s
	case qa.StatusAnswered:
		switch q.AnsweredBy {
		case qa.AnswerDraft:
			return "Approved by " + by + " with the bot's answer"
		case qa.AnswerEdited:
			return "Approved by " + by + " with an edited answer"
		default:
			return "Answered by " + by
		}
	case qa.StatusRejected:
		return "Rejected by " + by
	}
	return string(q.Status)
}

// renderPublicQuestion is a question as shown in the session channel when
// the cards live elsewhere: with its state, and an Upvote button while it
// can take votes.
func renderPublicQuestion(q qa.Question, open bool) bot.Message {
	state := "waiting for the moderators"
	switch {
	case q.Status == qa.StatusAnswered:
		state = "answered"
	case q.Status == qa.StatusRejected:
		state = "not taken by the moderators"
	case q.Status == qa.StatusApproved:
		state = "approved, waiting for an answer"
	case !open:
		state = "not answered before the session ended"
	}
	m := bot.Message{Content: bot.Truncate(fmt.Sprintf("**Question #%d** from %s, %s:\n%s",
		q.ID, mention(q.AskerID, q.AskerName), state, quote(q.Text)), bot.MaxContent)}
	m.Components = []discordgo.MessageComponent{}
	if open && (q.Status == qa.StatusPending || q.Status == qa.StatusApproved) {
		m.Components = append(m.Components, voteRow(q))
	}
	return m
}

// renderAnswered is a question and its answer, posted in the session channel.
func renderAnswered(q qa.Question) bot.Message {
	content := fmt.Sprintf("**Question #%d** from %s", q.ID, mention(q.AskerID, q.AskerName))
	if n := len(q.AlsoAsked); n > 0 {
		content += fmt.Sprintf(" (also asked by %d)", n)
	}
	content = bot.Truncate(content+":\n"+quote(q.Text), bot.MaxContent)
	var foot string
	switch q.AnsweredBy {
	case qa.AnswerDraft:
		foot = "The bot's answer, approved by " + nameOr(q.DecidedByName, q.DecidedBy)
	case qa.AnswerEdited:
		foot = "The bot's answer, edited by " + nameOr(q.DecidedByName, q.DecidedBy)
	default:
		foot = "Answered by " + nameOr(q.DecidedByName, q.DecidedBy)
	}
	e := &discordgo.MessageEmbed{
		Title:       "Answer",
		Description: bot.Truncate(q.Answer, bot.MaxEmbedDesc),
		Color:       colorAnswered,
		Footer:      &discordgo.MessageEmbedFooter{Text: bot.Truncate(foot, 200)},
	}
	for n, c := range q.AnswerCitations {
		if len(e.Fields) == 10 {
			break
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  bot.Truncate(fmt.Sprintf("[%d] %s", n+1, c.Ref), bot.MaxFieldName),
			Value: bot.Truncate(quote(c.Text), bot.MaxFieldValue),
		})
	}
	fitEmbed(e)
	return bot.Message{Content: content, Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{}}
}

// renderNext is the top approved question, posted by /qa next for a live
// answer.
func renderNext(q qa.Question) bot.Message {
	s := fmt.Sprintf("**Next question** (#%d, %s) from %s", q.ID, plural(q.Votes, "vote"), mention(q.AskerID, q.AskerName))
	if n := len(q.AlsoAsked); n > 0 {
		s += fmt.Sprintf(", also asked by %d", n)
	}
	return bot.Message{Content: bot.Truncate(s+":\n"+quote(q.Text), bot.MaxContent)}
}

// renderQueue lists a session's open questions for moderators.
func renderQueue(sess qa.Session, qs []qa.Question) bot.Message {
	if len(qs) == 0 {
		return bot.RenderNotice("No questions are waiting in “" + sessionTitle(sess) + "”.")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Open questions in “%s”**, most votes first:\n", oneLine(bot.Truncate(sessionTitle(sess), 100)))
	for n, q := range qs {
		line := fmt.Sprintf("%d. #%d · %s · %s", n+1, q.ID, plural(q.Votes, "vote"), q.Status)
		if len(q.AlsoAsked) > 0 {
			line += fmt.Sprintf(" · also asked by %d", len(q.AlsoAsked))
		}
		line += " — " + oneLine(bot.Truncate(q.Text, 120)) + "\n"
		if utf8.RuneCountInString(b.String()+line) > bot.MaxContent-40 {
			fmt.Fprintf(&b, "…and %d more.", len(qs)-n)
			break
		}
		b.WriteString(line)
	}
	return bot.Message{Content: b.String()}
}

// renderStatus shows a session's counts.
func renderStatus(sess qa.Session, c qa.Counts) bot.Message {
	s := fmt.Sprintf("**Q&A “%s”** in <#%s>, started by %s.\n"+
		"%s submitted (%d grouped as duplicates) · %d pending · %d approved (%d posted) · %d answered · %d rejected · %s.",
		oneLine(bot.Truncate(sessionTitle(sess), 100)), sess.ChannelID, nameOr(sess.StartedByName, sess.StartedBy),
		plural(c.Submitted, "question"), c.Duplicates, c.Pending, c.Approved, c.Posted, c.Answered, c.Rejected,
		plural(c.Votes, "vote"))
	if sess.QueueChannelID != "" && sess.QueueChannelID != sess.ChannelID {
		s += fmt.Sprintf("\nQuestion cards go to <#%s>.", sess.QueueChannelID)
	}
	return bot.RenderNotice(s)
}

// renderSummary is posted in the session channel when the session ends,
// with the transcript attached.
func renderSummary(sess qa.Session, c qa.Counts) bot.Message {
	return bot.Message{Content: bot.Truncate(fmt.Sprintf(
		"**The Q&A “%s” has ended.** %s asked: %d answered, %d approved, %d rejected, %d left pending. The transcript is attached.",
		oneLine(sessionTitle(sess)), plural(c.Submitted, "question"), c.Answered, c.Approved, c.Rejected, c.Pending), bot.MaxContent)}
}

// renderReceipt tells the asker their question arrived.
func renderReceipt(q qa.Question, dupOf *qa.Question, cardErr bool) string {
	s := fmt.Sprintf("Thanks! Your question (#%d) was sent to the moderators:\n%s", q.ID, quote(bot.Truncate(q.Text, 300)))
	if dupOf != nil {
		s = fmt.Sprintf("Thanks! A very similar question (#%d) was already asked, so yours joins it (asked by %d people now):\n%s",
			dupOf.ID, len(dupOf.AlsoAsked)+1, quote(bot.Truncate(dupOf.Text, 300)))
	}
	if cardErr {
		s += "\n(I couldn't post it in the moderators' channel right now; it's saved and shows in `/qa queue`.)"
	}
	return s
}

func citationList(cs []qa.Citation) string {
	var b strings.Builder
	for n, c := range cs {
		fmt.Fprintf(&b, "[%d] %s — “%s”\n", n+1, oneLine(c.Ref), oneLine(bot.TruncateFrom(c.Text, c.Focus, 200)))
	}
	return b.String()
}

// fitEmbed shortens the longest field values, then drops the last fields,
// then shortens the description, until the embed fits Discord's
// 6000-character total.
func fitEmbed(e *discordgo.MessageEmbed) {
	for over := bot.EmbedLength(e) - embedBudget; over > 0; over = bot.EmbedLength(e) - embedBudget {
		var longest *discordgo.MessageEmbedField
		for _, f := range e.Fields {
			if longest == nil || utf8.RuneCountInString(f.Value) > utf8.RuneCountInString(longest.Value) {
				longest = f
			}
		}
		switch {
		case longest != nil && utf8.RuneCountInString(longest.Value) > 200:
			longest.Value = bot.Truncate(longest.Value, max(200, utf8.RuneCountInString(longest.Value)-over))
		case len(e.Fields) > 0:
			e.Fields = e.Fields[:len(e.Fields)-1]
		default:
			e.Description = bot.Truncate(e.Description, max(1, utf8.RuneCountInString(e.Description)-over))
			return
		}
	}
}

// mention renders a user mention with the name beside it; messages are sent
// with no allowed mentions, so it never pings.
func mention(id, name string) string {
	if id == "" {
		return "someone"
	}
	if name == "" {
		return "<@" + id + ">"
	}
	return fmt.Sprintf("<@%s> (%s)", id, oneLine(bot.Truncate(name, 80)))
}

func nameOr(name, id string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	if id == "" {
		return "someone"
	}
	return "user " + id
}

// quote renders text as a Markdown block quote.
func quote(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
