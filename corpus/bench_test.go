package corpus_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"storybot/corpus"
	"storybot/retrieval"
)

// gutenbergBooks loads the nine shared Gutenberg books, or skips.
func gutenbergBooks(b *testing.B) (fstest.MapFS, *corpus.Corpus) {
	b.Helper()
	dir := filepath.Join("..", "..", "shared", "corpora", "gutenberg")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		b.Skip("no shared Gutenberg books beside the module")
	}
	fsys := fstest.MapFS{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		fsys[filepath.Base(f)] = &fstest.MapFile{Data: data}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	return fsys, c
}

// BenchmarkLoadBooks loads (and loads and indexes) the nine Gutenberg
// books as text and as EPUB 3 files made from them.
func BenchmarkLoadBooks(b *testing.B) {
	text, c := gutenbergBooks(b)
	epub := fstest.MapFS{}
	for i, d := range c.Docs {
		epub[strings.TrimSuffix(d.Path, ".txt")+".epub"] = &fstest.MapFile{Data: corpus.BookEPUB(c, i)}
	}
	for _, set := range []struct {
		name string
		fsys fstest.MapFS
	}{{"text", text}, {"epub", epub}} {
		size := int64(0)
		for _, f := range set.fsys {
			size += int64(len(f.Data))
		}
		b.Run(set.name+"/load", func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if _, err := corpus.Load(set.fsys); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(set.name+"/load+index", func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				c, err := corpus.Load(set.fsys)
				if err != nil {
					b.Fatal(err)
				}
				retrieval.NewIndex(c)
			}
		})
	}
}

// BenchmarkLoadPDF loads a 300-page PDF made from Moby Dick.
func BenchmarkLoadPDF(b *testing.B) {
	_, c := gutenbergBooks(b)
	doc := -1
	for i, d := range c.Docs {
		if d.Path == "pg2701.txt" {
			doc = i
		}
	}
	if doc < 0 {
		b.Skip("no Moby Dick")
	}
	// Keep the chapters that fill 300 pages.
	one := *c
	d := one.Docs[doc]
	var pdf []byte
	pages := 0
	for n := len(d.Chapters); n > 0; n-- {
		d.Chapters = d.Chapters[:n]
		one.Docs = []corpus.Document{d}
		pdf = corpus.BookPDF(&one, 0)
		if pages = strings.Count(string(pdf), "/Type /Page /Parent"); pages <= 300 {
			break
		}
	}
	fsys := fstest.MapFS{"moby.pdf": {Data: pdf}}
	b.SetBytes(int64(len(pdf)))
	for b.Loop() {
		c, err := corpus.Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		retrieval.NewIndex(c)
	}
	b.ReportMetric(float64(pages), "pages")
}
