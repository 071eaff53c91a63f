package shelf_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"storybot/answer"
	"storybot/corpus"
	"storybot/internal/shareddir"
	"storybot/internal/testbook"
	"storybot/library/shelf"
)

// BenchmarkMemory measures the heap an engine takes, against what
// [shelf.Estimate] reckons, for the Miller and the Gutenberg books of the
// shared folder: go test -run '^$' -bench Memory -benchtime 1x ./library/shelf.
func BenchmarkMemory(b *testing.B) {
	files := map[string][]byte{"miller.txt": testbook.Miller.Text()}
	if dir, err := shareddir.Path("corpora", "gutenberg"); err == nil {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			files[filepath.Base(p)] = data
		}
	}
	// Warm the shared tables (WordNet, kinds), which every engine shares.
	warm, err := shelf.ReadBook("miller.txt", testbook.Miller.Text(), "", "", corpus.Options{}, answer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	warm.Engine.Answer(b.Context(), answer.Question{Text: "What tool lay beside the boot prints?"})
	for name, data := range files {
		b.Run(name, func(b *testing.B) {
			var measured, estimated float64
			for b.Loop() {
				before := heapAlloc()
				rb, err := shelf.ReadBook(name, data, "", "", corpus.Options{}, answer.Options{})
				if err != nil {
					b.Fatal(err)
				}
				after := heapAlloc()
				measured, estimated = float64(after-before), float64(rb.Memory)
				runtime.KeepAlive(rb)
			}
			b.ReportMetric(measured/(1<<20), "MiB")
			b.ReportMetric(estimated/(1<<20), "est-MiB")
			b.ReportMetric(estimated/measured, "est/heap")
		})
	}
}
