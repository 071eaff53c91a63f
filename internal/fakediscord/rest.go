package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Request is one REST request the fake received.
type Request struct {
	Method  string
	Path    string // without the /api/vN prefix, e.g. "/channels/1/messages"
	Query   url.Values
	Version int    // 9 or 10
	Route   string // the spec path, e.g. "/channels/{channel_id}/messages"; "" if unknown
	Header  http.Header
	Body    json.RawMessage // the JSON body, or payload_json of a multipart body
	Files   []Attachment
	Status  int
	At      time.Time
	// HTTP marks the initial response of an interaction that came as the
	// answer to the fake's POST to the interactions endpoint.
	HTTP bool
}

// route is a REST route the fake serves. spec is the path as written in
// the OpenAPI description; body says whether it takes a JSON body.
type route struct {
	method string
	spec   string
	body   bool
	auth   bool
	handle func(*Server, *call)
}

// routes are tried in order; literal segments (@original) come before
// parameters.
var routes = []route{
	{"GET", "/gateway", false, false, (*Server).getGateway},
	{"GET", "/gateway/bot", false, true, (*Server).getGatewayBot},
	{"GET", "/users/@me", false, true, (*Server).getMe},
	{"POST", "/users/@me/channels", true, true, (*Server).postDM},
	{"GET", "/applications/@me", false, true, (*Server).getApplication},
	{"PUT", "/applications/{application_id}/commands", true, true, (*Server).putCommands},
	{"PUT", "/applications/{application_id}/guilds/{guild_id}/commands", true, true, (*Server).putCommands},
	{"POST", "/interactions/{interaction_id}/{interaction_token}/callback", true, false, (*Server).postCallback},
	{"GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", false, false, (*Server).getWebhookMessage},
	{"PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", true, false, (*Server).patchWebhookMessage},
	{"DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", false, false, (*Server).deleteWebhookMessage},
	{"GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", false, false, (*Server).getWebhookMessage},
	{"PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", true, false, (*Server).patchWebhookMessage},
	{"DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", false, false, (*Server).deleteWebhookMessage},
	{"POST", "/webhooks/{webhook_id}/{webhook_token}", true, false, (*Server).postFollowup},
	{"GET", "/channels/{channel_id}", false, true, (*Server).getChannel},
	{"POST", "/channels/{channel_id}/messages", true, true, (*Server).postMessage},
	{"GET", "/channels/{channel_id}/messages/{message_id}", false, true, (*Server).getMessage},
	{"PATCH", "/channels/{channel_id}/messages/{message_id}", true, true, (*Server).patchMessage},
	{"DELETE", "/channels/{channel_id}/messages/{message_id}", false, true, (*Server).deleteMessage},
	{"POST", "/channels/{channel_id}/typing", false, true, (*Server).postTyping},
	{"PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me", false, true, (*Server).reaction},
	{"DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me", false, true, (*Server).reaction},
	{"POST", "/channels/{channel_id}/messages/{message_id}/threads", true, true, (*Server).postThread},
}

// match reports whether the escaped path fits the route and returns the
// unescaped parameters.
func (rt route) match(method, escaped string) (map[string]string, bool) {
	if method != rt.method {
		return nil, false
	}
	want, got := splitPath(rt.spec), splitPath(escaped)
	if len(want) != len(got) {
		return nil, false
	}
	params := map[string]string{}
	for i, w := range want {
		g, err := url.PathUnescape(got[i])
		if err != nil {
			return nil, false
		}
		if strings.HasPrefix(w, "{") {
			if g == "" {
				return nil, false
			}
			params[strings.Trim(w, "{}")] = g
		} else if w != g {
			return nil, false
		}
	}
	return params, true
}

// call is one REST request being served.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	req    Request
	params map[string]string
	files  []Attachment
}

