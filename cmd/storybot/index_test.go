package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateIndex = flag.Bool("update-index", false, "rewrite testdata/index.golden")

// TestIndexGolden lists the corpus package's book fixtures: the same short
// book in every format, Latin-1 and Windows-1252 text, and hostile files.
func TestIndexGolden(t *testing.T) {
	books, err := filepath.Abs(filepath.Join("..", "..", "corpus", "testdata", "books"))
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	clearEnv(t)
	golden := filepath.Join(wd, "testdata", "index.golden")
	out, _, err := runCLI(t, "", "index", "--corpus", books)
	if err != nil {
		t.Fatal(err)
	}
	out = strings.ReplaceAll(out, books, "BOOKS")
	out = regexp.MustCompile(`(?m)^loaded in .*$`).ReplaceAllString(out, "loaded in TIME")
	if *updateIndex {
		if err := os.WriteFile(golden, []byte(out), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("index output (go test -run TestIndexGolden -update-index to accept):\n%s\nwant:\n%s", out, want)
	}
}

func TestIndexOneBook(t *testing.T) {
	books, err := filepath.Abs(filepath.Join("..", "..", "corpus", "testdata", "books"))
	if err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	book := filepath.Join(books, "lighthouse3.epub")
	out, _, err := runCLI(t, "", "ask", "--corpus", book, "--json", "Who met Mara at the jetty?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"ref": "The Lighthouse Keeper, ch. II, ¶2"`) && !strings.Contains(out, `"ref":"The Lighthouse Keeper, ch. II, ¶2"`) {
		t.Errorf("ask --corpus book.epub: want a citation of The Lighthouse Keeper, ch. II, ¶2:\n%s", out)
	}
	scan := filepath.Join(books, "hostile", "scan.pdf")
	if _, _, err := runCLI(t, "", "index", "--corpus", scan); err == nil || !strings.Contains(err.Error(), "scan.pdf: this PDF has no text; it may be a scan") {
		t.Errorf("index --corpus scan.pdf: error %v, want the file and the reason", err)
	}
	t.Setenv("MAX_BOOK_MB", "0")
	if _, _, err := runCLI(t, "", "index"); err == nil || !strings.Contains(err.Error(), "MAX_BOOK_MB") {
		t.Errorf("MAX_BOOK_MB=0: error %v, want a configuration error", err)
	}
}
