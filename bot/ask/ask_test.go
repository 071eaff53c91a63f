package ask

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
)

func TestStripMention(t *testing.T) {
	tests := []struct {
		in, rest  string
		mentioned bool
	}{
		{"<@42> where did they meet?", "where did they meet?", true},
		{"<@!42>   how long  did it last?", "how long did it last?", true},
		{"how long? <@42>", "how long?", true},
		{"<@43> where?", "<@43> where?", false},
		{"<@421> where?", "<@421> where?", false},
		{"<@42>", "", true},
		{"no mention", "no mention", false},
		{"<@42><@!42> twice", "twice", true},
	}
	for _, tt := range tests {
		rest, mentioned := StripMention(tt.in, "42")
		if rest != tt.rest || mentioned != tt.mentioned {
			t.Errorf("StripMention(%q) = %q, %v, want %q, %v", tt.in, rest, mentioned, tt.rest, tt.mentioned)
		}
	}
}

func TestIsQuestion(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Where did Macron and Putin meet?", true},
		{"where did they meet", true},
		{"How long did the talks last", true},
		{"did putin speak french", true},
		{"so that's it?", true},
		{"What exhibition was at Versailles ?", true},
		{"Is it true?", true},
		{"Who?", false},  // one word: chatter
		{"what?", false}, // chatter
		{"lol?", false},  // chatter
		{"hello everyone", false},
		{"thanks, that was helpful", false},
		{"I think they met in Paris.", false},
		{"how nice", false}, // two words, no question mark
		{"", false},
		{"```go\nfunc f() {}?```", false},
		{"<@42> <#7> where did they meet", true},
		{"whatever you say", false},
	}
	for _, tt := range tests {
		if got := IsQuestion(tt.in); got != tt.want {
			t.Errorf("IsQuestion(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMemory(t *testing.T) {
	m := newMemory(2, 3, 30*time.Minute)
	now := time.Unix(0, 0)
	for i, q := range []string{"q1", "q2", "q3", "q4"} {
		m.add("c", q, now.Add(time.Duration(i)*time.Minute))
	}
	if got := strings.Join(m.history("c", now.Add(5*time.Minute)), ","); got != "q2,q3,q4" {
		t.Errorf("history = %s, want the last 3", got)
	}
	if got := m.history("c", now.Add(33*time.Minute)); len(got) != 1 || got[0] != "q4" {
		t.Errorf("history 33 min later = %q, want [q4]", got)
	}
	m.add("d", "x", now)
	m.add("e", "y", now)
	if got := m.history("c", now); len(got) != 0 {
		t.Errorf("history of evicted conversation = %q, want none", got)
	}
}

// withModelEngine is an engine that has a model or not.
type withModelEngine struct {
	*answer.Engine
	model bool
}

func (e withModelEngine) HasModel() bool { return e.model }

func TestCommands(t *testing.T) {
	name := regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)
	for _, withModel := range []bool{false, true} {
		eng, err := answer.Story()
		if err != nil {
			t.Fatal(err)
		}
		p, err := New(Options{Engine: withModelEngine{eng, withModel}})
		if err != nil {
			t.Fatal(err)
		}
		r := bot.NewRouter()
		p.Register(r)
		cmds := r.Commands()
		for _, c := range cmds {
			if c.Type == discordgo.MessageApplicationCommand {
				if c.Description != "" {
					t.Errorf("message command %q has a description", c.Name)
				}
				continue
			}
			if !name.MatchString(c.Name) || strings.ToLower(c.Name) != c.Name || len(c.Description) < 1 || len(c.Description) > 100 {
				t.Errorf("command %q: bad name or description", c.Name)
			}
			optional := false
			for _, o := range c.Options {
				if o.Required && optional {
					t.Errorf("command %q: required option %q after an optional one", c.Name, o.Name)
				}
				optional = optional || !o.Required
				if len(o.Description) > 100 {
					t.Errorf("command %q option %q: description too long", c.Name, o.Name)
				}
			}
		}
		ask := cmds[0]
		var got []string
		for _, o := range ask.Options {
			got = append(got, o.Name)
		}
		want := "question,private"
		if withModel {
			want += ",mode"
		}
		if strings.Join(got, ",") != want {
			t.Errorf("Commands(%v): /ask options %v, want %s", withModel, got, want)
		}
	}
}
