// Package dense ranks a corpus's sentences by how near their meaning is
// to a question's, from the vectors an embedding model gives them: the
// second search that finds the sentences a reader's words do not share a
// keyword with ("turn into" for "transformed"). Which model, and how it is
// reached, is the [Embedder]'s business.
//
// A sentence's vector is its own plus half of each neighbour's in its
// document, so that a sentence whose subject the one before names still
// matches a question naming it. Vectors are kept as int8 at unit length,
// 1 byte a dimension.
package dense

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// Embedder turns texts into vectors, one per text and in their order, all
// of one length.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Table holds a vector for each sentence of a corpus.
type Table struct {
	dim  int
	n    int
	vecs []int8 // n*dim, sentence i at [i*dim, (i+1)*dim)
}

// Batch is how many texts [Build] sends an [Embedder] at once.
const Batch = 128

// neighbour is the share of each neighbour's vector in a sentence's.
const neighbour = 0.5

// Build embeds the sentences, docs[i] being sentence i's document (a
// sentence's neighbours are those of its document), and calls progress,
// when not nil, after each batch with the sentences done. It holds the
// model's vectors of three sentences at a time, beside the table.
func Build(ctx context.Context, e Embedder, sentences []string, docs []int, progress func(done, total int)) (*Table, error) {
	if len(docs) != len(sentences) {
		return nil, fmt.Errorf("dense: %d sentences but %d documents", len(sentences), len(docs))
	}
	t := &Table{}
	// prev and cur are the unit vectors of sentences t.n-1 and t.n, the
	// next to be written once the one after it is known.
	var prev, cur, sum []float32
	write := func(next []float32) {
		i := t.n
		copy(sum, cur)
		if prev != nil && docs[i-1] == docs[i] {
			for d, x := range prev {
				sum[d] += neighbour * x
			}
		}
		if next != nil && docs[i+1] == docs[i] {
			for d, x := range next {
				sum[d] += neighbour * x
			}
		}
		v := make([]int8, t.dim)
		quantize(v, unit(sum))
		t.vecs = append(t.vecs, v...)
		t.n++
	}
	for lo := 0; lo < len(sentences); lo += Batch {
		hi := min(lo+Batch, len(sentences))
		vs, err := e.Embed(ctx, sentences[lo:hi])
		if err != nil {
			return nil, fmt.Errorf("embed sentences %d to %d of %d: %w", lo+1, hi, len(sentences), err)
		}
		if len(vs) != hi-lo {
			return nil, fmt.Errorf("embed sentences %d to %d: %d vectors for %d texts", lo+1, hi, len(vs), hi-lo)
		}
		for _, v := range vs {
			switch {
			case len(v) == 0:
				return nil, fmt.Errorf("embed sentences %d to %d: an empty vector", lo+1, hi)
			case t.dim == 0:
				t.dim = len(v)
				t.vecs = make([]int8, 0, len(sentences)*t.dim)
				sum = make([]float32, t.dim)
			case len(v) != t.dim:
				return nil, fmt.Errorf("embed sentences %d to %d: vectors of %d and %d dimensions", lo+1, hi, len(v), t.dim)
			}
			u := unit(v)
			if cur != nil {
				write(u)
			}
			prev, cur = cur, u
		}
		if progress != nil {
			progress(hi, len(sentences))
		}
	}
	if cur != nil {
		write(nil)
	}
	return t, nil
}

// Len is the number of sentences.
func (t *Table) Len() int { return t.n }

// Dim is the vectors' length.
func (t *Table) Dim() int { return t.dim }

// Bytes is the table's size in memory.
func (t *Table) Bytes() int { return len(t.vecs) }

// unit returns v at length 1 (v itself when it is zero).
func unit(v []float32) []float32 {
	s := 0.0
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return v
	}
	f := float32(1 / math.Sqrt(s))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * f
	}
	return out
}

// quantize writes v, of unit length, as int8: each component times 127.
// A unit vector's components lie in [-1, 1], so none is clipped.
func quantize(dst []int8, v []float32) {
	for i, x := range v {
		dst[i] = int8(math.Round(float64(x) * 127))
	}
}

// Scored is a sentence and its likeness to a query, the cosine of their
// vectors.
type Scored struct {
	Sentence int
	Score    float64
}

