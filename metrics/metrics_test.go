package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(w.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	m := New()
	m.Shards(func() int { return 2 })
	m.Interaction("command", "ok", 20*time.Millisecond, true, 300*time.Millisecond)
	m.Interaction("command", "rate_limited", 5*time.Millisecond, true, 5*time.Millisecond)
	m.Interaction("component", "error", 0, false, time.Second)
	m.Message("rate_limited", time.Millisecond)
	m.Answer("keyword", true)
	m.Answer("fallback", false)
	m.ModelError()
	m.Reconnect()
	out := scrape(t, m)
	for _, want := range []string{
		`storybot_interactions_total{kind="command",outcome="ok"} 1`,
		`storybot_interactions_total{kind="command",outcome="rate_limited"} 1`,
		`storybot_interactions_total{kind="component",outcome="error"} 1`,
		`storybot_interaction_first_response_seconds_count{kind="command"} 2`,
		`storybot_interaction_final_seconds_count{kind="component"} 1`,
		`storybot_message_refusals_total{outcome="rate_limited"} 1`,
		`storybot_rate_limited_total{on="interaction"} 1`,
		`storybot_rate_limited_total{on="message"} 1`,
		`storybot_answers_total{mode="keyword",result="found"} 1`,
		`storybot_answers_total{mode="fallback",result="refused"} 1`,
		`storybot_model_fallbacks_total 1`,
		`storybot_model_errors_total 1`,
		`storybot_gateway_reconnects_total 1`,
		`storybot_shards_held 2`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(out, `storybot_interaction_first_response_seconds_count{kind="component"}`) {
		t.Error("an interaction without a response was counted in the first-response histogram")
	}
	var nilM *Metrics
	nilM.Interaction("command", "ok", 0, true, 0) // a nil *Metrics records nothing
	nilM.Answer("keyword", true)
}
