// Package health serves what an orchestrator or a load balancer asks of a
// process: /healthz (the process is up), /readyz (it can serve: every
// readiness check passes) and /metrics.
package health

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Check is one condition of readiness.
type Check struct {
	// Name says what is checked: "discord", "database", "corpus".
	Name string
	// Check returns nil when the condition holds, or what is wrong. It is
	// given a context that ends after [Timeout].
	Check func(ctx context.Context) error
}

// Timeout bounds each check.
const Timeout = 2 * time.Second

// Handler serves /healthz, which answers 200 "ok" while the process runs;
// /readyz, which runs every check at once and answers 200 with a line
// "NAME ok" for each, or 503 with "NAME: what is wrong" for those that
// fail; and /metrics with metrics, when it is not nil.
func Handler(checks []Check, metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		lines, ok := Ready(r.Context(), checks)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprint(w, strings.Join(lines, "\n")+"\n")
	})
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	return mux
}

// Ready runs the checks at once and returns a line for each, in order, and
// whether all passed.
func Ready(ctx context.Context, checks []Check) (lines []string, ok bool) {
	lines = make([]string, len(checks))
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, Timeout)
			defer cancel()
			errs[i] = c.Check(cctx)
		}()
	}
	wg.Wait()
	ok = true
	for i, c := range checks {
		if errs[i] != nil {
			ok = false
			lines[i] = c.Name + ": " + errs[i].Error()
		} else {
			lines[i] = c.Name + " ok"
		}
	}
	return lines, ok
}
