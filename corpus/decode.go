package corpus

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// decodeText returns the text of a file as UTF-8. Text in UTF-8 (with or
// without a byte-order mark) is returned as it is; UTF-16 with a
// byte-order mark, and single-byte text that is plainly Latin-1 or
// Windows-1252, is decoded with a warning saying so. A file cut off in the
// middle of a UTF-8 character loses that character, with a warning. When
// the data is not text, reason says why.
func decodeText(data []byte) (text, warning, reason string) {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		t, err := decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), data)
		if err != nil || !utf8.ValidString(t) {
			return "", "", "not text: a UTF-16 byte-order mark, then bytes that are not UTF-16"
		}
		if isBlankText(t) {
			return "", "", "empty"
		}
		return t, "not UTF-8: decoded from UTF-16", ""
	case len(bytes.TrimSpace(data)) == 0:
		return "", "", "empty"
	case bytes.IndexByte(data, 0) >= 0:
		return "", "", "binary (contains NUL bytes)"
	case utf8.Valid(data):
		return string(data), "", ""
	}
	// A file cut off inside its last character (a lone Latin-1 letter at
	// the end, as in "Caf\xe9", is not taken for one).
	for cut := 1; cut <= 3 && cut < len(data); cut++ {
		head, tail := data[:len(data)-cut], data[len(data)-cut:]
		if utf8.RuneStart(tail[0]) && !utf8.FullRune(tail) && utf8.Valid(head) && (cut > 1 || hasMultibyte(head)) {
			return string(head), "ends in a cut-off UTF-8 character, dropped: the file may be truncated", ""
		}
	}
	// Mostly UTF-8, with a few stray bytes: keep it UTF-8. (Latin-1 text
	// rarely holds a byte pair that reads as a UTF-8 character.)
	valid, invalid := utf8Counts(data)
	if valid > 0 && invalid <= valid {
		return string(bytes.ToValidUTF8(data, []byte("\uFFFD"))), fmt.Sprintf("%d bytes that are not UTF-8 were replaced by �", invalid), ""
	}
	// Single-byte text: Latin-1, or Windows-1252 where it uses 0x80–0x9F.
	high, c1, controls := 0, 0, 0
	for _, b := range data {
		switch {
		case b >= 0x80 && b < 0xa0:
			c1++
			high++
		case b >= 0xa0:
			high++
		case b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v' && b != 0x1a:
			controls++
		}
	}
	if controls*100 > len(data) || high*10 > len(data)*3 {
		return "", "", "not text: not UTF-8, and not plainly Latin-1 or Windows-1252 either"
	}
	enc, name := encoding.Encoding(charmap.ISO8859_1), "Latin-1 (ISO 8859-1)"
	if c1 > 0 {
		enc, name = charmap.Windows1252, "Windows-1252"
	}
	t, err := decodeWith(enc, data)
	if err != nil {
		return "", "", "not text: " + err.Error()
	}
	return t, "not UTF-8: decoded as " + name, ""
}

func decodeWith(enc encoding.Encoding, data []byte) (string, error) {
	out, err := enc.NewDecoder().Bytes(data)
	return string(out), err
}

// utf8Counts counts the well-formed multi-byte characters and the bytes
// that are not UTF-8.
func utf8Counts(data []byte) (valid, invalid int) {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	return valid, invalid
}

func hasMultibyte(data []byte) bool {
	for _, b := range data {
		if b >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func isBlankText(s string) bool { return len(bytes.TrimSpace([]byte(s))) == 0 || s == "\ufeff" }
