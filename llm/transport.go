package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// attemptInfo is what the transport saw of one attempt's HTTP exchange;
// go-openai's errors do not carry response headers.
type attemptInfo struct {
	status       int
	retryAfter   string
	retryAfterMS string
}

type infoKey struct{}

func withInfo(ctx context.Context, info *attemptInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// transport records the status and Retry-After headers of each attempt and
// makes a zero temperature explicit: go-openai drops temperature 0 from the
// request (omitempty), and a server's default (often 0.7-1.0) would apply.
// A tiny positive value is no substitute: llama.cpp divides logits by it.
type transport struct {
	base            http.RoundTripper
	zeroTemperature bool
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	info, _ := req.Context().Value(infoKey{}).(*attemptInfo)
	if info != nil && t.zeroTemperature && req.Body != nil && req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/chat/completions") {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		body, err = setTemperatureZero(body)
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.ContentLength = int64(len(body))
	}
	resp, err := t.base.RoundTrip(req)
	if info != nil && resp != nil {
		info.status = resp.StatusCode
		info.retryAfter = resp.Header.Get("Retry-After")
		info.retryAfterMS = resp.Header.Get("Retry-After-Ms")
	}
	return resp, err
}

// setTemperatureZero adds "temperature": 0 to a JSON request object that
// has no temperature.
func setTemperatureZero(body []byte) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	if _, ok := fields["temperature"]; ok {
		return body, nil
	}
	fields["temperature"] = json.RawMessage("0")
	return json.Marshal(fields)
}