var (
	apiPrefix = regexp.MustCompile(`^/api/v(9|10)(/.*)$`)
	filePart  = regexp.MustCompile(`^files\[[0-9]\]$`)
)

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	c := &call{s: s, w: w, r: r, req: Request{
		Method: r.Method, Query: r.URL.Query(), Header: r.Header.Clone(), At: s.now(),
	}}
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, c.req)
		s.notifyLocked()
		s.mu.Unlock()
	}()
	sm := apiPrefix.FindStringSubmatch(r.URL.EscapedPath())
	if sm == nil {
		c.req.Path = r.URL.Path
		s.errorf("unknown route %s %s (want /api/v9 or /api/v10)", r.Method, r.URL.Path)
		c.fail(http.StatusNotFound, 0, "404: Not Found")
		return
	}
	c.req.Version, _ = strconv.Atoi(sm[1])
	c.req.Path, _ = url.PathUnescape(sm[2])
	if left, first, ok := s.takeGlobalLimit(); ok {
		if !first {
			s.errorf("%s %s sent during a global rate limit, %v before its Retry-After ends", r.Method, c.req.Path, left.Round(time.Millisecond))
		}
		c.globalLimited(left)
		return
	}
	var rt *route
	for i := range routes {
		if p, ok := routes[i].match(r.Method, sm[2]); ok {
			rt, c.params = &routes[i], p
			break
		}
	}
	if rt == nil {
		s.errorf("unknown route %s %s", r.Method, c.req.Path)
		c.fail(http.StatusNotFound, 0, "404: Not Found")
		return
	}
	c.req.Route = rt.spec
	if s.silentREST(c.req.Path) {
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		return // never answered; Status stays 0
	}
	if rt.auth && r.Header.Get("Authorization") != "Bot "+s.Token {
		s.errorf("%s %s: Authorization %q, want %q", r.Method, c.req.Path, redact(r.Header.Get("Authorization")), "Bot "+s.Token)
		c.fail(http.StatusUnauthorized, 0, "401: Unauthorized")
		return
	}
	if rt.auth && s.overGlobalLimit() {
		s.errorf("%s %s: more than %d requests in one second (Discord's global limit)", r.Method, c.req.Path, globalLimit)
		c.rateLimitHeaders(0, 1)
		c.w.Header().Set("X-RateLimit-Global", "true")
		c.writeJSON(http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": 1.0, "global": true})
		return
	}
	if retry, ok := s.takeRateLimit(r.URL.Path); ok {
		c.rateLimited(retry)
		return
	}
	if err := c.readBody(); err != nil {
		s.errorf("%s %s: %v", r.Method, c.req.Path, err)
		c.fail(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if rt.body && len(bytes.TrimSpace(c.req.Body)) == 0 {
		s.errorf("%s %s: missing JSON body", r.Method, c.req.Path)
		c.fail(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if err := s.schemas.validate(r.Method, rt.spec, c.req.Body); err != nil {
		c.invalid(violations{{code: "SCHEMA", msg: err.Error()}})
		return
	}
	rt.handle(s, c)
}

func redact(auth string) string {
	if auth == "" {
		return ""
	}
	return "[redacted]"
}

// globalLimit is Discord's global limit of requests a second; interaction
// callbacks and webhooks are exempt.
const globalLimit = 50

// overGlobalLimit records a request and reports whether it exceeds the
// global limit.
func (s *Server) overGlobalLimit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	keep := s.recent[:0]
	for _, t := range s.recent {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	s.recent = append(keep, now)
	return len(s.recent) > globalLimit
}

// takeGlobalLimit reports whether a request falls under a global rate
// limit: the one [Server.RateLimitGlobal] asked for (first is true, and the
// limit starts now), or one still running (a violation), with the time left.
func (s *Server) takeGlobalLimit() (left time.Duration, first, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if now.Before(s.globalUntil) {
		return s.globalUntil.Sub(now), false, true
	}
	if s.globalNext > 0 {
		d := s.globalNext
		s.globalNext = 0
		s.globalUntil = now.Add(d)
		s.globalHits = append(s.globalHits, now)
		return d, true, true
	}
	return 0, false, false
}

// silentREST reports whether path is to go unanswered.
func (s *Server) silentREST(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range s.silent {
		if strings.Contains(path, sub) {
			return true
		}
	}
	return false
}

func (s *Server) takeRateLimit(path string) (float64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rl := range s.rateLimits {
		if rl.n > 0 && strings.Contains(path, rl.substr) {
			rl.n--
			return rl.retryAfter, true
		}
	}
	return 0, false
}

// readBody reads a JSON or multipart body into c.req.Body and c.files.
func (c *call) readBody() error {
	ct := c.r.Header.Get("Content-Type")
	if ct == "" {
		b, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(b)) > 0 {
			return fmt.Errorf("body without Content-Type")
		}
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("bad Content-Type %q: %w", ct, err)
	}
	switch mt {
	case "application/json":
		b, err := io.ReadAll(io.LimitReader(c.r.Body, 8<<20))
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(b)) > 0 && !json.Valid(b) {
			return fmt.Errorf("invalid JSON body %q", clip(string(b)))
		}
		c.req.Body = b
		return nil
	case "multipart/form-data":
		if err := c.r.ParseMultipartForm(32 << 20); err != nil {
			return fmt.Errorf("parse multipart body: %w", err)
		}
		form := c.r.MultipartForm
		pj := form.Value["payload_json"]
		if len(pj) != 1 || !json.Valid([]byte(pj[0])) {
			return fmt.Errorf("multipart body needs one valid payload_json part")
		}
		c.req.Body = json.RawMessage(pj[0])
		for i := range 10 {
			fhs := form.File[fmt.Sprintf("files[%d]", i)]
			for _, fh := range fhs {
				f, err := fh.Open()
				if err != nil {
					return err
				}
				data, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return err
				}
				c.files = append(c.files, Attachment{Filename: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Data: data})
			}
		}
		n := len(form.Value) - 1
		for name := range form.File {
			if !filePart.MatchString(name) {
				return fmt.Errorf("unexpected multipart file part %q (want files[0] to files[9])", name)
			}
		}
		if n > 0 {
			return fmt.Errorf("unexpected multipart form fields besides payload_json")
		}
		c.req.Files = c.files
		return nil
	default:
		return fmt.Errorf("unsupported Content-Type %q", ct)
	}
}

// rateLimitHeaders sets the X-RateLimit-* headers Discord sends on every
// response.
func (c *call) rateLimitHeaders(remaining int, resetAfter float64) {
	h := c.w.Header()
	bucket := c.req.Route
	if bucket == "" {
		bucket = "unknown"
	}
	h.Set("X-RateLimit-Limit", "50")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	reset := float64(time.Now().Add(time.Duration(resetAfter*float64(time.Second))).UnixMilli()) / 1000
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%x", bucketHash(c.r.Method+" "+bucket)))
}

func bucketHash(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func (c *call) writeJSON(status int, v any) {
	c.req.Status = status
	if status != http.StatusTooManyRequests {
		c.rateLimitHeaders(49, 1)
	}
	if v == nil {
		c.w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		c.s.errorf("marshal response: %v", err)
		status = http.StatusInternalServerError
		b = []byte(`{"message":"internal error","code":0}`)
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	c.w.Write(b)
}

func (c *call) noContent() { c.writeJSON(http.StatusNoContent, nil) }

// fail writes a Discord JSON error without failing the test.
func (c *call) fail(status, code int, msg string) {
	c.writeJSON(status, map[string]any{"message": msg, "code": code})
}

// globalLimited answers 429 in the shape Discord documents for the global
// limit: Retry-After in whole seconds, X-RateLimit-Global and
// X-RateLimit-Scope, a body with global true, and no X-RateLimit-Reset-After.
func (c *call) globalLimited(left time.Duration) {
	h := c.w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(left.Seconds()))))
	h.Set("X-RateLimit-Global", "true")
	h.Set("X-RateLimit-Scope", "global")
	c.writeJSON(http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": math.Round(left.Seconds()*1000) / 1000, "global": true,
	})
}

