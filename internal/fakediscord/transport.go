package fakediscord

import (
	"fmt"
	"net/http"
	"net/url"
)

// Transport returns an http.RoundTripper that sends requests for
// https://discord.com to base (for example [Server.URL]) and refuses every
// other host, so a test cannot reach the network through discordgo:
//
//	dg, _ := discordgo.New("Bot " + fake.Token)
//	dg.Client = &http.Client{Transport: fakediscord.Transport(fake.URL())}
//
// The gateway needs nothing more: discordgo asks GET /gateway for its URL.
func Transport(base string) http.RoundTripper {
	u, err := url.Parse(base)
	return &transport{base: u, err: err}
}

type transport struct {
	base *url.URL
	err  error
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.err != nil {
		return nil, fmt.Errorf("fakediscord transport: bad base: %w", t.err)
	}
	if r.URL.Scheme != "https" || r.URL.Host != "discord.com" {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("fakediscord transport: refusing %s %s: only https://discord.com is redirected", r.Method, r.URL.Redacted())
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.base.Scheme
	r2.URL.Host = t.base.Host
	r2.Host = t.base.Host
	return http.DefaultTransport.RoundTrip(r2)
}
