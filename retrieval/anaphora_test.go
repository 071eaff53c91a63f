package retrieval

import "testing"

func TestAnaphoric(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"Macron called this a “red line,” one that would merit a French response.", anaphorStrong},
		{"This was the first official attack launched by the U.S.", anaphorStrong},
		{"Such use, he stated, would warrant an “immediate response.”", anaphorWeak},
		{"He spoke of the country as a failed state.", anaphorWeak},
		{"Parachutes were carried to slow its descent.", anaphorWeak},
		{"That France would respond was clear.", anaphorNone},
		{"Macron warned Putin that France would respond.", anaphorNone},
		{"THIS IS loud.", anaphorStrong},
		{"", anaphorNone},
	}
	for _, tt := range tests {
		if got := anaphoric(tt.s); got != tt.want {
			t.Errorf("anaphoric(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestPredicateAt(t *testing.T) {
	tests := []struct {
		q, want string // want is the verb, or "" for none
	}{
		{"What did Macron call the use of chemical weapons in Syria?", "call"},
		{"How did Macron describe Syria?", "describe"},
		{"What gas did the Assad regime deploy?", ""}, // subject not capitalized
		{"What did the United States launch?", ""},
		{"Where did Putin invite Marine Le Pen?", "invite"},
		{"Who blamed Russia for a hybrid strategy?", ""},
		{"What is the capital of Australia?", ""},
		{"How long did the presidents talk?", ""},
	}
	for _, tt := range tests {
		got := ""
		if i := predicateAt(tt.q); i >= 0 {
			got = tt.q[i : i+len(tt.want)]
			if tt.want == "" {
				got = tt.q[i:]
			}
		}
		if got != tt.want {
			t.Errorf("predicateAt(%q) points at %q, want %q", tt.q, got, tt.want)
		}
	}
}
