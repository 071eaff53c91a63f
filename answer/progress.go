package answer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A reader's progress through a book hides what comes after it: an
// engine seen through [Engine.UpTo] searches, answers, cites, lists and
// shows only the text up to the end of a chapter, as if the book ended
// there. A question answered only further on gets an answer that says so
// without saying what; asked with [Question].Spoilers, it is answered from
// the whole book with the later text behind Discord's spoiler markup.

// Mark is a chapter a reader's progress can name: the chapters of the
// corpus that hold no chapters of their own, in reading order.
type Mark struct {
	// N is the chapter's place in reading order, from 1: what
	// [Progress].Chapter counts.
	N int
	// Label names the chapter in references ("ch. 12", "book II, ch. 3");
	// Name is its own title, if any; Heading is the heading as printed.
	Label, Name, Heading string
	// Title is the title of the document the chapter is in.
	Title string
	// end is the first paragraph after the chapter; number is its
	// number as printed.
	end    int
	number string
}

// Progress is how far a reader, or a group, has read.
type Progress struct {
	// Chapter is the last chapter read, counted as [Engine.Chapters]
	// numbers them; 0 means the whole corpus.
	Chapter int
	// Reader says whose progress it is in the answers that decline:
	// "you" (the default) or "this channel".
	Reader string
}

// ErrNoChapter is returned by [Engine.UpTo] for a chapter the corpus does
// not have.
var ErrNoChapter = errors.New("no such chapter")

// ErrBeyond is returned by [Engine.Source] for a passage after the
// reader's progress.
var ErrBeyond = errors.New("that passage comes after where you have read")

// Chapters lists the chapters a reader's progress can name, in reading
// order; none when the corpus has no chapters.
func (e *Engine) Chapters() []Mark { return e.marks }

// marks lists the corpus's innermost chapters in reading order.
func (e *Engine) chapterMarks() []Mark {
	var out []Mark
	c := e.corpus
	for _, d := range c.Docs {
		parent := make([]bool, len(d.Chapters))
		for _, ch := range d.Chapters {
			if ch.Parent >= 0 && ch.Parent < len(parent) {
				parent[ch.Parent] = true
			}
		}
		for i, ch := range d.Chapters {
			if parent[i] {
				continue
			}
			out = append(out, Mark{N: len(out) + 1, Label: ch.Label, Name: ch.Name, Heading: ch.Heading, Title: d.Title,
				end: ch.FirstParagraph + ch.ParagraphCount, number: ch.Number})
		}
	}
	return out
}

