package ask_test

import (
	"slices"
	"testing"
	"time"

	"storybot/internal/fakediscord"
)

// BenchmarkFirstResponse measures, for keyword answers to /ask, the time
// from the fake sending INTERACTION_CREATE to it receiving the first
// response, as the fake clocks it. Target: median well under 50 ms.
func BenchmarkFirstResponse(b *testing.B) {
	h := start(b, setup{})
	questions := []string{question, "How long did they talk?", "What exhibition did they visit?", "Who won the cup?"}
	delays := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it := h.fake.SlashCommand(h.fake.Alice, h.fake.ChannelID, "ask", fakediscord.StringOption("question", questions[i%len(questions)]))
		r := h.response(b, it)
		delays = append(delays, r.Delay)
	}
	b.StopTimer()
	slices.Sort(delays)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(delays[len(delays)/2]), "median-ms")
	b.ReportMetric(ms(delays[min(len(delays)-1, len(delays)*99/100)]), "p99-ms")
	b.ReportMetric(0, "ns/op")
}
