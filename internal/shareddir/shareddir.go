// Package shareddir finds the project's shared data (the story, question
// sets, benchmarks, API descriptions): the folder "shared" beside the
// module's folder. Tests and benchmarks use it and skip, or run without
// what needs it, when it is absent; nothing is ever copied from it into
// the repository.
//
// The environment variable STORYBOT_SHARED_DIR, when set, names the shared
// folder instead. It exists for tests only: pointing it at an empty folder
// runs the tests as on a fresh clone without ../shared, e.g.
//
//	STORYBOT_SHARED_DIR=/nonexistent go test ./...
package shareddir

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// ErrNotFound is returned when the shared folder or the file in it is
// absent.
var ErrNotFound = errors.New("shared data not found beside the module")

// EnvVar names the shared folder instead of the one beside the module.
const EnvVar = "STORYBOT_SHARED_DIR"

// Path returns the path of elem inside the shared folder: $STORYBOT_SHARED_DIR
// when set, else the folder found by looking up from the working directory
// and, for tests that change it, from this package's source folder. The
// path must exist.
func Path(elem ...string) (string, error) {
	if dir, ok := os.LookupEnv(EnvVar); ok {
		p := filepath.Join(append([]string{dir}, elem...)...)
		if _, err := os.Stat(p); err != nil {
			return "", ErrNotFound
		}
		return p, nil
	}
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
