// Package qa runs moderated Q&A sessions on Discord: participants submit
// questions about the story, the bot drafts an answer with citations, and
// moderators approve, edit, answer or reject each question from a card in a
// queue channel. It is a [bot.Plugin] and keeps all its state in a
// [Store], so every button keeps working after a restart. The domain (the
// model and its rules, duplicate grouping, the transcript) is storybot/qa;
// this package is its Discord side.
//
// # Wiring
//
// cmd/storybot/serve.go builds it after opening the store and passes it to
// the bot's options:
//
//	sessions, err := qa.New(qa.Options{
//		Store:           st, // a *sqlite.Store
//		Answerer:        eng,
//		Logger:          logger,
//		ModeratorRoleID: cfg.ModeratorRole, // MODERATOR_ROLE_ID, may be ""
//		Sources:         sources,           // the bot's bot.Options.Sources
//	})
//	if err != nil {
//		return err
//	}
//	opts.Plugins = append(opts.Plugins, sessions)
//
// # Using it on Discord
//
// Everything is under one slash command, /qa:
//
//   - /qa start [title] [queue-channel] (moderators) starts a session in the
//     current channel and posts a banner with a "Submit a question" button.
//     Question cards go to queue-channel, or to the session channel when none
//     is given. Several channels may run sessions at once.
//   - /qa ask question:<text>, or the banner's button, submits a question (in
//     the session channel only). The asker gets a private receipt, with the
//     story's answer at once when it has one.
//   - Each question gets a card in the queue channel: the question, the asker,
//     the bot's draft answer with citations, and the buttons Approve, Edit &
//     approve, Answer myself, Reject (moderators) and Upvote (anyone, one vote
//     per person, click again to take it back). When the queue channel is not
//     the session channel, the question is also posted in the session channel
//     with an Upvote button. Near-duplicates join the existing card ("also
//     asked by").
//   - Approve posts the question with the bot's answer in the session
//     channel; when the story has no answer, it approves the question to be
//     answered later. Edit & approve and Answer myself open a form; Reject
//     asks for an optional reason, which only the asker sees.
//   - /qa queue (moderators) lists the open questions by votes, privately.
//   - /qa next (moderators) posts the top-voted approved question still
//     waiting for an answer.
//   - /qa status shows the session's counts, privately.
//   - /qa end (moderators) ends the session and posts a summary with the
//     Markdown transcript attached.
//
// Moderators are members with the Manage Messages permission in the channel,
// or with the role MODERATOR_ROLE_ID. The check happens on every command,
// button and form, so a button a non-moderator can see still refuses them.
//
// # Telling the asker about a rejection
//
// The reason of a rejection goes to the asker as a private (ephemeral)
// follow-up to their own submission, which Discord allows for 15 minutes
// after it. After that, or after a restart, it goes to them as a direct
// message, and to askers who take no direct messages, privately the next
// time they submit a question or vote in the server (kept in memory only).
package qa

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"storybot/answer"
	"storybot/bot"
	"storybot/library/shelf"
	"storybot/qa"
)

// Store is where the package keeps sessions, questions, votes and
// decisions; storybot/qa/sqlite implements it.
type Store interface {
	qa.Sessions
	qa.Questions
	qa.Decisions
	qa.Messages
}

// Answerer drafts answers; *answer.Engine implements it.
type Answerer interface {
	Answer(ctx context.Context, q answer.Question) (answer.Answer, error)
}

var _ Answerer = (*answer.Engine)(nil)

// Books picks the book a session's drafts are answered from: its
// channel's, as far as the channel (or the asker, when less far) has
// read; *shelf.Shelf implements it.
type Books interface {
	Pick(ctx context.Context, r shelf.Reader) (shelf.View, error)
}

// Options configure [New]. Zero values mean the documented defaults.
type Options struct {
	// Store keeps sessions, questions, votes and decisions. Required.
	Store Store
	// Answerer drafts the answer shown on each card. Required.
	Answerer Answerer
	// Books, when set, picks the book each draft is answered from instead
	// of Answerer (see storybot/library/shelf): drafts are posted where
	// the session's channel reads them, so they never draw on the text
	// beyond its progress.
	Books Books
	// Logger receives logs; nil means [slog.Default].
	Logger *slog.Logger
	// ModeratorRoleID is a role whose members moderate besides those with
	// the Manage Messages permission; "" means the permission only.
	ModeratorRoleID string
	// Sources encodes the Sources buttons of answers shown to askers; give
	// it the bot's [bot.Options.Sources]. Nil means a new one.
	Sources *bot.SourceIDs
	// MaxQuestion caps a question's length in characters: give it the
	// limit storybot/bot/ask has (MAX_QUESTION_CHARS), so that every way of
	// asking refuses the same questions. Default [bot.DefaultMaxQuestion];
	// at most [qa.MaxQuestionLen], the longest question a store keeps.
	MaxQuestion int
	// DraftTimeout bounds drafting one answer. Default 30s.
	DraftTimeout time.Duration
	// SubmitRate and SubmitBurst limit how many questions one member may
	// submit a minute, per server; defaults 4 and 3. A negative rate turns
	// the limit off.
	SubmitRate  float64
	SubmitBurst int
}

