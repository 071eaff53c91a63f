package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/time/rate"
)

// discordHost is the host discordgo's endpoints are built on.
const discordHost = "discord.com"

// ErrForeignHost is returned by the [Transport] for a request to a host
// other than Discord's API.
var ErrForeignHost = errors.New("request to a host other than discord.com refused")

// ErrTokenRejected means Discord answered 401 Unauthorized: the bot token
// is wrong or was reset.
var ErrTokenRejected = errors.New("the bot token was rejected (HTTP 401 Unauthorized)")

// Transport is an [http.RoundTripper] that sends every request discordgo
// makes to https://discord.com to Base instead, and refuses any other host,
// so that a bot can run against a test double or a proxy without changing
// discordgo's process-wide endpoint variables.
//
// It also enforces Discord's global rate limit, which discordgo honours
// only when X-RateLimit-Reset-After comes with it: after a 429 marked
// global (X-RateLimit-Global, X-RateLimit-Scope: global, or "global":true
// in the body), no request on any route is sent until its Retry-After has
// passed; requests wait, or fail when their context ends first. And it
// keeps under the global limit of 50 requests a second: requests other
// than interaction responses and webhooks are paced at 40 a second.
type Transport struct {
	// Base is the scheme and host requests go to, e.g. http://127.0.0.1:8080.
	Base *url.URL
	// Next sends the rewritten request; nil means [http.DefaultTransport].
	Next http.RoundTripper
	// Logger receives a line for each global rate limit; nil means
	// [slog.Default].
	Logger *slog.Logger

	mu          sync.Mutex
	globalUntil time.Time
}

// paces are the pace limiters of the bots in this process, by the
// Authorization header: Discord's limit is the bot's, whatever the session.
var paces sync.Map // string → *rate.Limiter

func paceOf(auth string) *rate.Limiter {
	if l, ok := paces.Load(auth); ok {
		return l.(*rate.Limiter)
	}
	l, _ := paces.LoadOrStore(auth, rate.NewLimiter(paceRate, paceBurst))
	return l.(*rate.Limiter)
}

// Discord allows 50 requests a second outside interaction responses and
// webhooks; the transport paces them at 40 a second with bursts of 10, so
// that no second holds more than 50.
const (
	paceRate  = 40
	paceBurst = 10
)

// paced reports whether a request path counts toward Discord's global
// limit of 50 a second: interaction callbacks and webhooks do not.
func paced(path string) bool {
	_, rest, ok := strings.Cut(strings.TrimPrefix(path, "/api/"), "/")
	if !ok {
		return true
	}
	return !strings.HasPrefix(rest, "interactions/") && !strings.HasPrefix(rest, "webhooks/")
}

// RequestError is a request that got no response, naming the address
// actually dialled (not discordgo's https://discord.com).
type RequestError struct {
	Method, URL string
	Err         error
}

func (e *RequestError) Error() string { return e.Method + " " + e.URL + ": " + e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

// RESTError makes an error of a discordgo REST call say what went wrong in
// terms of what was sent: the address dialled instead of
// https://discord.com, and [ErrTokenRejected] for 401.
func RESTError(err error) error {
	if err == nil {
		return nil
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
		if re.Request != nil {
			return fmt.Errorf("%w: %s %s", ErrTokenRejected, re.Request.Method, re.Request.URL.Path)
		}
		return ErrTokenRejected
	}
	var ue *url.Error
	var qe *RequestError
	if errors.As(err, &ue) && errors.As(ue.Err, &qe) {
		return qe
	}
	return err
}

// ParseAPIBase checks an API base such as https://discord.com or
// http://127.0.0.1:8080: a scheme and a host, no path, query or fragment.
func ParseAPIBase(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("API base %q: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("API base %q: scheme must be http or https", base)
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("API base %q: want scheme and host only, like https://discord.com", base)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// RoundTrip implements [http.RoundTripper].
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != discordHost || req.URL.Scheme != "https" {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s://%s", ErrForeignHost, req.URL.Scheme, req.URL.Host)
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	r := req
	if t.Base.Scheme != "https" || t.Base.Host != discordHost {
		r = req.Clone(req.Context())
		r.URL.Scheme = t.Base.Scheme
		r.URL.Host = t.Base.Host
		r.Host = t.Base.Host
	}
	err := t.waitGlobal(r.Context())
	if err == nil && paced(r.URL.Path) {
		err = paceOf(r.Header.Get("Authorization")).Wait(r.Context())
	}
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &RequestError{Method: r.Method, URL: r.URL.Redacted(), Err: err}
	}
	resp, err := next.RoundTrip(r)
	if err != nil {
		return nil, &RequestError{Method: r.Method, URL: r.URL.Redacted(), Err: err}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		t.noteGlobal(resp)
	}
	return resp, nil
}

// waitGlobal waits until no global rate limit runs, or ctx ends.
func (t *Transport) waitGlobal(ctx context.Context) error {
	for {
		t.mu.Lock()
		wait := time.Until(t.globalUntil)
		t.mu.Unlock()
		if wait <= 0 {
			return nil
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("waiting out Discord's global rate limit: %w", ctx.Err())
		}
	}
}

// noteGlobal starts a global rate limit when resp, a 429, is marked global.
// The body is read and put back.
func (t *Transport) noteGlobal(resp *http.Response) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return
	}
	var b struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	json.Unmarshal(body, &b)
	h := resp.Header
	if !b.Global && !strings.EqualFold(h.Get("X-RateLimit-Global"), "true") && !strings.EqualFold(h.Get("X-RateLimit-Scope"), "global") {
		return
	}
	wait := b.RetryAfter
	if ra, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && ra > wait {
		wait = ra
	}
	if wait <= 0 {
		wait = 1
	}
	d := time.Duration(wait * float64(time.Second))
	t.mu.Lock()
	until := time.Now().Add(d)
	if until.After(t.globalUntil) {
		t.globalUntil = until
	}
	t.mu.Unlock()
	log := t.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Warn("Discord's global rate limit: holding every request", "for", d, "path", resp.Request.URL.Path)
}

// Intents returns the gateway intents the bot needs. The privileged
// MESSAGE_CONTENT intent is asked for only when messageContent is true, that
// is when the bot reads questions asked without a mention.
func Intents(messageContent bool) discordgo.Intent {
	in := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if messageContent {
		in |= discordgo.IntentsMessageContent
	}
	return in
}

// NewSession returns a discordgo session for a bot token whose REST calls
// (interaction callbacks and webhooks included) and gateway look-up all go
// to apiBase, e.g. "https://discord.com", through a [Transport] that logs
// to logger (nil means [slog.Default]). It does not connect: [Bot.Run] does.
func NewSession(token, apiBase string, intents discordgo.Intent, logger *slog.Logger) (*discordgo.Session, error) {
	if token == "" {
		return nil, errors.New("no Discord bot token")
	}
	base, err := ParseAPIBase(apiBase)
	if err != nil {
		return nil, err
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: &Transport{Base: base, Logger: logger}}
	s.Identify.Intents = intents
	// Rate limit sleeps happen inside discordgo; cap them so one 429 cannot
	// hold an answer for long.
	s.MaxRestRetries = 3
	return s, nil
}
