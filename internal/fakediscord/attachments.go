package fakediscord

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// File is a file a user attaches to a slash command's attachment option
// (see [Server.Attach] and [Server.SlashCommandFiles]). The fake serves
// its bytes on loopback at the URL the interaction names, as Discord's CDN
// would, without authentication.
type File struct {
	Filename    string
	ContentType string
	Data        []byte
	// Size is the size the interaction announces; 0 means len(Data).
	Size int
	// URL is the address the interaction names instead of the fake's own
	// (another host, say); the fake serves nothing there.
	URL string
	// Redirect makes the fake answer a download with 302 Found to this
	// address.
	Redirect string
}

// Download is a request the fake received for an attachment's bytes.
type Download struct {
	// ID is the attachment's ID, "" for an unknown one.
	ID     string
	Path   string
	Status int
	At     time.Time
}

// cdn holds the attached files and the downloads of them.
type cdn struct {
	mu        sync.Mutex
	files     map[string]File
	downloads []Download
}

// Attach keeps f to be attached to a command by its ID, which it returns.
func (s *Server) Attach(f File) string {
	s.mu.Lock()
	id := s.newIDLocked()
	s.mu.Unlock()
	s.cdn.mu.Lock()
	defer s.cdn.mu.Unlock()
	if s.cdn.files == nil {
		s.cdn.files = map[string]File{}
	}
	s.cdn.files[id] = f
	return id
}

// AttachmentOption returns an attachment option holding the file attached
// with [Server.Attach] as id.
func AttachmentOption(name, id string) Option {
	return Option{Name: name, Type: int(discordgo.ApplicationCommandOptionAttachment), Value: id}
}

// SlashCommandFiles is [Server.SlashCommand] for a command whose options
// hold attachments (see [AttachmentOption]): the payload's
// data.resolved.attachments describe the files attached as ids, with
// their URLs on the fake's CDN path, /attachments/CHANNEL/ID/NAME.
func (s *Server) SlashCommandFiles(user User, channelID, name string, ids []string, options ...Option) *Interaction {
	s.t.Helper()
	cmd := s.command(name, discordgo.ChatApplicationCommand)
	resolved := map[string]any{}
	s.cdn.mu.Lock()
	for _, id := range ids {
		f, ok := s.cdn.files[id]
		if !ok {
			s.cdn.mu.Unlock()
			s.errorf("attachment %s was not attached with Attach", id)
			s.cdn.mu.Lock()
			continue
		}
		size := f.Size
		if size == 0 {
			size = len(f.Data)
		}
		url := s.URL() + "/attachments/" + channelID + "/" + id + "/" + f.Filename
		if f.URL != "" {
			url = f.URL
		}
		a := map[string]any{"id": id, "filename": f.Filename, "size": size, "url": url, "proxy_url": url}
		if f.ContentType != "" {
			a["content_type"] = f.ContentType
		}
		resolved[id] = a
	}
	s.cdn.mu.Unlock()
	return s.sendInteraction(user, channelID, InteractionCommand, map[string]any{
		"id": cmd.ID, "name": name, "type": 1, "options": optionsJSON(options),
		"resolved": map[string]any{"attachments": resolved},
	}, nil)
}

// Downloads returns the requests for attachments received so far, in
// order.
func (s *Server) Downloads() []Download {
	s.cdn.mu.Lock()
	defer s.cdn.mu.Unlock()
	return append([]Download(nil), s.cdn.downloads...)
}

// serveAttachment serves GET /attachments/CHANNEL/ID/NAME, as the CDN
// does: no authentication, and a bot token sent there fails the test. A
// download is recorded before it is answered, so that a test that sees
// the bot's reply sees the download too.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		s.errorf("GET %s: an Authorization header sent to the CDN, which needs none", r.URL.Path)
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/attachments/"), "/")
	s.cdn.mu.Lock()
	var f File
	ok := false
	if len(parts) == 3 {
		f, ok = s.cdn.files[parts[1]]
		ok = ok && f.Filename == parts[2]
	}
	d := Download{Path: r.URL.Path, At: s.now()}
	switch {
	case r.Method != http.MethodGet:
		d.Status = http.StatusMethodNotAllowed
	case !ok:
		d.Status = http.StatusNotFound
	case f.Redirect != "":
		d.ID, d.Status = parts[1], http.StatusFound
	default:
		d.ID, d.Status = parts[1], http.StatusOK
	}
	s.cdn.downloads = append(s.cdn.downloads, d)
	s.cdn.mu.Unlock()
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	switch d.Status {
	case http.StatusFound:
		http.Redirect(w, r, f.Redirect, http.StatusFound)
	case http.StatusOK:
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
		w.Write(f.Data)
	default:
		http.Error(w, fmt.Sprintf("%d", d.Status), d.Status)
	}
}
