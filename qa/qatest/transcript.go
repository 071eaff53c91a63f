package qatest

import (
	"bytes"
	_ "embed"
	"testing"
)

// goldenTranscript is what [qa.RenderTranscript] makes of the session of
// testTranscript; go test ./qa/qatest -update rewrites it.
//
//go:embed testdata/transcript.md
var goldenTranscript []byte

// checkTranscript compares a rendered transcript with the golden one.
func checkTranscript(t *testing.T, got []byte) {
	t.Helper()
	if !bytes.Equal(got, goldenTranscript) {
		t.Errorf("RenderTranscript differs from qa/qatest/testdata/transcript.md (go test ./qa/qatest -update rewrites it):\n%s", got)
	}
}
