package bot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordHost is the host discordgo's endpoints are built on.
const discordHost = "discord.com"

// ErrForeignHost is returned by the [Transport] for a request to a host
// other than Discord's API.
var ErrForeignHost = errors.New("request to a host other than discord.com refused")

// Transport is an [http.RoundTripper] that sends every request discordgo
// makes to https://discord.com to Base instead, and refuses any other host,
// so that a bot can run against a test double or a proxy without changing
// discordgo's process-wide endpoint variables.
type Transport struct {
	// Base is the scheme and host requests go to, e.g. http://127.0.0.1:8080.
	Base *url.URL
	// Next sends the rewritten request; nil means [http.DefaultTransport].
	Next http.RoundTripper
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
	if t.Base.Scheme == "https" && t.Base.Host == discordHost {
		return next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.Base.Scheme
	r.URL.Host = t.Base.Host
	r.Host = t.Base.Host
	return next.RoundTrip(r)
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
// to apiBase, e.g. "https://discord.com". It does not connect.
func NewSession(token, apiBase string, intents discordgo.Intent) (*discordgo.Session, error) {
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
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: &Transport{Base: base}}
	s.Identify.Intents = intents
	// Rate limit sleeps happen inside discordgo; cap them so one 429 cannot
	// hold an answer for long.
	s.MaxRestRetries = 3
	return s, nil
}
