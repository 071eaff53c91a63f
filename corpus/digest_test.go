package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDigest checks that the digest changes with what the loader reads,
// and only with that.
func TestDigest(t *testing.T) {
	write := func(t *testing.T, dir, name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := func(t *testing.T) string {
		dir := t.TempDir()
		write(t, dir, "a.txt", "The mill stood by the river.\n")
		write(t, dir, "books/b.md", "# B\n\nAnna kept the accounts.\n")
		return dir
	}
	digest := func(t *testing.T, p string, opt Options) [32]byte {
		t.Helper()
		d, err := Digest(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := digest(t, base(t), Options{})
	same := []struct {
		name   string
		change func(dir string)
	}{
		{"nothing", func(string) {}},
		{"a file no reader reads", func(dir string) { write(t, dir, "notes.json", "{}") }},
		{"a hidden folder", func(dir string) { write(t, dir, ".git/c.txt", "Hidden.\n") }},
	}
	for _, tc := range same {
		dir := base(t)
		tc.change(dir)
		if got := digest(t, dir, Options{}); got != want {
			t.Errorf("%s: digest changed", tc.name)
		}
	}
	changed := []struct {
		name   string
		change func(dir string)
		opt    Options
	}{
		{"a byte", func(dir string) { write(t, dir, "a.txt", "The mill stood by the rivers.\n") }, Options{}},
		{"a new file", func(dir string) { write(t, dir, "c.txt", "More.\n") }, Options{}},
		{"a name", func(dir string) {
			os.Rename(filepath.Join(dir, "a.txt"), filepath.Join(dir, "z.txt"))
		}, Options{}},
		{"a file removed", func(dir string) { os.Remove(filepath.Join(dir, "a.txt")) }, Options{}},
		{"the size limit", func(string) {}, Options{MaxFileBytes: 10 << 20}},
		{"the entry limit", func(string) {}, Options{MaxEntries: 5}},
	}
	for _, tc := range changed {
		dir := base(t)
		tc.change(dir)
		if got := digest(t, dir, tc.opt); got == want {
			t.Errorf("%s: digest unchanged", tc.name)
		}
	}

	// One file read as the corpus is the folder that holds only it.
	dir := t.TempDir()
	write(t, dir, "a.txt", "The mill stood by the river.\n")
	if digest(t, filepath.Join(dir, "a.txt"), Options{}) != digest(t, dir, Options{}) {
		t.Error("a file and a folder of that file alone digest differently")
	}

	// A file over the limit, which the loader skips, counts by its size.
	dir = base(t)
	write(t, dir, "big.txt", strings.Repeat("x", 200))
	small := Options{MaxFileBytes: 100}
	before := digest(t, dir, small)
	write(t, dir, "big.txt", strings.Repeat("y", 200))
	if digest(t, dir, small) != before {
		t.Error("a file too large to load changed the digest by its contents")
	}
	write(t, dir, "big.txt", strings.Repeat("y", 201))
	if digest(t, dir, small) == before {
		t.Error("a file too large to load did not change the digest by its size")
	}

	if _, err := Digest(filepath.Join(dir, "missing"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Digest of a missing path: %v, want a not-exist error", err)
	}
}

func FuzzCountFields(f *testing.F) {
	for _, s := range []string{"", " ", "a b", " a\tb\n", "a\u00a0b", "a\u2003 b", "\xff \x80x", "one\u0085two"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := CountFields(s), len(strings.Fields(s)); got != want {
			t.Errorf("CountFields(%q) = %d, want %d", s, got, want)
		}
	})
}
