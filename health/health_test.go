package health

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestHandler(t *testing.T) {
	var dbDown atomic.Bool
	checks := []Check{
		{"corpus", func(context.Context) error { return nil }},
		{"database", func(context.Context) error {
			if dbDown.Load() {
				return errors.New("connection refused")
			}
			return nil
		}},
	}
	srv := httptest.NewServer(Handler(checks, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "storybot_up 1\n")
	})))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tt := range []struct {
		path   string
		down   bool
		status int
		want   string
	}{
		{"/healthz", false, 200, "ok\n"},
		{"/readyz", false, 200, "corpus ok\ndatabase ok\n"},
		{"/readyz", true, 503, "corpus ok\ndatabase: connection refused\n"},
		{"/healthz", true, 200, "ok\n"},
		{"/metrics", false, 200, "storybot_up 1\n"},
		{"/nothing", false, 404, ""},
	} {
		dbDown.Store(tt.down)
		status, body := get(tt.path)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s (database down %v) = %d %q, want %d %q", tt.path, tt.down, status, body, tt.status, tt.want)
		}
	}
}
