package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// classify turns an attempt's error into one of the package's sentinels,
// keeping the original in the chain.
func classify(err error, info *attemptInfo, attempt, caller context.Context) error {
	if caller.Err() != nil {
		return err
	}
	if errors.Is(attempt.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	status := info.status
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		status = reqErr.HTTPStatusCode
	}
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case status == http.StatusTooManyRequests:
		return fmt.Errorf("%w: %w", ErrRateLimited, err)
	case status >= 500:
		return fmt.Errorf("%w: %w", ErrServer, err)
	case status == http.StatusNotFound:
		return fmt.Errorf("%w (check the base URL, which usually ends in /v1, and the model name): %w", ErrRejected, err)
	case status >= 400:
		return fmt.Errorf("%w: %w", ErrRejected, err)
	case errors.As(err, &syntax), errors.As(err, &typeErr), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %w", ErrBadResponse, err)
	case errors.Is(err, openai.ErrTooManyEmptyStreamMessages):
		return fmt.Errorf("%w: %w", ErrBadResponse, err)
	}
	return fmt.Errorf("%w: %w", ErrNetwork, err)
}

// retryWait says whether err is worth retrying and how long to wait first:
// what the server asked for with Retry-After (plus a little jitter), or
// exponential backoff with jitter.
func (c *Client) retryWait(err error, info *attemptInfo, attempt int) (time.Duration, bool) {
	switch {
	case errors.Is(err, ErrRateLimited):
		if d, ok := parseRetryAfter(info.retryAfterMS, info.retryAfter, c.now()); ok {
			return d + time.Duration(c.jitter()*float64(c.cfg.RetryBaseDelay)/2), true
		}
	case errors.Is(err, ErrServer), errors.Is(err, ErrNetwork), errors.Is(err, ErrStreamCut):
	default:
		return 0, false
	}
	d := c.cfg.RetryBaseDelay << min(attempt, 16)
	d = min(d, c.cfg.RetryMaxWait)
	return d/2 + time.Duration(c.jitter()*float64(d/2)), true
}

// parseRetryAfter reads retry-after-ms (milliseconds, as OpenAI and Azure
// send) or else Retry-After (seconds or an HTTP date).
func parseRetryAfter(ms, header string, now time.Time) (time.Duration, bool) {
	if v, err := strconv.ParseFloat(strings.TrimSpace(ms), 64); err == nil && v >= 0 && v < 1e9 {
		return time.Duration(v * float64(time.Millisecond)), true
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(header, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, 1e6)) * time.Second, true
	}
	if t, err := http.ParseTime(header); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func randFloat() float64 { return rand.Float64() }
