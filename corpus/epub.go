package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readEPUB reads an EPUB 2 or 3 book: a zip archive whose
// META-INF/container.xml names the package (OPF) file, whose metadata
// gives the title and author and whose spine the reading order of its
// XHTML content. Chapters come from the table of contents (nav.xhtml in
// EPUB 3, toc.ncx in EPUB 2) or, in a book without one, from the headings.
//
// Hostile archives are refused: more entries than [Options.MaxEntries],
// more unpacked bytes than [Options.MaxUnpackedBytes], entry names that
// climb out of the archive, and books encrypted with DRM.
func readEPUB(data []byte, opt Options) (parsedDoc, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return parsedDoc{}, fmt.Errorf("not a readable EPUB: the zip archive is corrupt or truncated (%v)", err)
	}
	if len(zr.File) > opt.MaxEntries {
		return parsedDoc{}, fmt.Errorf("refused: the EPUB archive has %d entries, over the limit of %d", len(zr.File), opt.MaxEntries)
	}
	a := &epubArchive{files: map[string]*zip.File{}, left: opt.MaxUnpackedBytes, limit: opt.MaxUnpackedBytes}
	for _, f := range zr.File {
		if !safeZipName(f.Name) {
			return parsedDoc{}, fmt.Errorf("refused: the EPUB archive has an unsafe entry name %q", f.Name)
		}
		a.files[f.Name] = f
	}
	if err := checkDRM(a); err != nil {
		return parsedDoc{}, err
	}
	container, err := a.read("META-INF/container.xml")
	if err != nil {
		return parsedDoc{}, fmt.Errorf("not a readable EPUB: META-INF/container.xml: %w", err)
	}
	var c struct {
		Rootfiles []struct {
			FullPath  string `xml:"full-path,attr"`
			MediaType string `xml:"media-type,attr"`
		} `xml:"rootfiles>rootfile"`
	}
	if err := unmarshalXML(container, &c); err != nil || len(c.Rootfiles) == 0 {
		return parsedDoc{}, fmt.Errorf("not a readable EPUB: META-INF/container.xml names no package file")
	}
	opfPath := c.Rootfiles[0].FullPath
	for _, r := range c.Rootfiles {
		if r.MediaType == "application/oebps-package+xml" {
			opfPath = r.FullPath
			break
		}
	}
	opfData, err := a.read(opfPath)
	if err != nil {
		return parsedDoc{}, fmt.Errorf("not a readable EPUB: package file %s: %w", opfPath, err)
	}
	var pkg opfPackage
	if err := unmarshalXML(opfData, &pkg); err != nil {
		return parsedDoc{}, fmt.Errorf("not a readable EPUB: package file %s: %v", opfPath, err)
	}
	base := path.Dir(opfPath)
	items := map[string]opfItem{}
	for _, it := range pkg.Manifest {
		it.Href = resolveHref(base, it.Href)
		items[it.ID] = it
	}
	d := parsedDoc{Title: pkg.title(), Author: pkg.author()}

	// The table of contents: EPUB 3's nav document, else EPUB 2's NCX.
	var toc []tocEntry
	navPath := ""
	for _, it := range pkg.Manifest {
		if hasWord(it.Properties, "nav") {
			navPath = resolveHref(base, it.Href)
			if nav, err := a.read(navPath); err == nil {
				toc = parseNav(nav, path.Dir(navPath))
			} else if errors.Is(err, errUnpackLimit) {
				return parsedDoc{}, err
			}
			break
		}
	}
	if len(toc) == 0 {
		if it, ok := items[pkg.Spine.Toc]; ok {
			if ncx, err := a.read(it.Href); err == nil {
				toc = parseNCX(ncx, path.Dir(it.Href))
			} else if errors.Is(err, errUnpackLimit) {
				return parsedDoc{}, err
			}
		}
	}

	// The spine, in reading order; the table of contents marks chapters in it.
	marks := map[string][]tocEntry{}
	for i, e := range toc {
		e.order = i
		marks[e.file] = append(marks[e.file], e)
	}
	haveTOC := false
	for _, ref := range pkg.Spine.Items {
		if it, ok := items[ref.IDRef]; ok && len(marks[it.Href]) > 0 && ref.Linear != "no" {
			haveTOC = true
		}
	}
	missing := 0
	for _, ref := range pkg.Spine.Items {
		it, ok := items[ref.IDRef]
		if !ok || ref.Linear == "no" || it.Href == navPath || !isXHTML(it.MediaType) {
			continue
		}
		content, err := a.read(it.Href)
		if err != nil {
			if errors.Is(err, errUnpackLimit) {
				return parsedDoc{}, err
			}
			missing++
			continue
		}
		page := parseHTML(content, haveTOC)
		d.Blocks = append(d.Blocks, markChapters(page, marks[it.Href])...)
	}
	if missing > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d content files of the spine are missing or corrupt", missing))
	}
	if !haveTOC {
		d.Blocks = dropTitleHeadings(d.Blocks, &d)
	}
	if len(pkg.Spine.Items) == 0 {
		return d, errors.New("not a readable EPUB: its package has no spine (no reading order)")
	}
	return d, nil
}

