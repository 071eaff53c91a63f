package library

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"storybot/answer"
	"storybot/bot"
	"storybot/library"
)

// wholeBook are the words that set a progress to the whole book.
var wholeBook = map[string]bool{"all": true, "end": true, "whole": true, "whole book": true, "none": true, "finished": true, "0": true}

// progress answers /book progress: how far the channel's group (its
// moderators) or, with mine, the member has read the channel's book.
func (p *Plugin) progress(ctx context.Context, x *bot.Interaction) error {
	mine := x.BoolOption("mine")
	if !mine && !p.isChannelModerator(x) {
		return bot.Refuse(msgNotModerator + " Set your own progress with `mine:true`.")
	}
	pctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := p.shelf.Pick(pctx, reader(x))
	if err != nil {
		return fmt.Errorf("the book in use: %w", err)
	}
	full, err := v.Engine.UpTo(answer.Progress{})
	if err != nil {
		return fmt.Errorf("the whole book: %w", err)
	}
	marks := full.Chapters()
	title := bot.Truncate(v.Title, 200)
	if len(marks) == 0 {
		return bot.Refusef("**%s** has no chapters, so there is no progress to set: answers draw on the whole text.", title)
	}
	value := strings.TrimSpace(x.StringOption("chapter"))
	n := 0
	switch {
	case strings.HasPrefix(value, "#"):
		k, err := strconv.Atoi(value[1:])
		if err != nil || k < 0 || k > len(marks) {
			return bot.Refusef("**%s** has chapters 1 to %d; pick one from the list shown as you type.", title, len(marks))
		}
		n = k
	case wholeBook[strings.ToLower(value)]:
	default:
		m, err := full.FindChapter(value)
		if errors.Is(err, answer.ErrNoChapter) {
			return bot.Refusef("**%s** has no chapter %q; pick one from the list shown as you type (%s to %s).",
				title, bot.Truncate(value, 50), marks[0].Label, marks[len(marks)-1].Label)
		}
		if err != nil {
			return fmt.Errorf("find chapter %q: %w", value, err)
		}
		n = m.N
	}
	pr := library.Progress{GuildID: x.GuildID, BookID: v.Book.ID, Chapter: n, SetBy: x.UserID()}
	if mine {
		pr.UserID = x.UserID()
	} else {
		pr.ChannelID = x.ChannelID
	}
	if n > 0 {
		pr.Label = marks[n-1].Label
	}
	err = p.st.SetProgress(ctx, pr)
	if errors.Is(err, library.ErrNotFound) {
		return bot.Refuse("That book is no longer in this server's library.")
	}
	if err != nil {
		return fmt.Errorf("set progress: %w", err)
	}
	p.log.Info("library: progress set", "guild", x.GuildID, "channel", pr.ChannelID, "user", x.UserID(), "mine", mine,
		"book", v.Book.ID, "chapter", n)
	at := ""
	if n > 0 {
		at = marks[n-1].Label
		if name := marks[n-1].Name; name != "" {
			at += ", “" + name + "”"
		}
	}
	var text string
	switch {
	case mine && n == 0:
		text = fmt.Sprintf("You have read all of **%s**: your questions are answered from the whole book (in a channel's public answers, never beyond where the channel has read).", title)
	case mine:
		text = fmt.Sprintf("You have read **%s** up to %s. Your own questions draw only on the text up to there; in a channel's public answers, never beyond where the channel has read.", title, at)
	case n == 0:
		text = fmt.Sprintf("This channel has read all of **%s**: answers here draw on the whole book.", title)
	default:
		text = fmt.Sprintf("This channel has read **%s** up to %s. Answers here draw only on the text up to there, and say so when only a later chapter answers; `/ask spoilers:true` answers anyway, the later text hidden behind spoiler bars.", title, at)
	}
	return x.Respond(ctx, bot.RenderNotice(text))
}
