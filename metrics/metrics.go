// Package metrics is what storybot measures of itself, for Prometheus
// (github.com/prometheus/client_golang): interactions by kind and outcome,
// the time to the first response and to the final answer, answers by mode
// and whether they were found, the model's errors and fallbacks, rate-limit
// refusals, gateway reconnects and the shards a process holds, with Go's
// and the process's own metrics. [Metrics.Handler] serves them in the
// text format.
//
// Every name starts with storybot_:
//
//	storybot_interactions_total{kind,outcome}            counter
//	storybot_interaction_first_response_seconds{kind}    histogram
//	storybot_interaction_final_seconds{kind}             histogram
//	storybot_message_refusals_total{outcome}             counter
//	storybot_answers_total{mode,result}                  counter (result: found, refused)
//	storybot_model_errors_total                          counter
//	storybot_model_fallbacks_total                       counter
//	storybot_rate_limited_total{on}                      counter (on: interaction, message)
//	storybot_gateway_reconnects_total                    counter
//	storybot_shards_held                                 gauge
//
// kind is command, component, modal or autocomplete; outcome is ok,
// refused, rate_limited, error or panic.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds storybot's metrics in a registry of its own. Its methods
// are safe for concurrent use, and do nothing on a nil *Metrics.
type Metrics struct {
	reg          *prometheus.Registry
	interactions *prometheus.CounterVec
	first, final *prometheus.HistogramVec
	messages     *prometheus.CounterVec
	answers      *prometheus.CounterVec
	modelErrors  prometheus.Counter
	fallbacks    prometheus.Counter
	limited      *prometheus.CounterVec
	reconnects   prometheus.Counter
}

// New returns the metrics, at zero.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storybot_interactions_total", Help: "Interactions served, by kind and outcome.",
		}, []string{"kind", "outcome"}),
		first: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "storybot_interaction_first_response_seconds",
			Help:    "Time from an interaction's arrival to its first response (Discord allows 3 s).",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1, 1.5, 2, 3},
		}, []string{"kind"}),
		final: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "storybot_interaction_final_seconds",
			Help:    "Time from an interaction's arrival to its handler's end, when the final answer is sent.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60},
		}, []string{"kind"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storybot_message_refusals_total", Help: "Messages the bot refused or failed to answer, by outcome.",
		}, []string{"outcome"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storybot_answers_total", Help: "Answers given, by mode (keyword, llm, fallback) and result (found, refused).",
		}, []string{"mode", "result"}),
		modelErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "storybot_model_errors_total", Help: "Calls of the language model that failed.",
		}),
		fallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "storybot_model_fallbacks_total", Help: "Answers given with keywords because the model failed.",
		}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storybot_rate_limited_total", Help: "Questions refused for coming too fast, by what carried them.",
		}, []string{"on"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "storybot_gateway_reconnects_total", Help: "Gateway connections READY or RESUMED after a shard's first.",
		}),
	}
	m.reg.MustRegister(m.interactions, m.first, m.final, m.messages, m.answers, m.modelErrors, m.fallbacks,
		m.limited, m.reconnects,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Shards makes storybot_shards_held report held(); call it once.
func (m *Metrics) Shards(held func() int) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "storybot_shards_held", Help: "Gateway shards this process holds.",
	}, func() float64 { return float64(held()) }))
}

// Interaction records a served interaction (storybot/bot.Metrics).
func (m *Metrics) Interaction(kind, outcome string, first time.Duration, sent bool, final time.Duration) {
	if m == nil {
		return
	}
	m.interactions.WithLabelValues(kind, outcome).Inc()
	if sent {
		m.first.WithLabelValues(kind).Observe(first.Seconds())
	}
	m.final.WithLabelValues(kind).Observe(final.Seconds())
	if outcome == "rate_limited" {
		m.limited.WithLabelValues("interaction").Inc()
	}
}

// Message records a message refused or failed (storybot/bot.Metrics).
func (m *Metrics) Message(outcome string, _ time.Duration) {
	if m == nil {
		return
	}
	m.messages.WithLabelValues(outcome).Inc()
	if outcome == "rate_limited" {
		m.limited.WithLabelValues("message").Inc()
	}
}

// Reconnect records a gateway reconnection (storybot/bot.Metrics).
func (m *Metrics) Reconnect() {
	if m == nil {
		return
	}
	m.reconnects.Inc()
}

// Answer records an answer given in mode ("keyword", "llm", "fallback"),
// found or refused; a fallback also counts in storybot_model_fallbacks_total.
func (m *Metrics) Answer(mode string, found bool) {
	if m == nil {
		return
	}
	result := "refused"
	if found {
		result = "found"
	}
	m.answers.WithLabelValues(mode, result).Inc()
	if mode == "fallback" {
		m.fallbacks.Inc()
	}
}

// ModelError records a failed call of the language model.
func (m *Metrics) ModelError() {
	if m == nil {
		return
	}
	m.modelErrors.Inc()
}
