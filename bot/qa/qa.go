// Package qa runs moderated Q&A sessions on Discord: participants submit
// questions about the story, the bot drafts an answer with citations, and
// moderators approve, edit, answer or reject each question from a card in a
// queue channel. It plugs into the bot as a [bot.Extension] and keeps all its
// state in a [qa.Store], so every button keeps working after a restart.
//
// # Wiring
//
// cmd/storybot/serve.go builds it after opening the store and passes it to
// the bot's options:
//
//	sources := bot.NewSourceIDs(2000)
//	q, err := qa.New(qa.Options{
//		Store:           st,
//		Answerer:        eng,
//		Logger:          logger,
//		ModeratorRoleID: cfg.ModeratorRole, // MODERATOR_ROLE_ID, may be ""
//		Sources:         sources,
//	})
//	if err != nil {
//		return err
//	}
//	opts := botOptions(cfg, eng, feedbackStore{st}, logger)
//	opts.Extensions = append(opts.Extensions, q)
//	opts.Sources = sources
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
// after it. After that, or after a restart, it is shown privately the next
// time they submit a question or vote in the server (kept in memory only).
// The bot does not send DMs.
package qa

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/answer"
	"storybot/bot"
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

// Options configure [New]. Zero values mean the documented defaults.
type Options struct {
	// Store keeps sessions, questions, votes and decisions. Required.
	Store Store
	// Answerer drafts the answer shown on each card. Required.
	Answerer Answerer
	// Logger receives logs; nil means [slog.Default].
	Logger *slog.Logger
	// ModeratorRoleID is a role whose members moderate besides those with
	// the Manage Messages permission; "" means the permission only.
	ModeratorRoleID string
	// Sources encodes the Sources buttons of answers shown to askers; give
	// it the bot's [bot.Options.Sources]. Nil means a new one.
	Sources *bot.SourceIDs
	// DraftTimeout bounds drafting one answer. Default 30s.
	DraftTimeout time.Duration
	// SubmitRate and SubmitBurst limit how many questions one member may
	// submit a minute, per server; defaults 4 and 3. A negative rate turns
	// the limit off.
	SubmitRate  float64
	SubmitBurst int
}

// QA is the moderated Q&A extension. It is safe for concurrent use.
type QA struct {
	st      Store
	ans     Answerer
	log     *slog.Logger
	modRole string
	sources *bot.SourceIDs
	timeout time.Duration
	notes   *notices
	limit   *bot.Limiter // nil: no limit
}

var _ bot.Extension = (*QA)(nil)

// New returns the Q&A extension.
func New(opts Options) (*QA, error) {
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
		opts.Sources = bot.NewSourceIDs(1000)
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
	return &QA{
		limit:   limit,
		st:      opts.Store,
		ans:     opts.Answerer,
		log:     opts.Logger,
		modRole: opts.ModeratorRoleID,
		sources: opts.Sources,
		timeout: opts.DraftTimeout,
		notes:   newNotices(),
	}, nil
}

// HandleInteraction implements [bot.Extension]: it handles /qa and the
// components and forms whose custom_id starts with "qa:".
func (x *QA) HandleInteraction(ctx context.Context, s *discordgo.Session, ic *discordgo.InteractionCreate) bool {
	i := ic.Interaction
	if i == nil {
		return false
	}
	var run func(context.Context, *reply) error
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		if i.ApplicationCommandData().Name != CommandName {
			return false
		}
		run = x.command
	case discordgo.InteractionMessageComponent:
		id, ok := parseID(i.MessageComponentData().CustomID)
		if !ok {
			return false
		}
		run = func(ctx context.Context, r *reply) error { return x.component(ctx, r, id) }
	case discordgo.InteractionModalSubmit:
		id, ok := parseID(i.ModalSubmitData().CustomID)
		if !ok {
			return false
		}
		run = func(ctx context.Context, r *reply) error { return x.modal(ctx, r, id) }
	default:
		return false
	}
	r := &reply{s: s, i: i}
	if i.GuildID == "" {
		x.report(ctx, r, r.send(ctx, notice(msgGuildOnly)))
		return true
	}
	x.report(ctx, r, run(ctx, r))
	return true
}

// report logs err and tells the user something went wrong, unless err is
// nil or was already explained.
func (x *QA) report(ctx context.Context, r *reply, err error) {
	if err == nil {
		return
	}
	x.log.Error("qa: interaction failed", "err", err, "interaction", r.i.ID, "user", userID(r.i))
	if err := r.send(ctx, notice(msgSorry)); err != nil {
		x.log.Error("qa: tell user of failure", "err", err, "interaction", r.i.ID)
	}
}

// Friendly texts.
const (
	msgSorry        = "Sorry, something went wrong on my side. Please try again in a moment."
	msgGuildOnly    = "Q&A sessions work in servers only."
	msgNotModerator = "Only moderators can do that: you need the Manage Messages permission or the moderator role."
	msgEnded        = "This Q&A session has ended."
	msgNoSession    = "There's no Q&A session running in this channel."
)

// userID returns the ID of the user who caused i.
func userID(i *discordgo.Interaction) string {
	if u := user(i); u != nil {
		return u.ID
	}
	return ""
}

func user(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

// displayName is the name the server shows for the user who caused i.
func displayName(i *discordgo.Interaction) string {
	if i.Member != nil && strings.TrimSpace(i.Member.Nick) != "" {
		return i.Member.Nick
	}
	u := user(i)
	if u == nil {
		return ""
	}
	if strings.TrimSpace(u.GlobalName) != "" {
		return u.GlobalName
	}
	return u.Username
}

func (x *QA) isModerator(i *discordgo.Interaction) bool {
	return bot.IsModerator(i, x.modRole)
}
