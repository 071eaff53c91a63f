package library

import (
	"errors"
	"strings"
	"testing"
)

func TestNewBookClean(t *testing.T) {
	nb := NewBook{Book: Book{ID: 7, GuildID: " g ", Title: "  Dracula ", Author: " Bram Stoker ", Filename: "dracula.epub", Kind: "epub",
		Size: 999, SHA256: "lies", AddedBy: "u", AddedByName: strings.Repeat("n", 300),
		Chapters: []Chapter{{N: 1, Label: " ch. I ", Name: strings.Repeat("x", 300)}}}, Data: []byte("abc")}
	got, err := nb.Clean()
	if err != nil {
		t.Fatal(err)
	}
	b := got.Book
	if b.ID != 0 || b.GuildID != "g" || b.Title != "Dracula" || b.Author != "Bram Stoker" || b.Size != 3 ||
		b.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || b.Key() != "ba7816bf8f" ||
		len([]rune(b.AddedByName)) != MaxTitleLen || b.Chapters[0].Label != "ch. I" || len(b.Chapters[0].Name) != MaxChapterNameLen {
		t.Errorf("Clean = %+v", b)
	}
	if nb.Chapters[0].Label != " ch. I " {
		t.Errorf("Clean changed the chapters it was given")
	}
	for _, tc := range []struct {
		name   string
		change func(*NewBook)
	}{
		{"kind", func(nb *NewBook) { nb.Kind = "doc" }},
		{"name with a slash", func(nb *NewBook) { nb.Filename = "a/b.txt" }},
		{"long guild", func(nb *NewBook) { nb.GuildID = strings.Repeat("1", MaxIDLen+1) }},
		{"no data", func(nb *NewBook) { nb.Data = nil }},
		{"chapter 0", func(nb *NewBook) { nb.Chapters = []Chapter{{N: 0, Label: "x"}} }},
	} {
		bad := nb
		tc.change(&bad)
		if _, err := bad.Clean(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Clean with a bad %s = %v, want ErrInvalidInput", tc.name, err)
		}
	}
}

func TestDuplicateError(t *testing.T) {
	err := error(&DuplicateError{Book: Book{ID: 3, Title: "Emma"}})
	if !errors.Is(err, ErrDuplicate) || errors.Is(err, ErrFull) || !strings.Contains(err.Error(), `"Emma" (book 3)`) {
		t.Errorf("DuplicateError = %v", err)
	}
}