// Plugin is moderated Q&A on Discord. It is safe for concurrent use.
type Plugin struct {
	st      Store
	ans     Answerer
	books   Books // nil: ans drafts every answer
	log     *slog.Logger
	modRole string
	sources *bot.SourceIDs
	// maxQuestion is the longest question taken, in characters.
	maxQuestion int
	timeout     time.Duration
	notes       *notices
	limit       *bot.Limiter // nil: no limit
	// cards serializes the updates of a question's card and public post
	// (see [Plugin.refreshCard]), striped by question ID.
	cards [64]sync.Mutex
}

var _ bot.Plugin = (*Plugin)(nil)

// New returns the plugin.
func New(opts Options) (*Plugin, error) {
	if opts.Store == nil {
		return nil, errors.New("qa: no store")
	}
	if opts.Answerer == nil {
		return nil, errors.New("qa: no answerer")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Sources == nil {
		opts.Sources = bot.NewSourceIDs(nil, opts.Logger)
	}
	if opts.MaxQuestion <= 0 {
		opts.MaxQuestion = bot.DefaultMaxQuestion
	}
	if opts.DraftTimeout <= 0 {
		opts.DraftTimeout = 30 * time.Second
	}
	if opts.SubmitRate == 0 {
		opts.SubmitRate = 4
	}
	if opts.SubmitBurst <= 0 {
		opts.SubmitBurst = 3
	}
	var limit *bot.Limiter
	if opts.SubmitRate > 0 {
		limit = bot.NewLimiter(opts.SubmitRate, opts.SubmitBurst, 0)
	}
	return &Plugin{
		limit:       limit,
		st:          opts.Store,
		ans:         opts.Answerer,
		books:       opts.Books,
		log:         opts.Logger,
		modRole:     opts.ModeratorRoleID,
		sources:     opts.Sources,
		maxQuestion: min(opts.MaxQuestion, qa.MaxQuestionLen),
		timeout:     opts.DraftTimeout,
		notes:       newNotices(),
	}, nil
}

// Register implements [bot.Plugin]: /qa and its subcommands, and the
// buttons and forms whose custom ID starts with "qa:". Every response is
// private; moderators' routes check the moderator on each interaction.
func (p *Plugin) Register(r *bot.Router) {
	r = r.With(bot.Private, bot.GuildOnly(msgGuildOnly))
	mods := r.With(bot.ModeratorsOnly(p.modRole, msgNotModerator))

	r.Command(p.command(), p.usage)
	r.Subcommand("/qa/ask", p.askCommand)
	r.Subcommand("/qa/status", p.status)
	mods.Subcommand("/qa/start", p.start)
	mods.Subcommand("/qa/end", p.end)
	mods.Subcommand("/qa/queue", p.queue)
	mods.Subcommand("/qa/next", p.next)

	r.With(bot.OpensForm).Component(prefixSubmit, byID(p.askForm))
	r.Modal(prefixAskForm, byID(p.askSubmit))
	r.Component(prefixVote, byID(p.vote))

	mods.Component(prefixApprove, byID(p.approve))
	forms := mods.With(bot.OpensForm)
	forms.Component(prefixEdit, byID(p.editForm))
	forms.Component(prefixSelf, byID(p.selfForm))
	forms.Component(prefixReject, byID(p.rejectForm))
	mods.Modal(prefixEditForm, byID(p.editSubmit))
	mods.Modal(prefixSelfForm, byID(p.selfSubmit))
	mods.Modal(prefixRejectForm, byID(p.rejectSubmit))
}

// byID adapts a handler of the session or question whose ID ends the
// custom ID.
func byID(h func(ctx context.Context, x *bot.Interaction, id int64) error) bot.Handler {
	return func(ctx context.Context, x *bot.Interaction) error {
		id, err := x.RecordID()
		if err != nil {
			return err
		}
		return h(ctx, x, id)
	}
}

// Friendly texts.
const (
	msgGuildOnly    = "Q&A sessions work in servers only."
	msgNotModerator = "Only moderators can do that: you need the Manage Messages permission or the moderator role."
	msgEnded        = "This Q&A session has ended."
	msgNoSession    = "There's no Q&A session running in this channel."
)