// markChapters inserts the chapters the table of contents points to into
// the blocks of one content file.
func markChapters(page htmlPage, entries []tocEntry) []block {
	if len(entries) == 0 {
		return page.blocks
	}
	type mark struct {
		at int
		e  tocEntry
	}
	var ms []mark
	for _, e := range entries {
		at := 0
		if e.frag != "" {
			if i, ok := page.anchors[e.frag]; ok {
				at = i
			}
		}
		ms = append(ms, mark{at, e})
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].at < ms[j].at })
	var out []block
	next := 0
	for i, b := range page.blocks {
		for next < len(ms) && ms[next].at <= i {
			out = append(out, block{Text: ms[next].e.title, Level: ms[next].e.depth + 1})
			next++
		}
		out = append(out, b)
	}
	for ; next < len(ms); next++ {
		out = append(out, block{Text: ms[next].e.title, Level: ms[next].e.depth + 1})
	}
	return out
}

// errUnpackLimit is returned when an archive unpacks to more than allowed.
var errUnpackLimit = errors.New("limit")

// epubArchive reads entries of a zip archive within a budget of unpacked
// bytes, whatever the entries' headers claim.
type epubArchive struct {
	files       map[string]*zip.File
	left, limit int64
}

func (a *epubArchive) read(name string) ([]byte, error) {
	f, ok := a.files[name]
	if !ok {
		return nil, errors.New("not in the archive")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("corrupt entry: %v", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, a.left+1))
	if int64(len(data)) > a.left {
		return nil, fmt.Errorf("refused: the EPUB unpacks to more than %s, the limit (a zip bomb?): %w", megabytes(a.limit), errUnpackLimit)
	}
	a.left -= int64(len(data))
	if err != nil {
		return nil, fmt.Errorf("corrupt entry %s: %v", name, err)
	}
	return data, nil
}

// safeZipName reports whether an entry name stays inside the archive:
// relative, with no ".." element, backslash or NUL.
func safeZipName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\x00") || len(name) > 1 && name[1] == ':' {
		return false
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return false
		}
	}
	return true
}

// checkDRM refuses a book whose content is encrypted: META-INF/rights.xml
// (Adobe ADEPT), or an encryption.xml that encrypts more than fonts
// obfuscated the standard way.
func checkDRM(a *epubArchive) error {
	if _, ok := a.files["META-INF/rights.xml"]; ok {
		return errors.New("refused: the EPUB is protected with DRM (META-INF/rights.xml); storybot reads only books without DRM")
	}
	if _, ok := a.files["META-INF/encryption.xml"]; !ok {
		return nil
	}
	data, err := a.read("META-INF/encryption.xml")
	if err != nil {
		return errors.New("refused: the EPUB is protected with DRM (META-INF/encryption.xml); storybot reads only books without DRM")
	}
	var enc struct {
		Data []struct {
			Method struct {
				Algorithm string `xml:"Algorithm,attr"`
			} `xml:"EncryptionMethod"`
			URI struct {
				URI string `xml:"URI,attr"`
			} `xml:"CipherData>CipherReference"`
		} `xml:"EncryptedData"`
	}
	if unmarshalXML(data, &enc) != nil || len(enc.Data) == 0 {
		return errors.New("refused: the EPUB is protected with DRM (META-INF/encryption.xml); storybot reads only books without DRM")
	}
	for _, e := range enc.Data {
		fontObfuscation := e.Method.Algorithm == "http://www.idpf.org/2008/embedding" || e.Method.Algorithm == "http://ns.adobe.com/pdf/enc#RC"
		if !fontObfuscation {
			return errors.New("refused: the EPUB is protected with DRM (META-INF/encryption.xml encrypts its content); storybot reads only books without DRM")
		}
	}
	return nil
}

// opfPackage is the part of an OPF package file storybot reads.
type opfPackage struct {
	Metadata struct {
		Titles []struct {
			ID    string `xml:"id,attr"`
			Value string `xml:",chardata"`
		} `xml:"title"`
		Creators []struct {
			ID    string `xml:"id,attr"`
			Role  string `xml:"role,attr"`
			Value string `xml:",chardata"`
		} `xml:"creator"`
		Metas []struct {
			Refines  string `xml:"refines,attr"`
			Property string `xml:"property,attr"`
			Value    string `xml:",chardata"`
		} `xml:"meta"`
	} `xml:"metadata"`
	Manifest []opfItem `xml:"manifest>item"`
	Spine    struct {
		Toc   string `xml:"toc,attr"`
		Items []struct {
			IDRef  string `xml:"idref,attr"`
			Linear string `xml:"linear,attr"`
		} `xml:"itemref"`
	} `xml:"spine"`
}

