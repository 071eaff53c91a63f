package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// cdnHosts are the hosts Discord serves attachments from.
var cdnHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// DownloadError says why a file was not downloaded, in words for the
// member who added it.
type DownloadError struct {
	Reason string
	Err    error // the failure behind it, for the log; may be nil
}

func (e *DownloadError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

func (e *DownloadError) Unwrap() error { return e.Err }

// DownloaderOptions configure [NewDownloader]. Zero values mean the
// documented defaults.
type DownloaderOptions struct {
	// APIBase is where the bot's REST calls go (DISCORD_API_BASE, by
	// default https://discord.com): its scheme and host may serve
	// attachments too, besides Discord's CDN (a proxy, or the fake Discord
	// of the tests).
	APIBase string
	// MaxBytes is the largest file downloaded. Default 25 MiB.
	MaxBytes int64
	// Timeout bounds a download, redirects included. Default 60s.
	Timeout time.Duration
	// Transport makes the requests; nil means a clone of
	// [http.DefaultTransport].
	Transport http.RoundTripper
}

// Downloader fetches the files members attach to /book add: only from
// Discord's CDN (https://cdn.discordapp.com, https://media.discordapp.net)
// or the host of the API base, following redirects only to those, within
// a size limit checked before and while reading, and a timeout. It sends
// no credentials. It is safe for concurrent use.
type Downloader struct {
	api     *url.URL
	max     int64
	timeout time.Duration
	client  *http.Client
}

// NewDownloader returns a downloader; it fails on an API base that is not
// an absolute http(s) URL.
func NewDownloader(opts DownloaderOptions) (*Downloader, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 25 << 20
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	d := &Downloader{max: opts.MaxBytes, timeout: opts.Timeout}
	if opts.APIBase != "" {
		u, err := url.Parse(opts.APIBase)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("downloader: API base %q is not an http(s) URL", opts.APIBase)
		}
		d.api = u
	}
	d.client = &http.Client{
		Transport: opts.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return &DownloadError{Reason: "the download was redirected too many times"}
			}
			if !d.allowed(req.URL) {
				return &DownloadError{Reason: fmt.Sprintf("the download was redirected away from Discord's CDN, to %s", req.URL.Host)}
			}
			return nil
		},
	}
	return d, nil
}

// MaxBytes is the largest file the downloader takes.
func (d *Downloader) MaxBytes() int64 { return d.max }

// allowed reports whether u is on Discord's CDN or the API base's host.
func (d *Downloader) allowed(u *url.URL) bool {
	if u == nil || u.User != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Host)
	for _, h := range cdnHosts {
		if u.Scheme == "https" && (host == h || host == h+":443") {
			return true
		}
	}
	return d.api != nil && u.Scheme == d.api.Scheme && host == strings.ToLower(d.api.Host)
}

// Fetch downloads the file at rawURL, which Discord announced as size
// bytes. A file refused, or a download that fails, is a [*DownloadError]
// saying why.
func (d *Downloader) Fetch(ctx context.Context, rawURL string, size int64) ([]byte, error) {
	if size > d.max {
		return nil, d.tooLarge(size)
	}
	u, err := url.Parse(rawURL)
	if err != nil || !d.allowed(u) {
		host := "an address that is not a URL"
		if err == nil {
			host = u.Host
		}
		return nil, &DownloadError{Reason: fmt.Sprintf("its address is not on Discord's CDN (%s)", host)}
	}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &DownloadError{Reason: "its address cannot be fetched", Err: err}
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, d.failed(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &DownloadError{Reason: fmt.Sprintf("Discord's CDN answered %s", resp.Status)}
	}
	if resp.ContentLength > d.max {
		return nil, d.tooLarge(resp.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, d.max+1))
	if err != nil {
		return nil, d.failed(ctx, err)
	}
	if int64(len(data)) > d.max {
		return nil, d.tooLarge(int64(len(data)))
	}
	return data, nil
}

func (d *Downloader) failed(ctx context.Context, err error) error {
	if de, ok := errors.AsType[*DownloadError](err); ok {
		return de
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &DownloadError{Reason: fmt.Sprintf("the download took longer than %v", d.timeout), Err: err}
	}
	return &DownloadError{Reason: "the download failed", Err: err}
}

// tooLarge says a file of n bytes is too large; a file read up to the
// limit is "more than" it.
func (d *Downloader) tooLarge(n int64) error {
	if n == d.max+1 {
		return &DownloadError{Reason: fmt.Sprintf("it is more than %s, the limit (LIBRARY_MAX_FILE_MB)", size(d.max))}
	}
	return &DownloadError{Reason: fmt.Sprintf("it is %s, over the limit of %s (LIBRARY_MAX_FILE_MB)", size(n), size(d.max))}
}

// size writes a number of bytes for people: "2.1 MB", "3.0 kB", "12 bytes".
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
