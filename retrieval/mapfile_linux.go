package retrieval

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the file at path into memory, read-only and read ahead:
// faster than reading it into a new buffer, which the kernel must clear
// and copy into page by page. release unmaps it.
func mapFile(path string) (data []byte, release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := st.Size()
	if size == 0 || size != int64(int(size)) {
		return readFile(path)
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return readFile(path)
	}
	return data, func() {
		if err := syscall.Munmap(data); err != nil {
			panic(fmt.Sprintf("retrieval: munmap %s: %v", path, err))
		}
	}, nil
}
