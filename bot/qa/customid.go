package qa

// Custom IDs are a prefix "qa:<verb>:" and a record ID (see
// [bot.CustomID]), so a button names the session or question it acts on and
// works after a restart: its state is read from the store, never from
// memory. Each prefix is one route of [Plugin.Register].
const (
	prefixSubmit     = "qa:submit:"  // banner button → ask form; ID is the session
	prefixAskForm    = "qa:ask:"     // ask form; ID is the session
	prefixApprove    = "qa:approve:" // card buttons; ID is the question
	prefixEdit       = "qa:edit:"
	prefixSelf       = "qa:self:"
	prefixReject     = "qa:reject:"
	prefixVote       = "qa:vote:"
	prefixEditForm   = "qa:editf:" // forms opened by the card buttons
	prefixSelfForm   = "qa:selff:"
	prefixRejectForm = "qa:rejectf:"
)

// Text inputs of the forms.
const (
	inputQuestion = "question"
	inputAnswer   = "answer"
	inputReason   = "reason"
)
