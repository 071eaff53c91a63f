package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain lets the serve tests run this test binary as storybot itself
// (with STORYBOT_TEST_MAIN=1 it is the command), and keeps the tests'
// saved indexes out of the user's cache folder: in a folder of their own,
// removed at the end.
func TestMain(m *testing.M) {
	if os.Getenv("STORYBOT_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "storybot-test-index-cache")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("INDEX_CACHE_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
