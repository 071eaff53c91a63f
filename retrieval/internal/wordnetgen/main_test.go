package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeDict writes a two-synset WordNet dictionary: the verb "respond"
// (with "react") derivationally related to the noun "response", plus
// "calling", whose term "call" belongs to the verb "call".
func writeDict(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	header := "  1 This software and database is being provided to you, the LICENSEE\n"
	// data.verb: the synsets at their byte offsets.
	verbA := "%08d 32 v 02 respond 0 react 0 001 + %08d n 0101 | show a response\n"
	verbB := "%08d 32 v 01 call 0 000 | utter a sudden loud cry\n"
	offA := len(header)
	lineA := fmt.Sprintf(verbA, offA, 0) // the noun offset is filled in below
	offB := offA + len(lineA)
	nounOff := len(header)
	lineA = fmt.Sprintf(verbA, offA, nounOff)
	lineB := fmt.Sprintf(verbB, offB)
	noun := fmt.Sprintf("%08d 04 n 01 response 0 001 + %08d v 0101 | a result\n", nounOff, offA)
	nounCalling := fmt.Sprintf("%08d 04 n 02 calling 0 vocation 0 000 | the career\n", nounOff+len(noun))
	files := map[string]string{
		"data.verb":  header + lineA + lineB,
		"data.noun":  header + noun + nounCalling,
		"data.adj":   header,
		"index.verb": header + fmt.Sprintf("call v 1 0 1 0 %08d\nrespond v 1 1 + 1 0 %08d\n", offB, offA),
		"index.noun": header + fmt.Sprintf("calling n 1 0 1 0 %08d\nresponse n 1 1 + 1 0 %08d\n", nounOff+len(noun), nounOff),
		"index.adj":  header,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-dict", writeDict(t)}, &out); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(l, "#") {
			rows = append(rows, l)
		}
	}
	want := []string{"respond\treact\trespons", "respons\t\trespond"}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("table rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(out.String(), "Princeton University") {
		t.Errorf("the WordNet licence notice is missing")
	}
}

func TestRunMissingDict(t *testing.T) {
	if err := run(context.Background(), []string{"-dict", t.TempDir()}, &bytes.Buffer{}); err == nil {
		t.Error("run with an empty dictionary folder succeeded")
	}
}

func FuzzParseSynset(f *testing.F) {
	f.Add([]byte("00000000 32 v 02 respond 0 react 0 001 + 00000001 n 0101 | gloss\n"), int64(0))
	f.Add([]byte("0 0 n zz a 0 1"), int64(0))
	f.Fuzz(func(t *testing.T, data []byte, off int64) {
		ss, ok := parseSynset(data, off, "verb")
		if ok {
			for src := range ss.derived {
				if src < 0 || src > 255 {
					t.Errorf("source word %d out of range", src)
				}
			}
		}
	})
}

// TestRunNouns checks the noun table: nouns whose most frequent sense is a
// person or a place, the adjectives among them marked to count only in the
// plural, person nouns used mostly as adverbs (cntlist.rev) and other nouns
// left out; a place noun used mostly as an adverb stays.
func TestRunNouns(t *testing.T) {
	dir := t.TempDir()
	header := "  1 This software and database is being provided to you, the LICENSEE\n"
	var data strings.Builder
	data.WriteString(header)
	var index []string
	for _, n := range []struct {
		word string
		lex  int
	}{{"duke", 18}, {"forward", 18}, {"harbour", 15}, {"northwest", 15}, {"official", 18}, {"response", 4}} {
		off := data.Len()
		fmt.Fprintf(&data, "%08d %02d n 01 %s 0 000 | a gloss\n", off, n.lex, n.word)
		index = append(index, fmt.Sprintf("%s n 1 0 1 0 %08d", n.word, off))
	}
	adj := fmt.Sprintf("%08d 00 a 01 official 0 000 | authorized\n", len(header))
	files := map[string]string{
		"data.noun":  data.String(),
		"index.noun": header + strings.Join(index, "\n") + "\n",
		"data.adj":   header + adj,
		"index.adj":  header + fmt.Sprintf("official a 1 0 1 0 %08d\n", len(header)),
		"data.verb":  header,
		"index.verb": header,
		"cntlist.rev": "duke%1:18:00:: 1 12\nforward%1:18:00:: 1 0\nforward%4:02:00:: 1 24\nforward%3:00:00:: 1 8\n" +
			"northwest%1:15:00:: 1 2\nnorthwest%4:02:00:: 1 9\nofficial%1:18:00:: 1 26\nofficial%3:00:00:: 1 11\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "nouns.txt")
	if err := run(context.Background(), []string{"-dict", dir, "-nouns", out}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(l, "#") {
			rows = append(rows, l)
		}
	}
	want := []string{"duke\tperson", "harbour\tplace", "northwest\tplace", "official\tperson\tplural"}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("noun rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(b), "Princeton University") {
		t.Errorf("the WordNet licence notice is missing")
	}
}

// TestTablesCurrent checks that the tables embedded in package retrieval
// are what this generator makes of WordNet now: a change to the analyzer
// (a stop word, the stemmer) changes the terms, and the tables must be
// generated again (go generate ./retrieval).
func TestTablesCurrent(t *testing.T) {
	const dict = "/usr/share/wordnet"
	if _, err := os.Stat(filepath.Join(dict, "data.noun")); err != nil {
		t.Skip("WordNet is not installed (Debian's wordnet-base): the embedded tables are not checked against it")
	}
	dir := t.TempDir()
	out, nouns, kinds := filepath.Join(dir, "wordnet.txt"), filepath.Join(dir, "nouns.txt"), filepath.Join(dir, "kinds.txt.gz")
	if err := run(context.Background(), []string{"-dict", dict, "-out", out, "-nouns", nouns, "-kinds", kinds}, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ got, want string }{
		{out, "../../wordnet.txt"}, {nouns, "../../nouns.txt"}, {kinds, "../../kinds.txt.gz"},
	} {
		got, want := readTable(t, f.got), readTable(t, f.want)
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the generator makes now (%d bytes against %d): run go generate ./retrieval", f.want, len(want), len(got))
		}
	}
}

// readTable reads a table, gunzipped when its name ends in .gz.
func readTable(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return plain
}
