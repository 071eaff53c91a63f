package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
)

// Discord's message limits, in characters.
const (
	MaxContent     = 2000
	MaxEmbeds      = 10
	MaxEmbedTitle  = 256
	MaxEmbedDesc   = 4096
	MaxFields      = 25
	MaxFieldName   = 256
	MaxFieldValue  = 1024
	MaxFooter      = 2048
	MaxEmbedsTotal = 6000
)

// Rendering budgets, below Discord's limits on purpose.
const (
	// partChars is the most answer text one message carries; the rest of the
	// 6000 characters of embeds goes to its citations.
	partChars = 2800
	// maxPartFields caps the citations shown in one message.
	maxPartFields = 10
	totalBudget   = MaxEmbedsTotal - 100
	footerChars   = 300
)

const (
	colorFound    = 0x2e8b57
	colorNotFound = 0x808080
	colorInfo     = 0x4169e1
)

// footer says how an answer was made.
func footer(a answer.Answer) string {
	var s string
	switch a.Mode {
	case answer.ModeLLM:
		s = "Model answer, grounded in the cited passages"
	case answer.ModeFallback:
		s = "Model unavailable, keyword answer"
	default:
		s = "Keyword answer, quoted from the story"
	}
	if a.Notice != "" {
		s += " · " + a.Notice
	}
	return Truncate(s, footerChars)
}

// notFoundText is what an answer says when the story does not answer.
const notFoundText = "The story doesn't say."

// RenderAnswer turns an answer into one or more messages, each within
// Discord's limits: an embed with the answer text (split at paragraph,
// line, sentence or word boundaries when long), the citations that part
// refers to as numbered fields ([1] Ref), and buttons for the full cited
// passages and for feedback. Citations no part refers to go with the first.
// When the story does not answer, the message says so and shows the related
// passages as such. sources encodes the Sources buttons' custom IDs, keeping
// long lists in its store within ctx.
func RenderAnswer(ctx context.Context, a answer.Answer, sources *SourceIDs) []Message {
	text := strings.TrimSpace(a.Text)
	cites := a.Citations
	color := colorFound
	if !a.Found {
		if text == "" {
			text = notFoundText
		}
		cites = nil
		color = colorNotFound
	}
	parts := SplitText(text, partChars)
	title := a.Question
	if title == "" {
		title = "Answer"
	}
	perPart := assignCitations(parts, cites)
	if !a.Found && len(parts) > 0 {
		perPart[0] = nil
	}
	msgs := make([]Message, 0, len(parts))
	for n, part := range parts {
		t := title
		if len(parts) > 1 {
			t = fmt.Sprintf("%s (%d/%d)", Truncate(title, MaxEmbedTitle-10), n+1, len(parts))
		}
		e := &discordgo.MessageEmbed{
			Title:       Truncate(t, MaxEmbedTitle),
			Description: part,
			Color:       color,
			Footer:      &discordgo.MessageEmbedFooter{Text: footer(a)},
		}
		var fields []field
		for _, c := range perPart[n] {
			fields = append(fields, field{name: "[" + strconv.Itoa(c.N) + "] " + c.Ref, text: c.Text})
		}
		shown := perPart[n]
		if !a.Found && n == 0 {
			for _, c := range a.Related {
				fields = append(fields, field{name: "Closest: " + c.Ref, text: c.Text, focus: c.Focus})
			}
			shown = a.Related
		}
		e.Fields = fitFields(e, fields)
		msgs = append(msgs, Message{
			Embeds:     []*discordgo.MessageEmbed{e},
			Components: answerButtons(ctx, citationIDs(shown), sources, !a.Found),
		})
	}
	return msgs
}

// RenderPartial renders a model answer still being written: the text so
// far (its end when long) and a note that more is coming.
func RenderPartial(question, partial string) Message {
	partial = strings.TrimSpace(partial)
	if r := []rune(partial); len(r) > partChars {
		partial = "…" + string(r[len(r)-partChars+1:])
	}
	if partial == "" {
		partial = "…"
	}
	return Message{Embeds: []*discordgo.MessageEmbed{{
		Title:       Truncate(question, MaxEmbedTitle),
		Description: partial,
		Color:       colorInfo,
		Footer:      &discordgo.MessageEmbedFooter{Text: "Writing…"},
	}}}
}

// RenderNotice renders a short message to a user, such as an error.
func RenderNotice(text string) Message {
	return Message{Content: Truncate(text, MaxContent)}
}

var markerRE = regexp.MustCompile(`\[(\d+)\]`)