// FindChapter finds the chapter a reader names: by its printed number
// ("12", "XII", when one chapter has it), by its label ("ch. 12",
// "book II, ch. 3") or name, or, failing those, by its place in reading
// order. It returns [ErrNoChapter] for none.
func (e *Engine) FindChapter(s string) (Mark, error) {
	s = strings.TrimSpace(s)
	full := e
	if e.full != nil {
		full = e.full
	}
	marks := full.marks
	if len(marks) == 0 {
		return Mark{}, fmt.Errorf("%w: the text has no chapters", ErrNoChapter)
	}
	if n := numberValue(s); n > 0 {
		var found []Mark
		for _, m := range marks {
			if numberValue(m.number) == n {
				found = append(found, m)
			}
		}
		if len(found) == 1 {
			return found[0], nil
		}
	}
	for _, m := range marks {
		if strings.EqualFold(m.Label, s) || m.Name != "" && strings.EqualFold(m.Name, s) || strings.EqualFold(m.Heading, s) {
			return m, nil
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(marks) {
		return marks[n-1], nil
	}
	return Mark{}, fmt.Errorf("%w: %q (the text has %d, %s to %s)", ErrNoChapter, s, len(marks), marks[0].Label, marks[len(marks)-1].Label)
}

// UpTo returns the engine as a reader sees it who has read up to the end
// of chapter p.Chapter: everything it does draws only on the text before
// the next chapter. With p.Chapter 0 it returns e itself. It returns
// [ErrNoChapter] for a chapter that is not in [Engine.Chapters].
func (e *Engine) UpTo(p Progress) (*Engine, error) {
	full := e
	if e.full != nil {
		full = e.full
	}
	if p.Chapter == 0 {
		return full, nil
	}
	if p.Chapter < 0 || p.Chapter > len(full.marks) {
		if len(full.marks) == 0 {
			return nil, fmt.Errorf("%w: the text has no chapters", ErrNoChapter)
		}
		return nil, fmt.Errorf("%w: %d (the text has chapters 1 to %d)", ErrNoChapter, p.Chapter, len(full.marks))
	}
	m := full.marks[p.Chapter-1]
	if p.Chapter == len(full.marks) && m.end >= len(full.corpus.Paragraphs) {
		return full, nil
	}
	v := *full
	v.full = full
	v.mark = m
	v.reader = p.Reader
	if v.reader == "" {
		v.reader = "you"
	}
	v.paraEnd = m.end
	v.sentEnd = len(full.corpus.Sentences)
	if m.end < len(full.corpus.Paragraphs) {
		v.sentEnd = full.corpus.Paragraphs[m.end].FirstSentence
	}
	return &v, nil
}

// Progress returns the chapter the engine reads up to (see [Engine.UpTo]),
// and false when it sees the whole corpus.
func (e *Engine) Progress() (Mark, bool) { return e.mark, e.full != nil }

// hiddenPara reports whether a paragraph lies beyond the reader's progress.
func (e *Engine) hiddenPara(p int) bool { return e.full != nil && p >= e.paraEnd }

// hiddenSent reports whether a sentence lies beyond the reader's progress.
func (e *Engine) hiddenSent(s int) bool { return e.full != nil && s >= e.sentEnd }

// before is the [retrieval.Query] bound of what the reader may see.
func (e *Engine) before() int {
	if e.full == nil {
		return 0
	}
	return e.sentEnd
}

// has is "has" or "have" for the reader.
func (e *Engine) readerHas() string {
	if e.reader == "you" || e.reader == "I" || e.reader == "we" || e.reader == "they" {
		return e.reader + " have"
	}
	return e.reader + " has"
}

// beyondText says that the answer lies after the reader's progress.
func (e *Engine) beyondText() string {
	return fmt.Sprintf("The book answers this after %s, beyond where %s read.", e.mark.Label, e.readerHas())
}

// progressAnswer answers a question through a limited view: with
// spoilers from the whole corpus, the later text hidden; otherwise from
// the text read so far, and when only the rest answers, saying so.
func (e *Engine) progressAnswer(ctx context.Context, q Question) (Answer, error) {
	if q.Spoilers {
		q.Spoilers = false
		q.Stream = nil // the text must be hidden before anyone sees it
		a, err := e.full.answer(ctx, q)
		if err != nil {
			return a, err
		}
		return e.spoil(a), nil
	}
	a, err := e.answer(ctx, q)
	if err != nil || a.Found {
		return a, err
	}
	q.Mode, q.Stream = ModeKeyword, nil
	fa, err := e.full.answer(ctx, q)
	if err != nil {
		return Answer{}, err
	}
	if fa.Found && len(fa.Citations) > 0 && e.hiddenCitation(fa.Citations[0]) {
		return Answer{Question: a.Question, Mode: a.Mode, Notice: a.Notice, Beyond: true, Text: e.beyondText()}, nil
	}
	return a, nil
}

// spoil hides the parts of an answer from the whole corpus that lie
// beyond the reader's progress behind spoiler markup: the quotations and
// short answer of a keyword answer, the whole of a model answer, and the
// text of the citations.
func (e *Engine) spoil(a Answer) Answer {
	quoted := a.Mode != ModeLLM // keyword answers quote their citations
	hide := func(cs []Citation) (later bool) {
		for i, c := range cs {
			if !e.hiddenCitation(c) {
				continue
			}
			later = true
			if quoted {
				a.Text = strings.Replace(a.Text, "“"+c.Text+"”", "“"+spoiler(c.Text)+"”", 1)
			}
			cs[i].Text, cs[i].Beyond = spoiler(c.Text), true
		}
		return later
	}
	cited := hide(a.Citations)
	related := hide(a.Related)
	if !cited && !related {
		return a
	}
	switch {
	case cited && !quoted:
		a.Text = spoiler(a.Text)
	case cited && a.Span != "":
		a.Text = strings.Replace(a.Text, "**"+a.Span+"**", "**"+spoiler(a.Span)+"**", 1)
		a.Span = spoiler(a.Span)
	}
	a.Notice = joinNotice(a.Notice, fmt.Sprintf("Spoilers: this answer draws on the book after %s, where the text is hidden.", e.mark.Label))
	return a
}

// spoiler wraps text in Discord's spoiler markup, keeping any bars inside
// from closing it early.
func spoiler(s string) string {
	return "||" + strings.ReplaceAll(s, "||", "| |") + "||"
}

// hiddenCitation reports whether a citation lies beyond the reader's
// progress.
func (e *Engine) hiddenCitation(c Citation) bool {
	p, ok := e.paraOf(c.ID)
	return ok && e.hiddenPara(p)
}

// paraOf finds the paragraph of a citation's ID ("doc/3/2" or "doc/3").
func (e *Engine) paraOf(id string) (int, bool) {
	parts := strings.Split(id, "/")
	for k := 1; k <= 2 && k < len(parts); k++ {
		d, ok := e.byID[strings.Join(parts[:len(parts)-k], "/")]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(parts[len(parts)-k])
		doc := e.corpus.Docs[d]
		if err != nil || n < 1 || n > doc.ParagraphCount {
			return 0, false
		}
		return doc.FirstParagraph + n - 1, true
	}
	return 0, false
}
