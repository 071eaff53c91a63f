package dense

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
)

// fakeEmbedder gives each text the vector it is given, or fails.
type fakeEmbedder struct {
	vecs  map[string][]float32
	err   error
	calls int
}

func (f *fakeEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = f.vecs[t]
	}
	return out, nil
}

func build(t *testing.T, sentences []string, docs []int, vecs map[string][]float32) *Table {
	t.Helper()
	tab, err := Build(context.Background(), &fakeEmbedder{vecs: vecs}, sentences, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func sentencesOf(s []Scored) []int {
	var out []int
	for _, x := range s {
		out = append(out, x.Sentence)
	}
	return out
}

func TestNearest(t *testing.T) {
	vecs := map[string][]float32{
		"a": {1, 0, 0}, "b": {0, 1, 0}, "c": {0, 0, 1}, "d": {0, 0, 2}, "e": {1, 1, 0},
	}
	// Each sentence its own document: no neighbours mix in.
	tab := build(t, []string{"a", "b", "c", "d", "e"}, []int{0, 1, 2, 3, 4}, vecs)
	for _, tc := range []struct {
		q         []float32
		k, before int
		want      []int
	}{
		{[]float32{1, 0, 0}, 2, 0, []int{0, 4}},
		{[]float32{0, 0, 5}, 2, 0, []int{2, 3}}, // equal scores: the earlier first
		{[]float32{0, 0, 5}, 5, 3, []int{2, 0, 1}},
		{[]float32{0, 1, 0}, 1, 0, []int{1}},
		{[]float32{1, 0}, 3, 0, nil}, // another length
		{[]float32{1, 0, 0}, 0, 0, nil},
	} {
		if got := sentencesOf(tab.Nearest(tc.q, tc.k, tc.before)); !slices.Equal(got, tc.want) {
			t.Errorf("Nearest(%v, %d, %d) = %v, want %v", tc.q, tc.k, tc.before, got, tc.want)
		}
	}
	if s := tab.Nearest([]float32{1, 0, 0}, 1, 0)[0].Score; s < 0.99 || s > 1.01 {
		t.Errorf("cosine of a vector with itself = %v, want 1", s)
	}
}

func TestNeighboursMixIn(t *testing.T) {
	vecs := map[string][]float32{"x": {1, 0}, "y": {0, 1}}
	// Sentences 0 and 1 share a document; 2 is alone.
	tab := build(t, []string{"x", "y", "y"}, []int{0, 0, 1}, vecs)
	got := tab.Nearest([]float32{1, 0}, 3, 0)
	if got[0].Sentence != 0 || got[1].Sentence != 1 {
		t.Fatalf("Nearest = %v, want 0 then 1 (which has half of 0 in it)", got)
	}
	if got[2].Score > 0.01 {
		t.Errorf("a sentence of another document took its neighbour's meaning: %v", got)
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	for _, tc := range []struct {
		name      string
		e         *fakeEmbedder
		sentences []string
		docs      []int
	}{
		{"embedder fails", &fakeEmbedder{err: boom}, []string{"a"}, []int{0}},
		{"lengths differ", &fakeEmbedder{vecs: map[string][]float32{"a": {1}, "b": {1, 2}}}, []string{"a", "b"}, []int{0, 0}},
		{"no vector", &fakeEmbedder{vecs: map[string][]float32{}}, []string{"a"}, []int{0}},
		{"documents miscounted", &fakeEmbedder{}, []string{"a"}, nil},
	} {
		if _, err := Build(ctx, tc.e, tc.sentences, tc.docs, nil); err == nil {
			t.Errorf("%s: Build succeeded", tc.name)
		}
	}
}

func TestBuildBatches(t *testing.T) {
	var sentences []string
	vecs := map[string][]float32{}
	for i := range 2*Batch + 3 {
		s := string(rune('a'+i%26)) + string(rune('a'+i/26))
		sentences = append(sentences, s)
		vecs[s] = []float32{float32(i + 1), 1}
	}
	e := &fakeEmbedder{vecs: vecs}
	var done []int
	tab, err := Build(context.Background(), e, sentences, make([]int, len(sentences)), func(d, total int) { done = append(done, d) })
	if err != nil {
		t.Fatal(err)
	}
	if e.calls != 3 || !slices.Equal(done, []int{Batch, 2 * Batch, 2*Batch + 3}) || tab.Len() != len(sentences) {
		t.Errorf("calls %d, progress %v, len %d; want 3 calls in batches of %d", e.calls, done, tab.Len(), Batch)
	}
}

func TestSaved(t *testing.T) {
	vecs := map[string][]float32{"a": {1, 0, 0}, "b": {0, 1, 0}, "c": {0, 0.5, -0.5}}
	sentences := []string{"a", "b", "c"}
	tab := build(t, sentences, []int{0, 0, 1}, vecs)
	key := KeyOf("model", sentences)
	var buf bytes.Buffer
	if err := tab.Write(&buf, key); err != nil {
		t.Fatal(err)
	}
	got, err := Parse(buf.Bytes(), key)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 3 || got.Dim() != 3 || !slices.Equal(got.vecs, tab.vecs) {
		t.Fatalf("Parse(Write) = %d×%d %v, want %d×%d %v", got.Len(), got.Dim(), got.vecs, tab.Len(), tab.Dim(), tab.vecs)
	}
	if _, err := Parse(buf.Bytes(), KeyOf("other model", sentences)); !errors.Is(err, ErrStale) {
		t.Errorf("Parse with another model's key: %v, want ErrStale", err)
	}
	if _, err := Parse(buf.Bytes(), KeyOf("model", []string{"a", "b", "d"})); !errors.Is(err, ErrStale) {
		t.Errorf("Parse with other sentences' key: %v, want ErrStale", err)
	}
	data := buf.Bytes()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"cut short", data[:len(data)-1]},
		{"one byte more", append(slices.Clone(data), 0)},
		{"not ours", append([]byte("storybot-vectors-9\n"), data[len(magic):]...)},
		{"header only", data[:len(magic)+len(key)+8]},
	} {
		if _, err := Parse(tc.data, key); err == nil {
			t.Errorf("Parse(%s) succeeded", tc.name)
		}
	}
}

func TestKeyOfSeparatesTexts(t *testing.T) {
	if KeyOf("m", []string{"ab", "c"}) == KeyOf("m", []string{"a", "bc"}) {
		t.Error("KeyOf does not tell sentences apart from their concatenation")
	}
}

func FuzzParse(f *testing.F) {
	key := KeyOf("m", []string{"a"})
	var buf bytes.Buffer
	tab := &Table{n: 2, dim: 2, vecs: []int8{127, 0, 0, -127}}
	tab.Write(&buf, key)
	f.Add(buf.Bytes())
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(data, key)
		if err != nil {
			return
		}
		if got.Len()*got.Dim() != len(got.vecs) {
			t.Fatalf("table of %d×%d holds %d values", got.Len(), got.Dim(), len(got.vecs))
		}
		var again bytes.Buffer
		if err := got.Write(&again, key); err != nil || !bytes.Equal(again.Bytes(), data) {
			t.Fatalf("Write(Parse(data)) differs from data (err %v)", err)
		}
		got.Nearest(make([]float32, got.Dim()), 3, 0)
	})
}