// assignCitations returns, for each part, the citations its [n] markers
// refer to, in order of number; citations no part refers to go to the first.
func assignCitations(parts []string, cites []answer.Citation) [][]answer.Citation {
	out := make([][]answer.Citation, len(parts))
	if len(parts) == 0 {
		return out
	}
	used := make(map[int]bool)
	for i, p := range parts {
		refs := make(map[int]bool)
		for _, m := range markerRE.FindAllStringSubmatch(p, -1) {
			n, _ := strconv.Atoi(m[1])
			refs[n] = true
		}
		for _, c := range cites {
			if refs[c.N] {
				out[i] = append(out[i], c)
				used[c.N] = true
			}
		}
	}
	var rest []answer.Citation
	for _, c := range cites {
		if !used[c.N] {
			rest = append(rest, c)
		}
	}
	if len(rest) > 0 {
		out[0] = append(rest, out[0]...)
		// Keep numeric order.
		for i := 1; i < len(out[0]); i++ {
			for j := i; j > 0 && out[0][j].N < out[0][j-1].N; j-- {
				out[0][j], out[0][j-1] = out[0][j-1], out[0][j]
			}
		}
	}
	return out
}

func citationIDs(cites []answer.Citation) []string {
	ids := make([]string, 0, len(cites))
	for _, c := range cites {
		if c.ID != "" {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func answerButtons(ctx context.Context, ids []string, sources *SourceIDs, related bool) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	if len(ids) > 0 && sources != nil {
		label := "Sources"
		if related {
			label = "Related passages"
		}
		row = append(row, discordgo.Button{
			Label:    label,
			Style:    discordgo.SecondaryButton,
			CustomID: sources.Encode(ctx, ids),
			Emoji:    &discordgo.ComponentEmoji{Name: "📖"},
		})
	}
	row = append(row,
		discordgo.Button{Style: discordgo.SecondaryButton, CustomID: FeedbackUp, Emoji: &discordgo.ComponentEmoji{Name: "👍"}},
		discordgo.Button{Style: discordgo.SecondaryButton, CustomID: FeedbackDown, Emoji: &discordgo.ComponentEmoji{Name: "👎"}},
	)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

type field struct {
	name, text string
	focus      int // where in text the cited sentence starts
}

// fitFields turns fields into embed fields quoting their text, shortened so
// that the whole embed stays within [MaxEmbedsTotal].
func fitFields(e *discordgo.MessageEmbed, fields []field) []*discordgo.MessageEmbedField {
	if len(fields) > maxPartFields {
		fields = fields[:maxPartFields]
	}
	if len(fields) == 0 {
		return nil
	}
	left := totalBudget - EmbedLength(e)
	per := left / len(fields)
	out := make([]*discordgo.MessageEmbedField, 0, len(fields))
	for _, f := range fields {
		name := Truncate(f.name, min(MaxFieldName, max(per/3, 20)))
		room := min(MaxFieldValue, per-runes(name)) - 2 // "> "
		if room < 10 {
			break
		}
		out = append(out, &discordgo.MessageEmbedField{Name: name, Value: quote(TruncateFrom(f.text, f.focus, room))})
	}
	return out
}

// quote formats text as a Markdown block quote.
func quote(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return "> …"
	}
	return "> " + strings.ReplaceAll(text, "\n", "\n> ")
}

// EmbedLength is the length Discord counts toward the 6000 characters of a
// message's embeds: title, description, field names and values, footer and
// author.
func EmbedLength(e *discordgo.MessageEmbed) int {
	n := runes(e.Title) + runes(e.Description)
	for _, f := range e.Fields {
		n += runes(f.Name) + runes(f.Value)
	}
	if e.Footer != nil {
		n += runes(e.Footer.Text)
	}
	if e.Author != nil {
		n += runes(e.Author.Name)
	}
	return n
}

// SplitText splits text into parts of at most n characters, cutting at the
// last paragraph break, else line break, else sentence end, else space
// before the limit, and only mid-word when a word is longer than n. Bold
// (**) left open at a cut is closed and reopened in the next part.
func SplitText(text string, n int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	const bold = "**"
	var parts []string
	for runes(text) > n {
		r := []rune(text)
		head := string(r[:n-len(bold)])
		cut := -1
		for _, sep := range []string{"\n\n", "\n", ". ", "? ", "! ", " "} {
			if i := strings.LastIndex(head, sep); i > len(head)/3 {
				cut = i + len(sep)
				break
			}
		}
		if cut < 0 {
			cut = len(head)
		}
		part, rest := strings.TrimSpace(text[:cut]), strings.TrimSpace(text[cut:])
		if strings.Count(part, bold)%2 == 1 {
			part += bold
			rest = bold + rest
		}
		parts = append(parts, part)
		text = rest
	}
	return append(parts, text)
}

// boldSentence marks sentence in paragraph bold.
func boldSentence(paragraph, sentence string) string {
	if sentence == "" || !strings.Contains(paragraph, sentence) {
		return paragraph
	}
	return strings.Replace(paragraph, sentence, "**"+sentence+"**", 1)
}

// RenderSources renders full cited passages, one embed each (at most
// [MaxEmbeds]), sharing the 6000 characters of a message.
func RenderSources(srcs []answer.Source) Message {
	if len(srcs) > MaxEmbeds {
		srcs = srcs[:MaxEmbeds]
	}
	if len(srcs) == 0 {
		return RenderNotice("Those passages are no longer available.")
	}
	per := totalBudget / len(srcs)
	var embeds []*discordgo.MessageEmbed
	for _, s := range srcs {
		title := Truncate(s.Ref, min(MaxEmbedTitle, per/4))
		embeds = append(embeds, &discordgo.MessageEmbed{
			Title:       title,
			Description: Truncate(boldSentence(s.Paragraph, s.Sentence), min(MaxEmbedDesc, per-runes(title))),
			Color:       colorInfo,
		})
	}
	return Message{Embeds: embeds}
}

// RenderSource renders one passage with its neighbouring paragraphs.
func RenderSource(s answer.Source) Message {
	e := &discordgo.MessageEmbed{
		Title:       Truncate(s.Ref, MaxEmbedTitle),
		Description: Truncate(boldSentence(s.Paragraph, s.Sentence), 3000),
		Color:       colorInfo,
	}
	if s.Before != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Before", Value: quote(Truncate(s.Before, 1000))})
	}
	if s.After != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "After", Value: quote(Truncate(s.After, 1000))})
	}
	return Message{Embeds: []*discordgo.MessageEmbed{e}}
}

