package main

import (
	"errors"
	"flag"
	"fmt"

	"storybot/answer"
)

// progressFlags are --until-chapter and, for the commands that answer,
// --spoilers: the spoiler rule of Discord's /book progress, on the
// command line.
type progressFlags struct {
	until    string
	spoilers bool
}

// addProgressFlags adds --until-chapter, and --spoilers when answers.
func addProgressFlags(fs *flag.FlagSet, answers bool) *progressFlags {
	f := &progressFlags{}
	fs.StringVar(&f.until, "until-chapter", "", "\n                 read as one who has read up to the end of chapter `N`: its number as\n                 printed (12, XII), its label (\"ch. 12\"), its name, or its place;\n                 nothing after it is searched, cited or shown")
	if answers {
		fs.BoolVar(&f.spoilers, "spoilers", false, "with --until-chapter, answer from the whole book, the text after the\n                 chapter in ||spoiler|| markup")
	}
	return f
}

// check refuses --spoilers without --until-chapter, before the corpus is
// loaded.
func (f *progressFlags) check() error {
	if f.spoilers && f.until == "" {
		return errors.New("--spoilers needs --until-chapter: without a chapter nothing is hidden")
	}
	return nil
}

// apply returns eng as a reader sees it who has read up to the chapter
// of --until-chapter, or eng itself without it.
func (f *progressFlags) apply(eng *answer.Engine) (*answer.Engine, error) {
	if f.until == "" {
		return eng, nil
	}
	m, err := eng.FindChapter(f.until)
	if err != nil {
		return nil, fmt.Errorf("--until-chapter %s: %w", f.until, err)
	}
	return eng.UpTo(answer.Progress{Chapter: m.N})
}