func (c *call) rateLimited(retryAfter float64) {
	c.rateLimitHeaders(0, retryAfter)
	c.w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter+0.999)))
	c.w.Header().Set("X-RateLimit-Scope", "user")
	c.writeJSON(http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": retryAfter, "global": false,
	})
}

// invalid fails the test and answers 400 Invalid Form Body (or 50006 for
// an empty message).
func (c *call) invalid(vs violations) {
	var lines []string
	for _, v := range vs {
		lines = append(lines, v.String())
	}
	c.s.errorf("%s %s: Discord would reject this body:\n\t%s\nbody: %s",
		c.req.Method, c.req.Path, strings.Join(lines, "\n\t"), clipBody(c.req.Body))
	if len(vs) == 1 && vs[0].code == "50006" {
		c.fail(http.StatusBadRequest, 50006, "Cannot send an empty message")
		return
	}
	errs := map[string]any{}
	for _, v := range vs {
		node := errs
		if v.path != "" {
			for _, part := range strings.Split(v.path, ".") {
				next, ok := node[part].(map[string]any)
				if !ok {
					next = map[string]any{}
					node[part] = next
				}
				node = next
			}
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": v.code, "message": v.msg})
	}
	c.writeJSON(http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body", "errors": errs})
}

func clipBody(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// violate fails the test and answers with a Discord error.
func (c *call) violate(status, code int, msg, why string) {
	c.s.errorf("%s %s: %s (Discord answers %d %d %q)", c.req.Method, c.req.Path, why, status, code, msg)
	c.fail(status, code, msg)
}