// RenderSearch renders search results as numbered passages with a button
// showing them in full.
func RenderSearch(ctx context.Context, query string, results []answer.Citation, sources *SourceIDs) Message {
	e := &discordgo.MessageEmbed{
		Title: Truncate("Search: "+query, MaxEmbedTitle),
		Color: colorInfo,
	}
	if len(results) == 0 {
		e.Description = "Nothing in the story matches that."
		return Message{Embeds: []*discordgo.MessageEmbed{e}}
	}
	e.Description = fmt.Sprintf("%d passages, best first.", len(results))
	fields := make([]field, 0, len(results))
	for i, c := range results {
		fields = append(fields, field{name: "[" + strconv.Itoa(i+1) + "] " + c.Ref, text: c.Text})
	}
	e.Fields = fitFields(e, fields)
	m := Message{Embeds: []*discordgo.MessageEmbed{e}}
	if ids := citationIDs(results); len(ids) > 0 && sources != nil {
		m.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Sources", Style: discordgo.SecondaryButton, CustomID: sources.Encode(ctx, ids), Emoji: &discordgo.ComponentEmoji{Name: "📖"}},
		}}}
	}
	return m
}

// RenderStats renders what the bot knows and how to ask it.
func RenderStats(st answer.Stats, hasModel bool) Message {
	titles := make([]string, 0, len(st.Titles))
	for _, t := range st.Titles {
		titles = append(titles, "• "+t)
	}
	how := "`/ask` a question, `/search` for passages, `/source` to read one in full, " +
		"mention me with a question, or use **Ask the story** on a message (Apps menu). " +
		"Add `private:true` to `/ask` to see the answer alone."
	if hasModel {
		how += " Answers are written by a language model from the cited passages; `mode:keyword` quotes the story instead."
	} else {
		how += " Answers quote the story and cite where each quote comes from."
	}
	e := &discordgo.MessageEmbed{
		Title:       "What I know",
		Description: Truncate(strings.Join(titles, "\n"), 2000),
		Color:       colorInfo,
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Documents", Value: strconv.Itoa(st.Documents), Inline: true},
			{Name: "Paragraphs", Value: strconv.Itoa(st.Paragraphs), Inline: true},
			{Name: "Sentences", Value: strconv.Itoa(st.Sentences), Inline: true},
			{Name: "Words", Value: strconv.Itoa(st.Words), Inline: true},
			{Name: "Size", Value: byteSize(st.Bytes), Inline: true},
			{Name: "How to ask", Value: Truncate(how, MaxFieldValue)},
		},
	}
	if e.Description == "" {
		e.Description = "No documents are loaded."
	}
	return Message{Embeds: []*discordgo.MessageEmbed{e}}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
