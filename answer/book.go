package answer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"storybot/corpus"
)

// Questions about the book itself ("Who wrote this book?", "How many
// chapters are there?", "What is chapter 3 called?") are answered from
// the documents' metadata and structure, not from their text.

var (
	authorRE   = regexp.MustCompile(`(?i)^\s*(?:who\s+(?:wrote|is\s+the\s+author\s+of|was\s+the\s+author\s+of|authored)\s+(?:this|the)\s+(?:book|novel|story|text|work)|who\s+is\s+the\s+author)\s*\??\s*$`)
	titleRE    = regexp.MustCompile(`(?i)^\s*what\s+is\s+(?:the\s+(?:title|name)\s+of\s+)?(?:this|the)\s+(?:book|novel|story|text)(?:\s+called)?\s*\??\s*$`)
	chaptersRE = regexp.MustCompile(`(?i)^\s*how\s+many\s+(chapters|parts|staves|books|letters|volumes)\s+(?:are\s+there|does\s+(?:it|this\s+book|the\s+book|the\s+novel)\s+have|has\s+(?:it|this\s+book|the\s+book))(?:\s+in\s+(?:it|this\s+book|the\s+book|the\s+novel))?\s*\??\s*$`)
	chapterRE  = regexp.MustCompile(`(?i)^\s*what\s+(?:is|was)\s+(?:the\s+(?:title|name)\s+of\s+)?(chapter|part|stave|book|letter|volume)\s+(\w+)(?:\s+called|'s\s+(?:title|name))?\s*\??\s*$`)
)

// bookWords are the words one of which every question about the book
// itself holds (see authorRE and the others): a cheap test before them.
var bookWords = []string{"book", "novel", "story", "text", "work", "author", "chapter", "part", "stave", "letter", "volume"}

func mayAskBook(q string) bool {
	l := strings.ToLower(q)
	for _, w := range bookWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// bookAnswer answers a question about the corpus's documents themselves,
// or reports false when the question is not one.
func (e *Engine) bookAnswer(q string) (Answer, bool) {
	if !mayAskBook(q) {
		return Answer{}, false
	}
	c := e.corpus
	a := Answer{Question: q, Mode: ModeKeyword, Found: true, Confidence: 1}
	var parts []string
	switch {
	case authorRE.MatchString(q):
		for _, d := range c.Docs {
			if d.Author == "" {
				parts = append(parts, fmt.Sprintf("%s does not name its author.", d.Title))
			} else {
				parts = append(parts, fmt.Sprintf("**%s** wrote %s.", d.Author, d.Title))
			}
		}
		if len(c.Docs) == 1 {
			a.Span = c.Docs[0].Author
		}
	case titleRE.MatchString(q):
		for _, d := range c.Docs {
			parts = append(parts, fmt.Sprintf("**%s**%s.", d.Title, byAuthor(d)))
		}
		if len(c.Docs) == 1 {
			a.Span = c.Docs[0].Title
		}
	case chaptersRE.MatchString(q):
		kind := divisionKind(chaptersRE.FindStringSubmatch(q)[1])
		for _, d := range c.Docs {
			n := 0
			for _, ch := range d.Chapters {
				if ch.Kind == kind {
					n++
				}
			}
			parts = append(parts, fmt.Sprintf("%s has **%d** %s.", d.Title, n, plural(kind, n)))
			if len(c.Docs) == 1 {
				a.Span = strconv.Itoa(n)
			}
		}
	case chapterRE.MatchString(q):
		m := chapterRE.FindStringSubmatch(q)
		kind, want := divisionKind(m[1]), numberValue(m[2])
		for _, d := range c.Docs {
			for _, ch := range d.Chapters {
				if ch.Kind != kind || want <= 0 || numberValue(ch.Number) != want {
					continue
				}
				if e.hiddenPara(ch.FirstParagraph) {
					parts = append(parts, fmt.Sprintf("In %s, %s comes after where %s read.", d.Title, ch.Label, e.readerHas()))
				} else if ch.Name == "" {
					parts = append(parts, fmt.Sprintf("In %s, %s has no title of its own.", d.Title, ch.Label))
				} else {
					parts = append(parts, fmt.Sprintf("In %s, %s is called **%s**.", d.Title, ch.Label, ch.Name))
					a.Span = ch.Name
				}
			}
		}
		if len(parts) == 0 {
			a.Found = false
			a.Confidence = 0
			parts = append(parts, fmt.Sprintf("No document here has a %s %s.", kind, m[2]))
		}
	default:
		return Answer{}, false
	}
	if len(c.Docs) == 0 || len(parts) == 0 {
		return Answer{}, false
	}
	a.Text = strings.Join(parts, "\n") + "\n(From the book's own title page and contents.)"
	return a, true
}

func byAuthor(d corpus.Document) string {
	if d.Author == "" {
		return ""
	}
	return ", by " + d.Author
}

// divisionKind turns "chapters" or "Staves" into the kind of division the
// corpus records ("chapter", "stave").
func divisionKind(w string) string {
	w = strings.ToLower(w)
	switch w {
	case "staves":
		return "stave"
	case "chapters", "parts", "books", "letters", "volumes":
		return strings.TrimSuffix(w, "s")
	}
	return w
}

func plural(kind string, n int) string {
	if n == 1 {
		return kind
	}
	if kind == "stave" {
		return "staves"
	}
	return kind + "s"
}

// numberValue reads a chapter number as printed: "12", "XII", "twelve";
// 0 when it is none.
func numberValue(s string) int {
	s = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(s, ".")))
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if n, ok := wordNumbers[s]; ok {
		return n
	}
	roman := map[byte]int{'i': 1, 'v': 5, 'x': 10, 'l': 50, 'c': 100}
	total := 0
	for i := 0; i < len(s); i++ {
		v, ok := roman[s[i]]
		if !ok {
			return 0
		}
		if i+1 < len(s) && roman[s[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	return total
}

var wordNumbers = func() map[string]int {
	m := map[string]int{}
	for i, w := range strings.Fields("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty") {
		m[w] = i + 1
	}
	for i, w := range strings.Fields("first second third fourth fifth sixth seventh eighth ninth tenth") {
		m[w] = i + 1
	}
	return m
}()
