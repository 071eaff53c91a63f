package answer

import (
	"slices"
	"testing"
)

func TestFuse(t *testing.T) {
	for _, tc := range []struct {
		a, b, want []int
	}{
		// In both lists beats first in one; equal scores keep the
		// words' order, then the meaning's.
		{[]int{1, 2, 3}, []int{9, 3, 8}, []int{3, 1, 9, 2, 8}},
		{[]int{1, 2}, []int{3, 4}, []int{1, 3, 2, 4}},
		{nil, []int{5, 6}, []int{5, 6}},
		{[]int{5, 6}, nil, []int{5, 6}},
		{nil, nil, []int{}},
	} {
		if got := fuse(tc.a, tc.b); !slices.Equal(got, tc.want) {
			t.Errorf("fuse(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