type opfItem struct {
	ID         string `xml:"id,attr"`
	Href       string `xml:"href,attr"`
	MediaType  string `xml:"media-type,attr"`
	Properties string `xml:"properties,attr"`
}

// refined returns the value of an EPUB 3 <meta refines="#id" property="…">.
func (p *opfPackage) refined(id, property string) string {
	if id == "" {
		return ""
	}
	for _, m := range p.Metadata.Metas {
		if m.Refines == "#"+id && m.Property == property {
			return strings.TrimSpace(m.Value)
		}
	}
	return ""
}

// title is the main title: the one refined as title-type main, else the first.
func (p *opfPackage) title() string {
	for _, t := range p.Metadata.Titles {
		if p.refined(t.ID, "title-type") == "main" {
			return foldSpace(t.Value)
		}
	}
	for _, t := range p.Metadata.Titles {
		if v := foldSpace(t.Value); v != "" {
			return v
		}
	}
	return ""
}

// author joins the creators whose role is author (or who have no role):
// "A", "A and B", "A, B and C".
func (p *opfPackage) author() string {
	var names []string
	for _, c := range p.Metadata.Creators {
		role := c.Role
		if role == "" {
			role = p.refined(c.ID, "role")
		}
		if v := foldSpace(c.Value); v != "" && (role == "" || role == "aut") {
			names = append(names, v)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// tocEntry is one entry of a table of contents.
type tocEntry struct {
	file, frag, title string
	depth, order      int
}

// resolveHref resolves a package-relative reference to an archive path.
func resolveHref(base, href string) string {
	href, _, _ = strings.Cut(href, "#")
	if u, err := url.PathUnescape(href); err == nil {
		href = u
	}
	return path.Clean(path.Join(base, href))
}

func splitHref(base, href string) (file, frag string) {
	f, frag, _ := strings.Cut(href, "#")
	if f == "" {
		return "", frag
	}
	return resolveHref(base, f), frag
}

// parseNCX reads an EPUB 2 toc.ncx.
func parseNCX(data []byte, base string) []tocEntry {
	type point struct {
		Label   string `xml:"navLabel>text"`
		Content struct {
			Src string `xml:"src,attr"`
		} `xml:"content"`
		Points []point `xml:"navPoint"`
	}
	var ncx struct {
		Points []point `xml:"navMap>navPoint"`
	}
	if unmarshalXML(data, &ncx) != nil {
		return nil
	}
	var out []tocEntry
	var walk func(ps []point, depth int)
	walk = func(ps []point, depth int) {
		for _, p := range ps {
			file, frag := splitHref(base, p.Content.Src)
			if t := foldSpace(p.Label); t != "" && file != "" {
				out = append(out, tocEntry{file: file, frag: frag, title: t, depth: depth})
			}
			walk(p.Points, depth+1)
		}
	}
	walk(ncx.Points, 0)
	return out
}

// parseNav reads the toc <nav> of an EPUB 3 navigation document.
func parseNav(data []byte, base string) []tocEntry {
	z := html.NewTokenizer(bytes.NewReader(data))
	var out []tocEntry
	inNav, navDepth, olDepth := false, 0, 0
	var href string
	var label strings.Builder
	inLink := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		switch tt {
		case html.StartTagToken:
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			switch {
			case a == atom.Nav && !inNav && (hasWord(attrs["epub:type"], "toc") || hasWord(attrs["role"], "doc-toc")):
				inNav, navDepth = true, 1
			case a == atom.Nav && inNav:
				navDepth++
			case inNav && a == atom.Ol:
				olDepth++
			case inNav && a == atom.A:
				href, inLink = attrs["href"], true
				label.Reset()
			}
		case html.TextToken:
			if inLink {
				label.Write(z.Text())
			}
		case html.EndTagToken:
			switch {
			case a == atom.Nav && inNav:
				if navDepth--; navDepth == 0 {
					return out
				}
			case inNav && a == atom.Ol:
				olDepth--
			case inNav && a == atom.A && inLink:
				inLink = false
				file, frag := splitHref(base, href)
				if t := foldSpace(label.String()); t != "" && file != "" {
					out = append(out, tocEntry{file: file, frag: frag, title: t, depth: max(0, olDepth-1)})
				}
			}
		}
	}
}

func isXHTML(mediaType string) bool {
	return mediaType == "application/xhtml+xml" || mediaType == "text/html" || mediaType == "application/x-dtbook+xml"
}

func hasWord(list, word string) bool {
	for _, w := range strings.Fields(list) {
		if w == word {
			return true
		}
	}
	return false
}

// unmarshalXML decodes XML leniently (HTML entities, unknown namespaces).
// encoding/xml expands no entity but the predefined and HTML ones, so a
// "billion laughs" file stays small, and it refuses nesting deeper than
// 10,000.
func unmarshalXML(data []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) { return input, nil }
	return d.Decode(v)
}
