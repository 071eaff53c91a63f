package corpus

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// digestVersion changes when what [Digest] hashes changes.
const digestVersion = "storybot corpus digest 1\n"

// Digest returns a SHA-256 digest of what [LoadPath] reads from p within
// the limits of opt: the limits (defaults filled in) and, for every file a
// reader knows, in load order, its path within the corpus, its size and
// its contents. The same digest means the same files read the same way, so
// it names a corpus without loading it (a saved index is keyed by it). It
// reads every file, in parallel; hashing runs at about 2 GB/s on a
// processor with SHA instructions. A file larger than opt's
// MaxFileBytes, which the loader skips, counts by its path and size only.
func Digest(p string, opt Options) ([32]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return [32]byte{}, fmt.Errorf("digest corpus %s: %w", p, err)
	}
	var sum [32]byte
	if st.IsDir() {
		sum, err = DigestFS(os.DirFS(p), opt)
	} else {
		sum, err = digestPaths(os.DirFS(filepath.Dir(p)), []string{filepath.Base(p)}, opt)
	}
	if err != nil {
		return [32]byte{}, fmt.Errorf("digest corpus %s: %w", p, err)
	}
	return sum, nil
}

// DigestFS is [Digest] of what [LoadOptions] reads from fsys.
func DigestFS(fsys fs.FS, opt Options) ([32]byte, error) {
	paths, err := listFiles(fsys)
	if err != nil {
		return [32]byte{}, err
	}
	return digestPaths(fsys, paths, opt)
}

// fileDigest is what the digest holds of one file.
type fileDigest struct {
	size     int64
	tooLarge bool // skipped by the loader: only the path and size count
	sum      [sha256.Size]byte
	err      error
}

func digestPaths(fsys fs.FS, paths []string, opt Options) ([32]byte, error) {
	opt = opt.withDefaults()
	files := make([]fileDigest, len(paths))
	inParallel(len(paths), func() func(int) {
		buf := make([]byte, 256<<10)
		return func(i int) { files[i] = digestFile(fsys, paths[i], opt.MaxFileBytes, buf) }
	})
	h := sha256.New()
	var num [8]byte
	putInt := func(n int64) {
		binary.LittleEndian.PutUint64(num[:], uint64(n))
		h.Write(num[:])
	}
	io.WriteString(h, digestVersion)
	putInt(opt.MaxFileBytes)
	putInt(opt.MaxUnpackedBytes)
	putInt(int64(opt.MaxEntries))
	putInt(int64(len(paths)))
	for i, f := range files {
		if f.err != nil {
			return [32]byte{}, fmt.Errorf("%s: %w", paths[i], f.err)
		}
		putInt(int64(len(paths[i])))
		io.WriteString(h, paths[i])
		putInt(f.size)
		if f.tooLarge {
			h.Write([]byte{0})
			continue
		}
		h.Write([]byte{1})
		h.Write(f.sum[:])
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum, nil
}

// digestFile hashes one file as the loader reads it: a file over limit
// bytes counts by its size alone.
func digestFile(fsys fs.FS, p string, limit int64, buf []byte) fileDigest {
	f, err := fsys.Open(p)
	if err != nil {
		return fileDigest{err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fileDigest{err: err}
	}
	if st.Size() > limit {
		return fileDigest{size: st.Size(), tooLarge: true}
	}
	h := sha256.New()
	n, err := io.CopyBuffer(h, io.LimitReader(f, limit+1), buf)
	if err != nil {
		return fileDigest{err: err}
	}
	if n > limit {
		return fileDigest{size: n, tooLarge: true}
	}
	d := fileDigest{size: n}
	h.Sum(d.sum[:0])
	return d
}
