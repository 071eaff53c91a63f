package dense

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkNearest times the search of a novel's sentences (Pride and
// Prejudice has about 6,500) by vectors of USE lite's 512 dimensions and
// text-embedding-3-small's 1,536.
func BenchmarkNearest(b *testing.B) {
	for _, dim := range []int{512, 1536} {
		const n = 6500
		r := rand.New(rand.NewPCG(1, 2))
		t := &Table{n: n, dim: dim, vecs: make([]int8, n*dim)}
		v := make([]float32, dim)
		for i := range n {
			for d := range v {
				v[d] = float32(r.NormFloat64())
			}
			quantize(t.vecs[i*dim:(i+1)*dim], unit(v))
		}
		q := make([]float32, dim)
		for d := range q {
			q[d] = float32(r.NormFloat64())
		}
		b.Run(fmt.Sprintf("%dx%d", n, dim), func(b *testing.B) {
			for b.Loop() {
				t.Nearest(q, 133, 0)
			}
		})
	}
}
