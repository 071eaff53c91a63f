// Package interactions serves Discord's interactions endpoint: slash
// commands, buttons, forms and autocompletion that Discord sends as HTTP
// POSTs signed with the application's Ed25519 key, instead of over the
// gateway. Any process behind a load balancer can answer them.
//
// A request is answered only when its X-Signature-Ed25519 verifies over
// X-Signature-Timestamp and the body with the application's public key,
// its timestamp is within [Options.MaxAge] of the clock and its
// interaction has not been seen before; otherwise it gets 401, as Discord
// requires (Discord sends bad signatures on purpose to check). A PING is
// answered with a PONG. Every other interaction goes to the bot's router
// ([Bot.ServeInteraction]), whose initial response becomes the HTTP
// response; edits and follow-ups go through the REST API as usual.
package interactions

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Bot serves interactions; *storybot/bot.Bot implements it.
type Bot interface {
	// ServeInteraction serves i, sending its initial response with send,
	// and returns when its handler has.
	ServeInteraction(i *discordgo.Interaction, send func(ctx context.Context, r *discordgo.InteractionResponse) error)
}

// ErrLate is returned to a handler whose initial response comes after the
// HTTP request was answered (or given up on).
var ErrLate = errors.New("the interaction's HTTP request was already answered")

// ParsePublicKey reads the application's public key as the Developer
// Portal shows it: 64 hexadecimal digits.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("want the 64 hexadecimal digits of the application's public key (Developer Portal → General Information)")
	}
	return ed25519.PublicKey(b), nil
}

// Options configure a [Handler]. Zero values mean the defaults given.
type Options struct {
	// PublicKey is the application's public key. Required.
	PublicKey ed25519.PublicKey
	// Bot serves the interactions. Required.
	Bot Bot
	// Logger receives a line for each refused request; nil means
	// [slog.Default].
	Logger *slog.Logger
	// MaxAge is how far a request's timestamp may be from the clock, either
	// way. Default 30s: Discord sends at once and wants an answer within
	// 3 s, so an older request is a replay.
	MaxAge time.Duration
	// Wait bounds the wait for the initial response; then the request is
	// answered with 503 and Discord shows that the interaction failed.
	// Default 2.5s, within Discord's 3 s.
	Wait time.Duration
	// Now is the clock; nil means [time.Now].
	Now func() time.Time
}

// Handler is the interactions endpoint, an [http.Handler]. It is safe for
// concurrent use.
type Handler struct {
	opts Options
	log  *slog.Logger

	mu   sync.Mutex
	seen map[string]time.Time // interaction ID → its timestamp, for MaxAge
}

// New returns the endpoint's handler.
func New(opts Options) (*Handler, error) {
	if len(opts.PublicKey) != ed25519.PublicKeySize || opts.Bot == nil {
		return nil, errors.New("interactions: a public key and a bot are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 30 * time.Second
	}
	if opts.Wait <= 0 {
		opts.Wait = 2500 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Handler{opts: opts, log: opts.Logger, seen: map[string]time.Time{}}, nil
}

// maxBody bounds a request body; interactions are far smaller.
const maxBody = 1 << 20

// ServeHTTP implements [http.Handler].
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "interactions are POSTed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	ts := r.Header.Get("X-Signature-Timestamp")
	if why := h.verify(r.Header.Get("X-Signature-Ed25519"), ts, body); why != "" {
		h.refuse(w, r, why)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil || i.ID == "" || i.Token == "" {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	if !h.fresh(i.ID, ts) {
		h.refuse(w, r, "interaction "+i.ID+" was seen before (a replay)")
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	h.serve(w, r, &i)
}

// verify checks the signature and the timestamp, and returns why the
// request is refused, or "".
func (h *Handler) verify(sigHex, ts string, body []byte) string {
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize || ts == "" {
		return "no valid X-Signature-Ed25519 and X-Signature-Timestamp"
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(h.opts.PublicKey, msg, sig) {
		return "bad signature"
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "timestamp is not a number of seconds"
	}
	if d := h.opts.Now().Sub(time.Unix(secs, 0)); d > h.opts.MaxAge || d < -h.opts.MaxAge {
		return fmt.Sprintf("timestamp %v from the clock (more than %v: a replay, or a clock that is wrong)", d.Round(time.Second), h.opts.MaxAge)
	}
	return ""
}

// fresh records interaction id with its timestamp ts and reports whether
// it is new. IDs older than MaxAge are forgotten: their timestamps are
// refused anyway.
func (h *Handler) fresh(id, ts string) bool {
	secs, _ := strconv.ParseInt(ts, 10, 64)
	at := time.Unix(secs, 0)
	now := h.opts.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.seen[id]; dup {
		return false
	}
	if len(h.seen) > 1000 {
		for k, t := range h.seen {
			if now.Sub(t) > h.opts.MaxAge {
				delete(h.seen, k)
			}
		}
	}
	h.seen[id] = at
	return true
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, why string) {
	h.log.Warn("interactions: refused a request", "why", why, "remote", r.RemoteAddr)
	http.Error(w, "invalid request signature", http.StatusUnauthorized)
}

// serve hands i to the bot and answers the request with its initial
// response.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction) {
	type reply struct {
		resp    *discordgo.InteractionResponse
		written chan error
	}
	first := make(chan reply)
	gone := make(chan struct{}) // closed when this request is answered
	finished := make(chan struct{})
	send := func(ctx context.Context, resp *discordgo.InteractionResponse) error {
		rp := reply{resp: resp, written: make(chan error, 1)}
		select {
		case first <- rp:
			return <-rp.written
		case <-gone:
			return ErrLate
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	go func() {
		defer close(finished)
		h.opts.Bot.ServeInteraction(i, send)
	}()
	t := time.NewTimer(h.opts.Wait)
	defer t.Stop()
	defer close(gone)
	select {
	case rp := <-first:
		rp.written <- writeJSON(w, rp.resp)
	case <-finished:
		h.log.Error("interactions: the handler sent no response", "interaction", i.ID)
		http.Error(w, "no response", http.StatusInternalServerError)
	case <-t.C:
		h.log.Error("interactions: no response in time", "interaction", i.ID, "wait", h.opts.Wait)
		http.Error(w, "no response in time", http.StatusServiceUnavailable)
	case <-r.Context().Done():
	}
}

func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the response", http.StatusInternalServerError)
		return fmt.Errorf("encode the interaction response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write the interaction response: %w", err)
	}
	return nil
}
