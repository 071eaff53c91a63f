package qa

import (
	"strings"
	"testing"
	"unicode/utf8"

	"storybot/bot"
	"storybot/qa"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want customID
		ok   bool
	}{
		{"qa:approve:12", customID{verbApprove, 12}, true},
		{"qa:rejectf:9007199254740993", customID{verbRejectForm, 9007199254740993}, true},
		{"qa:vote:0", customID{}, false},
		{"qa:vote:-1", customID{}, false},
		{"qa:vote:x", customID{}, false},
		{"qa:nuke:1", customID{}, false},
		{"qa:approve", customID{}, false},
		{"src:doc/1", customID{}, false},
		{"", customID{}, false},
	}
	for _, tt := range tests {
		got, ok := parseID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseID(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for _, v := range []string{verbSubmit, verbAskForm, verbApprove, verbEdit, verbSelf, verbReject, verbVote, verbEditForm, verbSelfForm, verbRejectForm} {
		id := makeID(v, 1<<62)
		if len(id) > 100 {
			t.Errorf("makeID(%s) = %q is longer than 100", v, id)
		}
		if got, ok := parseID(id); !ok || got.verb != v {
			t.Errorf("parseID(makeID(%s)) = %v, %v", v, got, ok)
		}
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("qa:approve:1")
	f.Add("qa::")
	f.Add("qa:vote:+7")
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := parseID(s)
		if !ok {
			return
		}
		if id.id <= 0 {
			t.Errorf("parseID(%q) = %v: not a positive ID", s, id)
		}
		if again, ok := parseID(makeID(id.verb, id.id)); !ok || again != id {
			t.Errorf("parseID(makeID(parseID(%q))) = %v, %v, want %v", s, again, ok, id)
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
