// Package shareddir finds the project's shared data (the story, question
// sets, benchmarks, API descriptions): the folder "shared" beside the
// module's folder. Tests and benchmarks use it and skip when it is absent;
// nothing is ever copied from it into the repository.
package shareddir

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// ErrNotFound is returned when no shared folder stands beside the module.
var ErrNotFound = errors.New("shared data not found beside the module")

// Path returns the path of elem inside the shared folder, looking up from
// the working directory and, for tests that change it, from this package's
// source folder. The path must exist.
func Path(elem ...string) (string, error) {
	var starts []string
	if dir, err := os.Getwd(); err == nil {
		starts = append(starts, dir)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for range 64 { // bounded: no real path is this deep
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				p := filepath.Join(append([]string{filepath.Dir(dir), "shared"}, elem...)...)
				if _, err := os.Stat(p); err == nil {
					return p, nil
				}
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", ErrNotFound
}
