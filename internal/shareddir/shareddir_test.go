package shareddir

import (
	"errors"
	"os"
	"testing"
)

func TestPath(t *testing.T) {
	p, err := Path("seeds")
	if errors.Is(err, ErrNotFound) {
		t.Skip("no shared folder beside the module")
	}
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p); err != nil || !st.IsDir() {
		t.Errorf("Path(seeds) = %q (%v), want the shared seeds folder", p, err)
	}
	if _, err := Path("no", "such", "file"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Path of a missing file: %v, want ErrNotFound", err)
	}
}
