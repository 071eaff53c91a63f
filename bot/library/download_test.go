package library

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDownloader fetches from a loopback "CDN" (the API base's host) and
// refuses every other host, redirects away, files too large by their
// announced size, their Content-Length or their bytes, slow downloads
// and failures, each saying why.
func TestDownloader(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	body := []byte("CHAPTER I\n\nA short book.\n")
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
			t.Errorf("credentials sent to the CDN: %v", r.Header)
		}
		switch r.URL.Path {
		case "/ok.txt":
			w.Write(body)
		case "/big.txt":
			w.Header().Set("Content-Length", "5000")
			w.Write(make([]byte, 5000))
		case "/streamed.txt": // no Content-Length: the bytes are counted
			fl := w.(http.Flusher)
			for range 10 {
				w.Write(make([]byte, 600))
				fl.Flush()
			}
		case "/slow.txt":
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		case "/hop.txt":
			http.Redirect(w, r, "/ok.txt", http.StatusFound)
		case "/away.txt":
			http.Redirect(w, r, other.URL+"/book.txt", http.StatusFound)
		case "/loop.txt":
			http.Redirect(w, r, "/loop.txt", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer cdn.Close()
	d, err := NewDownloader(DownloaderOptions{APIBase: cdn.URL, MaxBytes: 4096, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if got, err := d.Fetch(ctx, cdn.URL+"/ok.txt", int64(len(body))); err != nil || string(got) != string(body) {
		t.Fatalf("Fetch(ok) = %q, %v", got, err)
	}
	if got, err := d.Fetch(ctx, cdn.URL+"/hop.txt", 0); err != nil || string(got) != string(body) {
		t.Errorf("Fetch through a redirect on the same host = %q, %v", got, err)
	}
	for _, tc := range []struct {
		url    string
		size   int64
		reason string
	}{
		{cdn.URL + "/ok.txt", 5000, "it is 4.9 kB, over the limit of 4.0 kB"},
		{cdn.URL + "/big.txt", 10, "it is 4.9 kB, over the limit of 4.0 kB"},
		{cdn.URL + "/streamed.txt", 10, "it is more than 4.0 kB, the limit"},
		{cdn.URL + "/slow.txt", 10, "took longer than 300ms"},
		{cdn.URL + "/missing.txt", 10, "Discord's CDN answered 404 Not Found"},
		{cdn.URL + "/away.txt", 10, "redirected away from Discord's CDN, to 127.0.0.1"},
		{cdn.URL + "/loop.txt", 10, "redirected too many times"},
		{other.URL + "/book.txt", 10, "not on Discord's CDN (127.0.0.1"},
		{"https://evil.example/book.txt", 10, "not on Discord's CDN (evil.example)"},
		{"http://cdn.discordapp.com/attachments/1/2/book.txt", 10, "not on Discord's CDN"}, // not https
		{"https://user:pw@cdn.discordapp.com/attachments/1/2/book.txt", 10, "not on Discord's CDN"},
		{"https://cdn.discordapp.com.evil.example/book.txt", 10, "not on Discord's CDN"},
		{"::not a url", 10, "not on Discord's CDN (an address that is not a URL)"},
	} {
		_, err := d.Fetch(ctx, tc.url, tc.size)
		var de *DownloadError
		if !errors.As(err, &de) || !strings.Contains(de.Reason, tc.reason) {
			t.Errorf("Fetch(%s, %d) = %v, want a DownloadError saying %q", tc.url, tc.size, err, tc.reason)
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
	for _, u := range []string{"https://cdn.discordapp.com/attachments/1/2/a.txt", "https://MEDIA.discordapp.net/attachments/1/2/a.txt"} {
		if !d.allowed(mustParse(t, u)) {
			t.Errorf("%s is not allowed", u)
		}
	}
	if _, err := NewDownloader(DownloaderOptions{APIBase: "discord.com"}); err == nil {
		t.Errorf("an API base without a scheme was taken")
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
