package shelf_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"storybot/answer"
	"storybot/dense"
	"storybot/internal/testbook"
	"storybot/library"
	"storybot/library/shelf"
)

// gateEmbedder puts the sentence of the mended gate, and questions of a
// "zorblax", at one point and every other text at another.
type gateEmbedder struct{}

func (gateEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{0, 1}
		if strings.Contains(t, "mended") || strings.Contains(t, "zorblax") {
			out[i] = []float32{1, 0}
		}
	}
	return out, nil
}

// fakeMeaning embeds a book's sentences with gateEmbedder, after release
// is closed (when not nil), and counts the books it was given and those
// whose embedding was stopped.
type fakeMeaning struct {
	release          chan struct{}
	attached, failed atomic.Int32
}

func (m *fakeMeaning) Attach(ctx context.Context, eng *answer.Engine) (int64, error) {
	m.attached.Add(1)
	if m.release != nil {
		select {
		case <-m.release:
		case <-ctx.Done():
			m.failed.Add(1)
			return 0, ctx.Err()
		}
	}
	c := eng.Index().Corpus()
	texts, docs := make([]string, len(c.Sentences)), make([]int, len(c.Sentences))
	for i, s := range c.Sentences {
		texts[i], docs[i] = s.Text, c.Paragraphs[s.Para].Doc
	}
	t, err := dense.Build(ctx, gateEmbedder{}, texts, docs, nil)
	if err != nil {
		return 0, err
	}
	eng.SetMeaning(gateEmbedder{}, t)
	return int64(t.Bytes()), nil
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("gave up waiting: %s", what)
}

// TestMeaning checks [shelf.Options].Meaning: a book built is given its
// sentences' vectors in the background, answering by its words until
// then; their bytes count in the memory budget, and are let go with the
// book; a book removed during its embedding stops it.
func TestMeaning(t *testing.T) {
	ctx := context.Background()
	m := &fakeMeaning{release: make(chan struct{})}
	e := newEnv(t, shelf.Options{Meaning: m})
	const q = "What zorblax happened to it?"
	passages := func(b library.Book) string {
		t.Helper()
		eng, err := e.shelf.Engine(ctx, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := eng.Passages(ctx, answer.Question{Text: q}, 3)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, p := range ps {
			s = append(s, p.Text)
		}
		return strings.Join(s, "\n")
	}
	if got := passages(e.book); strings.Contains(got, "mended the gate") {
		t.Fatalf("before its embedding the book's passages hold the sentence only its meaning finds:\n%s", got)
	}
	before := e.shelf.Stats()
	if m.attached.Load() != 1 || before.Embedded != 0 {
		t.Fatalf("built: %d embeddings started, stats %+v; want one started, none done", m.attached.Load(), before)
	}
	close(m.release)
	waitFor(t, "the book's embedding", func() bool { return e.shelf.Stats().Embedded == 1 })
	if got := passages(e.book); !strings.Contains(got, "mended the gate") {
		t.Errorf("after its embedding the book's passages are:\n%s", got)
	}
	after := e.shelf.Stats()
	if after.Memory <= before.Memory || after.Loaded != 1 {
		t.Errorf("memory %d before the vectors, %d after (%+v); want more, the book still held", before.Memory, after.Memory, after)
	}
	// Removed, its index and vectors are let go together.
	e.shelf.Drop(e.book.ID)
	if after := e.shelf.Stats(); after.Memory != 0 {
		t.Errorf("dropped: %+v, want no memory held", after)
	}

	// Removed while it is embedded: the embedding stops, nothing counts.
	m2 := &fakeMeaning{release: make(chan struct{})}
	e2 := newEnv(t, shelf.Options{Meaning: m2})
	if _, err := e2.shelf.Engine(ctx, e2.book, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the embedding to start", func() bool { return m2.attached.Load() == 1 })
	e2.shelf.Drop(e2.book.ID)
	waitFor(t, "the embedding to stop", func() bool { return m2.failed.Load() == 1 })
	if st := e2.shelf.Stats(); st.Embedded != 0 || st.Memory != 0 || st.Loaded != 0 {
		t.Errorf("after a removed book's embedding: %+v, want nothing", st)
	}
}

// TestMeaningOneAtATime: books are embedded in turn, and a book let go
// while it waits for its turn is never embedded.
func TestMeaningOneAtATime(t *testing.T) {
	ctx := context.Background()
	m := &fakeMeaning{release: make(chan struct{})}
	e := newEnv(t, shelf.Options{Meaning: m})
	volume := func(n int) library.Book {
		b := testbook.Miller
		b.Title = fmt.Sprintf("The Miller, volume %d", n)
		return e.add("g1", fmt.Sprintf("miller%d.txt", n), b.Text())
	}
	second, third := volume(2), volume(3)
	for _, b := range []library.Book{e.book, second, third} {
		if _, err := e.shelf.Engine(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := m.attached.Load(); n != 1 {
		t.Fatalf("%d books embedded at once, want 1", n)
	}
	e.shelf.Drop(second.ID)
	close(m.release)
	waitFor(t, "two embeddings", func() bool { return e.shelf.Stats().Embedded == 2 })
	time.Sleep(50 * time.Millisecond)
	if n := m.attached.Load(); n != 2 {
		t.Errorf("%d embeddings started, want 2: the book removed while it waited is not embedded", n)
	}
}
