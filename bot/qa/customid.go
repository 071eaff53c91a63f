package qa

import (
	"strconv"
	"strings"
)

// Custom IDs are "qa:<verb>:<record ID>", so a button names the session or
// question it acts on and works after a restart: its state is read from the
// store, never from memory.
const idPrefix = "qa:"

// Verbs of custom IDs. Buttons on the banner, the cards and the public
// question posts, and the forms (modals) they open.
const (
	verbSubmit     = "submit"  // banner button → ask form; ID is the session
	verbAskForm    = "ask"     // ask form; ID is the session
	verbApprove    = "approve" // card buttons; ID is the question
	verbEdit       = "edit"
	verbSelf       = "self"
	verbReject     = "reject"
	verbVote       = "vote"
	verbEditForm   = "editf" // forms opened by the card buttons
	verbSelfForm   = "selff"
	verbRejectForm = "rejectf"
)

// Text inputs of the forms.
const (
	inputQuestion = "question"
	inputAnswer   = "answer"
	inputReason   = "reason"
)

// customID is a parsed custom ID.
type customID struct {
	verb string
	id   int64
}

// makeID returns the custom ID of verb on record id; it is at most 29
// characters, well within Discord's 100.
func makeID(verb string, id int64) string {
	return idPrefix + verb + ":" + strconv.FormatInt(id, 10)
}

// parseID parses a custom ID made by makeID; ok is false for any other.
func parseID(s string) (customID, bool) {
	rest, ok := strings.CutPrefix(s, idPrefix)
	if !ok {
		return customID{}, false
	}
	verb, num, ok := strings.Cut(rest, ":")
	if !ok {
		return customID{}, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return customID{}, false
	}
	switch verb {
	case verbSubmit, verbAskForm, verbApprove, verbEdit, verbSelf, verbReject, verbVote,
		verbEditForm, verbSelfForm, verbRejectForm:
		return customID{verb: verb, id: id}, true
	}
	return customID{}, false
}
