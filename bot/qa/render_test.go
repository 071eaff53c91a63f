package qa

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
	"storybot/qa"
	"storybot/qa/memstore"
)

// route routes a custom ID of type typ as the plugin's router does, and
// parses its record ID.
func route(t testing.TB, typ discordgo.InteractionType, customID string) (prefix string, id int64, ok bool) {
	t.Helper()
	r := bot.NewRouter()
	p, err := New(Options{Store: memstore.New(), Answerer: noAnswers{}})
	if err != nil {
		t.Fatal(err)
	}
	p.Register(r)
	prefix, arg, ok := r.Match(typ, customID)
	if !ok {
		return "", 0, false
	}
	id, ok = bot.ParseRecordID(arg)
	return prefix, id, ok
}

type noAnswers struct{}

func (noAnswers) Answer(context.Context, answer.Question) (answer.Answer, error) {
	return answer.Answer{}, nil
}

const (
	button = discordgo.InteractionMessageComponent
	form   = discordgo.InteractionModalSubmit
)

func TestParseID(t *testing.T) {
	tests := []struct {
		typ    discordgo.InteractionType
		in     string
		prefix string
		id     int64
		ok     bool
	}{
		{button, "qa:approve:12", prefixApprove, 12, true},
		{form, "qa:rejectf:9007199254740993", prefixRejectForm, 9007199254740993, true},
		{button, "qa:vote:0", "", 0, false},
		{button, "qa:vote:-1", "", 0, false},
		{button, "qa:vote:x", "", 0, false},
		{button, "qa:nuke:1", "", 0, false},
		{button, "qa:approve", "", 0, false},
		{button, "src:doc/1", "", 0, false},
		{button, "", "", 0, false},
		{form, "qa:approve:12", "", 0, false}, // a button's ID is no form's
	}
	for _, tt := range tests {
		prefix, id, ok := route(t, tt.typ, tt.in)
		if ok != tt.ok || ok && (prefix != tt.prefix || id != tt.id) {
			t.Errorf("route(%s, %q) = %q, %d, %v, want %q, %d, %v", tt.typ, tt.in, prefix, id, ok, tt.prefix, tt.id, tt.ok)
		}
	}
	for typ, prefixes := range map[discordgo.InteractionType][]string{
		button: {prefixSubmit, prefixApprove, prefixEdit, prefixSelf, prefixReject, prefixVote},
		form:   {prefixAskForm, prefixEditForm, prefixSelfForm, prefixRejectForm},
	} {
		for _, v := range prefixes {
			id := bot.CustomID(v, 1<<62)
			if len(id) > 100 {
				t.Errorf("CustomID(%s) = %q is longer than 100", v, id)
			}
			if got, n, ok := route(t, typ, id); !ok || got != v || n != 1<<62 {
				t.Errorf("route(CustomID(%s)) = %q, %d, %v", v, got, n, ok)
			}
		}
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("qa:approve:1")
	f.Add("qa::")
	f.Add("qa:vote:+7")
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []discordgo.InteractionType{button, form} {
			prefix, id, ok := route(t, typ, s)
			if !ok {
				continue
			}
			if id <= 0 {
				t.Errorf("route(%q) = %q, %d: not a positive ID", s, prefix, id)
			}
			if again, n, ok := route(t, typ, bot.CustomID(prefix, id)); !ok || again != prefix || n != id {
				t.Errorf("route(CustomID(route(%q))) = %q, %d, %v, want %q, %d", s, again, n, ok, prefix, id)
			}
		}
	})
}

// TestRenderLimits: the biggest possible question still renders within
// Discord's limits.
func TestRenderLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("word ", n/5) }
	var cites []qa.Citation
	for range 20 {
		cites = append(cites, qa.Citation{Ref: long(300), Text: long(2000)})
	}
	var also []qa.Asker
	for range 30 {
		also = append(also, qa.Asker{ID: "1", Name: long(100), Text: long(1000)})
	}
	q := qa.Question{ID: 1, AskerID: "1", AskerName: long(200), Text: long(qa.MaxQuestionLen), Draft: long(qa.MaxAnswerLen),
		DraftFound: true, DraftCitations: cites, Answer: long(qa.MaxAnswerLen), AnswerCitations: cites, AlsoAsked: also,
		Reason: long(qa.MaxReasonLen), DecidedByName: long(100)}
	for _, st := range []qa.Status{qa.StatusPending, qa.StatusApproved, qa.StatusAnswered, qa.StatusRejected} {
		q.Status = st
		for name, m := range map[string]bot.Message{"card": renderCard(q, true), "public": renderPublicQuestion(q, true),
			"answered": renderAnswered(q), "next": renderNext(q), "receipt": {Content: renderReceipt(q, &q, true)}} {
			if n := utf8.RuneCountInString(m.Content); n > bot.MaxContent {
				t.Errorf("%s (%s): content is %d characters", name, st, n)
			}
			for _, e := range m.Embeds {
				if n := bot.EmbedLength(e); n > bot.MaxEmbedsTotal {
					t.Errorf("%s (%s): embed is %d characters", name, st, n)
				}
				if len(e.Fields) > bot.MaxFields || utf8.RuneCountInString(e.Description) > bot.MaxEmbedDesc {
					t.Errorf("%s (%s): %d fields, description %d", name, st, len(e.Fields), utf8.RuneCountInString(e.Description))
				}
				for _, f := range e.Fields {
					if utf8.RuneCountInString(f.Value) > bot.MaxFieldValue || utf8.RuneCountInString(f.Name) > bot.MaxFieldName {
						t.Errorf("%s (%s): field %q too long", name, st, f.Name)
					}
				}
			}
		}
	}
	qs := make([]qa.Question, 25)
	for i := range qs {
		qs[i] = q
	}
	if m := renderQueue(qa.Session{Title: long(200)}, qs); utf8.RuneCountInString(m.Content) > bot.MaxContent {
		t.Errorf("queue is %d characters", utf8.RuneCountInString(m.Content))
	}
}
