//go:build !linux

package retrieval

// mapFile reads the file at path; only Linux maps it (mapfile_linux.go).
func mapFile(path string) (data []byte, release func(), err error) { return readFile(path) }
