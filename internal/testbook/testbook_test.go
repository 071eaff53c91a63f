package testbook

import (
	"testing"
	"testing/fstest"

	"storybot/corpus"
)

// TestFormats reads every format back: the title, the author and three
// chapters, with the later words only after the first chapter.
func TestFormats(t *testing.T) {
	for _, ext := range Formats {
		c, err := corpus.Load(fstest.MapFS{"miller" + ext: {Data: Miller.File(ext)}})
		if err != nil {
			t.Fatalf("%s: %v (%v)", ext, err, c.Skipped)
		}
		d := c.Docs[0]
		var labels []string
		for _, ch := range d.Chapters {
			labels = append(labels, ch.Label+"="+ch.Name)
		}
		if d.Title != Miller.Title || len(d.Chapters) != 3 {
			t.Errorf("%s: title %q author %q chapters %q", ext, d.Title, d.Author, labels)
		}
		t.Logf("%s: %q by %q, %q, %d paragraphs", ext, d.Title, d.Author, labels, d.ParagraphCount)
	}
	for name, data := range map[string][]byte{"bomb.epub": ZipBomb(1 << 20), "scan.pdf": ScannedPDF()} {
		c, err := corpus.LoadOptions(fstest.MapFS{name: {Data: data}}, corpus.Options{MaxFileBytes: 64 << 10})
		if err == nil || len(c.Skipped) != 1 {
			t.Errorf("%s loaded: %v", name, err)
			continue
		}
		t.Logf("%s: %s", name, c.Skipped[0].Reason)
	}
}
