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
