package corpus

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readHTMLFile reads an HTML or XHTML page: its title from <title> (or the
// first <h1>), its author from <meta name="author">, its chapters from
// its headings and its paragraphs from the text of its block elements.
// Scripts, styles, navigation and Project Gutenberg's boilerplate are
// never text.
func readHTMLFile(data []byte, _ Options) (parsedDoc, error) {
	p := parseHTML(data, false)
	d := parsedDoc{Title: p.title, Author: p.author}
	d.Blocks = dropTitleHeadings(p.blocks, &d)
	return d, nil
}

// dropTitleHeadings leaves out the headings that repeat the book's title
// or name its author ("by Jane Austen") before the text starts, and takes
// the title from the first heading when the page has no <title>.
func dropTitleHeadings(blocks []block, d *parsedDoc) []block {
	out := blocks[:0:0]
	text := false
	for _, b := range blocks {
		if b.Level == 0 {
			text = true
		}
		if b.Level > 0 && !text {
			switch {
			case d.Title == "" && b.Level == 1:
				d.Title = b.Text
				continue
			case strings.EqualFold(b.Text, d.Title):
				continue
			case byLine.MatchString(b.Text):
				if d.Author == "" {
					d.Author = byLine.FindStringSubmatch(b.Text)[1]
				}
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

var (
	byLine             = regexp.MustCompile(`(?i)^by\s+(.+)$`)
	gutenbergHTMLTitle = regexp.MustCompile(`(?i)^the project gutenberg e-?book of\s+(.+?)(?:,?\s+by\s+(.+?))?\.?$`)
)

// htmlPage is what parseHTML finds in a page.
type htmlPage struct {
	title, author string
	blocks        []block
	// anchors maps an element's id (or an <a name>) to the index in blocks
	// of the first block at or after it.
	anchors map[string]int
}

// Elements whose content is never text.
var skipElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Nav: true, atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Select: true, atom.Button: true, atom.Textarea: true, atom.Canvas: true, atom.Audio: true, atom.Video: true,
}

// Elements that start and end a paragraph.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Body: true,
	atom.Caption: true, atom.Center: true, atom.Dd: true, atom.Details: true, atom.Dialog: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Form: true, atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Li: true, atom.Main: true,
	atom.Ol: true, atom.P: true, atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
	atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true, atom.Ul: true, atom.Html: true,
	atom.Pre: true,
}

var headingLevels = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// rawTextElements are those the tokenizer reads as raw text after their
// start tag; in XHTML they may be self-closing (<script src="x"/>), which
// the tokenizer must be told.
var rawTextElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Title: true, atom.Textarea: true, atom.Xmp: true,
	atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Noscript: true, atom.Plaintext: true,
}

// parseHTML reads a page with the tokenizer, which keeps no tree: deeply
// nested markup costs no more than flat markup. With sections, headings
// do not become heading blocks but the Section of the text below them.
func parseHTML(data []byte, sections bool) htmlPage {
	p := htmlPage{anchors: map[string]int{}}
	z := html.NewTokenizer(bytes.NewReader(data))
	var (
		text     strings.Builder // the paragraph being read
		head     strings.Builder // the heading being read
		title    strings.Builder
		level    int // of the heading being read
		inTitle  bool
		inPre    int
		skip     atom.Atom // the element being skipped, or 0
		skipName string
		depth    int // of skip within itself
		section  string
		links    int             // depth of <a href> being read
		linked   strings.Builder // the paragraph's text inside links
	)
	flush := func() {
		// A paragraph that is all links is navigation (a table of contents).
		allLinks := linked.Len() > 0 && foldSpace(linked.String()) == foldSpace(text.String())
		linked.Reset()
		if allLinks {
			text.Reset()
			return
		}
		if inPre > 0 {
			for _, b := range blocks(text.String()) {
				p.blocks = append(p.blocks, block{Text: b, Section: section})
			}
		} else if t := foldSpace(text.String()); t != "" {
			p.blocks = append(p.blocks, block{Text: t, Section: section})
		}
		text.Reset()
	}
	endHeading := func() {
		h := foldSpace(head.String())
		head.Reset()
		lv := level
		level = 0
		if h == "" {
			return
		}
		if sections {
			section = h
			return
		}
		p.blocks = append(p.blocks, block{Text: h, Level: lv})
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if skip != 0 {
				continue
			}
			t := string(z.Text())
			switch {
			case inTitle:
				title.WriteString(t)
			case level > 0:
				head.WriteString(t)
			default:
				text.WriteString(t)
				if links > 0 {
					linked.WriteString(t)
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			var id, class, nameAttr, content, epubType, href string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "id":
					id = string(v)
				case "class":
					class = string(v)
				case "name":
					nameAttr = string(v)
				case "content":
					content = string(v)
				case "epub:type":
					epubType = string(v)
				case "href":
					href = string(v)
				}
			}
			selfClosing := tt == html.SelfClosingTagToken
			if selfClosing && rawTextElements[a] {
				z.NextIsNotRawText()
			}
			if skip != 0 {
				if !selfClosing && (a != 0 && a == skip || a == 0 && string(name) == skipName) {
					depth++
				}
				continue
			}
			if a == atom.Meta {
				switch strings.ToLower(nameAttr) {
				case "author", "dc.creator", "dcterms.creator":
					if p.author == "" {
						p.author = foldSpace(content)
					}
				}
				continue
			}
			if a == atom.Title && !selfClosing && level == 0 {
				inTitle = true
				continue
			}
			if a == atom.Br || a == atom.Img && level > 0 {
				if level > 0 {
					head.WriteByte(' ')
				} else {
					text.WriteByte(' ')
				}
				continue
			}
			if !selfClosing && (skipElements[a] || boilerplate(id, class, epubType)) {
				skip, skipName, depth = a, string(name), 1
				continue
			}
			if blockElements[a] {
				flush()
				if a == atom.Pre && !selfClosing {
					inPre++
				}
			}
			if lv, ok := headingLevels[a]; ok && !selfClosing {
				flush()
				level = lv
			}
			if id != "" {
				p.anchors[id] = len(p.blocks)
			}
			if a == atom.A && nameAttr != "" {
				p.anchors[nameAttr] = len(p.blocks)
			}
			if a == atom.A && !selfClosing && href != "" && !strings.Contains(href, "://") {
				links++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip != 0 {
				if a != 0 && a == skip || a == 0 && string(name) == skipName {
					if depth--; depth == 0 {
						skip, skipName = 0, ""
					}
				}
				continue
			}
			if a == atom.Title {
				inTitle = false
				continue
			}
			if a == atom.A && links > 0 {
				links--
			}
			if _, ok := headingLevels[a]; ok && level > 0 {
				endHeading()
				continue
			}
			if blockElements[a] {
				if level > 0 {
					endHeading()
				}
				flush()
				if a == atom.Pre && inPre > 0 {
					inPre--
				}
			}
		}
	}
	if level > 0 {
		endHeading()
	}
	flush()
	t := foldSpace(title.String())
	if m := gutenbergHTMLTitle.FindStringSubmatch(t); m != nil {
		t = m[1]
		if p.author == "" {
			p.author = m[2]
		}
	}
	p.title = t
	return p
}

// boilerplate reports an element that holds no part of the book: Project
// Gutenberg's header and licence, page numbers.
func boilerplate(id, class, epubType string) bool {
	return id == "pg-header" || id == "pg-footer" || strings.Contains(class, "pg-boilerplate") ||
		strings.Contains(" "+class+" ", " pagenum ") || strings.Contains(epubType, "pagebreak")
}