// Nearest returns the k sentences before sentence before (all when before
// is not positive) whose vectors are nearest q, nearest first, ties by
// sentence. A q of another length than the table's finds nothing.
func (t *Table) Nearest(q []float32, k, before int) []Scored {
	if len(q) != t.dim || k <= 0 || t.n == 0 {
		return nil
	}
	qv := make([]int32, t.dim)
	for i, x := range unit(q) {
		qv[i] = int32(math.Round(float64(x) * 127))
	}
	end := t.n
	if before > 0 && before < end {
		end = before
	}
	// A min-heap of the best k by (score, -sentence).
	heap := make([]Scored, 0, k)
	less := func(a, b Scored) bool { return a.Score < b.Score || a.Score == b.Score && a.Sentence > b.Sentence }
	down := func(i int) {
		for {
			l, s := 2*i+1, i
			if l < len(heap) && less(heap[l], heap[s]) {
				s = l
			}
			if r := l + 1; r < len(heap) && less(heap[r], heap[s]) {
				s = r
			}
			if s == i {
				return
			}
			heap[i], heap[s] = heap[s], heap[i]
			i = s
		}
	}
	const norm = 127 * 127
	for i := range end {
		s := Scored{Sentence: i, Score: float64(dot(t.vecs[i*t.dim:(i+1)*t.dim], qv)) / norm}
		if len(heap) < k {
			heap = append(heap, s)
			for j := len(heap) - 1; j > 0; {
				p := (j - 1) / 2
				if !less(heap[j], heap[p]) {
					break
				}
				heap[j], heap[p] = heap[p], heap[j]
				j = p
			}
		} else if less(heap[0], s) {
			heap[0] = s
			down(0)
		}
	}
	slices.SortFunc(heap, func(a, b Scored) int {
		switch {
		case less(b, a):
			return -1
		case less(a, b):
			return 1
		}
		return 0
	})
	return heap
}

// dot is the dot product of a and b[:len(a)], four products at a time:
// with one sum the loop waits on each addition before the next.
func dot(a []int8, b []int32) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += int32(a[i]) * b[i]
		s1 += int32(a[i+1]) * b[i+1]
		s2 += int32(a[i+2]) * b[i+2]
		s3 += int32(a[i+3]) * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * b[i]
	}
	return s0 + s1 + s2 + s3
}

// Key names what a table was made from: the model and every sentence, in
// order. A saved table is only read back under the key it was written
// with.
type Key [32]byte

// KeyOf is the key of sentences embedded by model.
func KeyOf(model string, sentences []string) Key {
	h := sha256.New()
	var n [8]byte
	write := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		io.WriteString(h, s)
	}
	write(model)
	for _, s := range sentences {
		write(s)
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// magic opens a saved table; the digit is its layout's version.
const magic = "storybot-vectors-1\n"

// ErrStale is returned by [Read] for a table saved under another key.
var ErrStale = errors.New("dense: saved vectors are of another corpus or model")

// Write saves the table under key.
func (t *Table) Write(w io.Writer, key Key) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(magic)
	bw.Write(key[:])
	var hdr [16]byte
	binary.LittleEndian.PutUint64(hdr[:8], uint64(t.n))
	binary.LittleEndian.PutUint64(hdr[8:], uint64(t.dim))
	bw.Write(hdr[:])
	for _, x := range t.vecs {
		bw.WriteByte(byte(x))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("save vectors: %w", err)
	}
	return nil
}

// Parse reads a table saved under key; [ErrStale] when it was saved under
// another.
func Parse(data []byte, key Key) (*Table, error) {
	hl := len(magic) + len(key) + 16
	if len(data) < hl || string(data[:len(magic)]) != magic {
		return nil, errors.New("read vectors: not a saved vector table")
	}
	if Key(data[len(magic):len(magic)+len(key)]) != key {
		return nil, ErrStale
	}
	hdr := data[len(magic)+len(key) : hl]
	n, dim := binary.LittleEndian.Uint64(hdr[:8]), binary.LittleEndian.Uint64(hdr[8:])
	body := uint64(len(data) - hl)
	if dim == 0 && (n != 0 || body != 0) || dim != 0 && (body%dim != 0 || n != body/dim) {
		return nil, fmt.Errorf("read vectors: %d vectors of %d dimensions in %d bytes", n, dim, body)
	}
	t := &Table{n: int(n), dim: int(dim), vecs: make([]int8, body)}
	for i, b := range data[hl:] {
		t.vecs[i] = int8(b)
	}
	return t, nil
}
