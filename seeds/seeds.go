// Package seeds holds the default corpus, embedded in the binary: the news
// story storybot answers about when no other corpus is given.
package seeds

import "embed"

// FS holds the story's files at its root.
//
//go:embed *.txt
var FS embed.FS
