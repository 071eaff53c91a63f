// Package memstore is a [qa.Store] in memory: what tests and a bot without
// a database can use, and the reference a new adapter (PostgreSQL…) can be
// read beside. It passes storybot/qa/qatest like storybot/qa/sqlite does;
// everything is lost when the process ends.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"storybot/qa"
)

var _ qa.Store = (*Store)(nil)

// Store is an in-memory [qa.Store]. One mutex guards everything, so every
// change is atomic and of concurrent decisions exactly one wins. The zero
// value is not ready; use [New].
type Store struct {
	now func() time.Time // the clock; see SetClock

	mu        sync.Mutex
	sessions  []*qa.Session  // by ID - 1
	questions []*qa.Question // by ID - 1; AlsoAsked is filled on reading
	votes     map[int64]map[string]bool
	audit     []qa.AuditEntry // oldest first; ID is index + 1
	feedback  map[feedbackKey]qa.Feedback
}

type feedbackKey struct{ guild, message, user string }

// New returns an empty store that tells time with [time.Now].
func New() *Store {
	return &Store{
		now:      time.Now,
		votes:    map[int64]map[string]bool{},
		feedback: map[feedbackKey]qa.Feedback{},
	}
}

// SetClock makes the store tell time with now instead of [time.Now], for
// reproducible times in tests. Call it before using the store.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// stamp reads the clock once, at the precision and in the zone stores keep.
func (s *Store) stamp() time.Time { return time.UnixMilli(s.now().UnixMilli()).UTC() }

// record appends an audit entry; every change calls it, with the change's time.
func (s *Store) record(at time.Time, guildID, actor, action, kind string, target any, detail string) {
	if actor == "" {
		actor = qa.BotActor
	}
	id := fmt.Sprint(target)
	s.audit = append(s.audit, qa.AuditEntry{ID: int64(len(s.audit) + 1), At: at, GuildID: guildID,
		ActorID: actor, Action: action, TargetKind: kind, TargetID: id, Detail: detail})
}

// session returns the guild's session id, or nil.
func (s *Store) session(guildID string, id int64) *qa.Session {
	if id < 1 || id > int64(len(s.sessions)) || s.sessions[id-1].GuildID != guildID {
		return nil
	}
	return s.sessions[id-1]
}

// question returns the guild's question id, or nil.
func (s *Store) question(guildID string, id int64) *qa.Question {
	if id < 1 || id > int64(len(s.questions)) || s.questions[id-1].GuildID != guildID {
		return nil
	}
	return s.questions[id-1]
}

// read returns a copy of q that shares nothing with the store, with
// AlsoAsked filled for a canonical question.
func (s *Store) read(q *qa.Question) qa.Question {
	out := *q
	out.DraftCitations = slices.Clone(q.DraftCitations)
	out.AnswerCitations = slices.Clone(q.AnswerCitations)
	out.AlsoAsked = nil
	if q.GroupID == 0 {
		for _, d := range s.questions {
			if d.GroupID == q.ID {
				out.AlsoAsked = append(out.AlsoAsked, qa.Asker{QuestionID: d.ID, ID: d.AskerID, Name: d.AskerName, Text: d.Text})
			}
		}
	}
	return out
}

// canonical returns the question id or, for a duplicate, its canonical
// question, when its session is open.
func (s *Store) canonical(guildID string, id int64) (*qa.Question, error) {
	q := s.question(guildID, id)
	if q == nil {
		return nil, qa.ErrNotFound
	}
	if q.GroupID != 0 {
		if q = s.question(guildID, q.GroupID); q == nil {
			return nil, qa.ErrNotFound
		}
	}
	if sess := s.session(guildID, q.SessionID); sess == nil || !sess.Open() {
		return nil, qa.ErrSessionEnded
	}
	return q, nil
}

// group returns q and its duplicates.
func (s *Store) group(q *qa.Question) []*qa.Question {
	out := []*qa.Question{q}
	for _, d := range s.questions {
		if d.GroupID == q.ID {
			out = append(out, d)
		}
	}
	return out
}

// StartSession implements [qa.Sessions.StartSession].
func (s *Store) StartSession(ctx context.Context, ns qa.NewSession) (qa.Session, error) {
	ns, err := ns.Clean()
	if err != nil {
		return qa.Session{}, fmt.Errorf("start session: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return qa.Session{}, fmt.Errorf("start session in channel %s: %w", ns.ChannelID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.sessions {
		if o.GuildID == ns.GuildID && o.ChannelID == ns.ChannelID && o.Open() {
			return qa.Session{}, fmt.Errorf("start session in channel %s: %w", ns.ChannelID, qa.ErrSessionActive)
		}
	}
	now := s.stamp()
	sess := &qa.Session{ID: int64(len(s.sessions) + 1), GuildID: ns.GuildID, ChannelID: ns.ChannelID,
		QueueChannelID: ns.QueueChannelID, Title: ns.Title, StartedBy: ns.StartedBy,
		StartedByName: ns.StartedByName, StartedAt: now}
	s.sessions = append(s.sessions, sess)
	s.record(now, ns.GuildID, ns.StartedBy, "session.start", "session", sess.ID,
		fmt.Sprintf("channel %s, title %q", ns.ChannelID, ns.Title))
	return *sess, nil
}

// ActiveSession implements [qa.Sessions.ActiveSession].
func (s *Store) ActiveSession(ctx context.Context, guildID, channelID string) (qa.Session, error) {
	if err := ctx.Err(); err != nil {
		return qa.Session{}, fmt.Errorf("active session in channel %s: %w", channelID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.sessions {
		if o.GuildID == guildID && o.ChannelID == channelID && o.Open() {
			return *o, nil
		}
	}
	return qa.Session{}, fmt.Errorf("active session in channel %s: %w", channelID, qa.ErrNotFound)
}

// ActiveSessions implements [qa.Sessions.ActiveSessions].
func (s *Store) ActiveSessions(ctx context.Context, guildID string) ([]qa.Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []qa.Session
	for _, o := range s.sessions {
		if o.GuildID == guildID && o.Open() {
			out = append(out, *o)
		}
	}
	return out, nil
}

// SessionByID implements [qa.Sessions.SessionByID].
func (s *Store) SessionByID(ctx context.Context, guildID string, id int64) (qa.Session, error) {
	if err := ctx.Err(); err != nil {
		return qa.Session{}, fmt.Errorf("session %d: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.session(guildID, id)
	if sess == nil {
		return qa.Session{}, fmt.Errorf("session %d: %w", id, qa.ErrNotFound)
	}
	return *sess, nil
}

// EndSession implements [qa.Sessions.EndSession].
func (s *Store) EndSession(ctx context.Context, guildID string, id int64, actor string) (qa.Session, error) {
	if err := ctx.Err(); err != nil {
		return qa.Session{}, fmt.Errorf("end session %d: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.session(guildID, id)
	switch {
	case sess == nil:
		return qa.Session{}, fmt.Errorf("end session %d: %w", id, qa.ErrNotFound)
	case !sess.Open():
		return qa.Session{}, fmt.Errorf("end session %d: %w", id, qa.ErrSessionEnded)
	}
	now := s.stamp()
	sess.EndedAt, sess.EndedBy = now, actor
	s.record(now, guildID, actor, "session.end", "session", id, "")
	return *sess, nil
}

// SubmitQuestion implements [qa.Questions.SubmitQuestion].
func (s *Store) SubmitQuestion(ctx context.Context, nq qa.NewQuestion) (qa.Question, *qa.Question, error) {
	nq, err := nq.Clean()
	if err != nil {
		return qa.Question{}, nil, fmt.Errorf("submit question: %w", err)
	}
	fail := func(err error) (qa.Question, *qa.Question, error) {
		return qa.Question{}, nil, fmt.Errorf("submit question to session %d: %w", nq.SessionID, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.session(nq.GuildID, nq.SessionID)
	switch {
	case sess == nil:
		return fail(qa.ErrNotFound)
	case !sess.Open():
		return fail(qa.ErrSessionEnded)
	}
	var open []qa.Question
	for _, q := range s.questions {
		if q.GuildID == nq.GuildID && q.SessionID == nq.SessionID && q.GroupID == 0 &&
			(q.Status == qa.StatusPending || q.Status == qa.StatusApproved) {
			open = append(open, *q)
		}
	}
	now := s.stamp()
	q := &qa.Question{ID: int64(len(s.questions) + 1), SessionID: nq.SessionID, GuildID: nq.GuildID,
		AskerID: nq.AskerID, AskerName: nq.AskerName, Text: nq.Text, Status: qa.StatusPending,
		Draft: nq.Draft, DraftFound: nq.DraftFound, DraftCitations: slices.Clone(nq.DraftCitations), CreatedAt: now}
	canon := qa.Canonical(nq.Text, open)
	detail := ""
	if canon != nil {
		q.GroupID = canon.ID
		q.Status, q.Action = canon.Status, canon.Action
		q.DecidedBy, q.DecidedByName, q.DecidedAt = canon.DecidedBy, canon.DecidedByName, canon.DecidedAt
		detail = fmt.Sprintf("duplicate of question %d", canon.ID)
	}
	s.questions = append(s.questions, q)
	s.record(now, nq.GuildID, nq.AskerID, "question.submit", "question", q.ID, detail)
	var dupOf *qa.Question
	if canon != nil {
		c := s.read(s.questions[canon.ID-1])
		dupOf = &c
	}
	return s.read(q), dupOf, nil
}

// QuestionByID implements [qa.Questions.QuestionByID].
func (s *Store) QuestionByID(ctx context.Context, guildID string, id int64) (qa.Question, error) {
	if err := ctx.Err(); err != nil {
		return qa.Question{}, fmt.Errorf("question %d: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.question(guildID, id)
	if q == nil {
		return qa.Question{}, fmt.Errorf("question %d: %w", id, qa.ErrNotFound)
	}
	return s.read(q), nil
}

// byVotes orders questions by votes (most first), then age, then ID.
func byVotes(a, b *qa.Question) int {
	return cmp.Or(cmp.Compare(b.Votes, a.Votes), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
}

// Queue implements [qa.Questions.Queue].
func (s *Store) Queue(ctx context.Context, guildID string, sessionID int64, status qa.Status, limit int) ([]qa.Question, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("queue of session %d: %w", sessionID, err)
	}
	if limit <= 0 {
		limit = qa.DefaultQueueLimit
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var picked []*qa.Question
	for _, q := range s.questions {
		in := q.Status == status || status == "" && (q.Status == qa.StatusPending || q.Status == qa.StatusApproved)
		if q.GuildID == guildID && q.SessionID == sessionID && q.GroupID == 0 && in {
			picked = append(picked, q)
		}
	}
	slices.SortStableFunc(picked, byVotes)
	var out []qa.Question
	for _, q := range picked[:min(limit, len(picked))] {
		out = append(out, s.read(q))
	}
	return out, nil
}

// Transcript implements [qa.Questions.Transcript].
func (s *Store) Transcript(ctx context.Context, guildID string, sessionID int64) ([]qa.Question, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("transcript of session %d: %w", sessionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session(guildID, sessionID) == nil {
		return nil, fmt.Errorf("transcript: session %d: %w", sessionID, qa.ErrNotFound)
	}
	var out []qa.Question
	for _, q := range s.questions { // in ID order, which is submission order
		if q.GuildID == guildID && q.SessionID == sessionID {
			out = append(out, s.read(q))
		}
	}
	slices.SortStableFunc(out, func(a, b qa.Question) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// SessionCounts implements [qa.Questions.SessionCounts].
func (s *Store) SessionCounts(ctx context.Context, guildID string, sessionID int64) (qa.Counts, error) {
	if err := ctx.Err(); err != nil {
		return qa.Counts{}, fmt.Errorf("session counts %d: %w", sessionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session(guildID, sessionID) == nil {
		return qa.Counts{}, fmt.Errorf("session counts: session %d: %w", sessionID, qa.ErrNotFound)
	}
	var c qa.Counts
	groups := map[int64]bool{}
	for _, q := range s.questions {
		if q.GuildID != guildID || q.SessionID != sessionID {
			continue
		}
		c.Submitted++
		c.Votes += q.Votes
		if q.GroupID != 0 {
			c.Duplicates++
			groups[q.GroupID] = true
			continue
		}
		switch q.Status {
		case qa.StatusPending:
			c.Pending++
		case qa.StatusApproved:
			c.Approved++
			if !q.PostedAt.IsZero() {
				c.Posted++
			}
		case qa.StatusAnswered:
			c.Answered++
		case qa.StatusRejected:
			c.Rejected++
		}
	}
	c.Groups = len(groups)
	return c, nil
}

// Decide implements [qa.Decisions.Decide].
func (s *Store) Decide(ctx context.Context, d qa.Decision) (qa.Question, error) {
	d, err := d.Clean()
	if err != nil {
		return qa.Question{}, fmt.Errorf("decide question: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return qa.Question{}, fmt.Errorf("decide question %d: %w", d.QuestionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.canonical(d.GuildID, d.QuestionID)
	if err != nil {
		return qa.Question{}, fmt.Errorf("decide question %d: %w", d.QuestionID, err)
	}
	status, answer, cits, source, from := d.Outcome(*q)
	if !slices.Contains(from, q.Status) {
		return qa.Question{}, fmt.Errorf("decide question %d: %w", d.QuestionID, qa.Decided(s.read(q)))
	}
	now := s.stamp()
	detail := d.AuditDetail(s.read(q), status)
	for _, m := range s.group(q) {
		m.Status, m.Answer, m.AnswerCitations, m.AnsweredBy = status, answer, slices.Clone(cits), source
		m.Action, m.DecidedBy, m.DecidedByName, m.DecidedAt, m.Reason = d.Action, d.Actor, d.ActorName, now, d.Reason
	}
	s.record(now, d.GuildID, d.Actor, "question."+string(d.Action), "question", q.ID, detail)
	return s.read(q), nil
}

// NextApproved implements [qa.Decisions.NextApproved].
func (s *Store) NextApproved(ctx context.Context, guildID string, sessionID int64, actor string) (qa.Question, error) {
	fail := func(err error) (qa.Question, error) {
		return qa.Question{}, fmt.Errorf("next approved question of session %d: %w", sessionID, err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.session(guildID, sessionID)
	switch {
	case sess == nil:
		return fail(qa.ErrNotFound)
	case !sess.Open():
		return fail(qa.ErrSessionEnded)
	}
	var next *qa.Question
	for _, q := range s.questions {
		if q.GuildID == guildID && q.SessionID == sessionID && q.GroupID == 0 &&
			q.Status == qa.StatusApproved && q.PostedAt.IsZero() && (next == nil || byVotes(q, next) < 0) {
			next = q
		}
	}
	if next == nil {
		return fail(qa.ErrNotFound)
	}
	now := s.stamp()
	for _, m := range s.group(next) {
		m.PostedAt, m.PostedBy = now, actor
	}
	s.record(now, guildID, actor, "question.post", "question", next.ID, "")
	return s.read(next), nil
}

// ToggleVote implements [qa.Decisions.ToggleVote].
func (s *Store) ToggleVote(ctx context.Context, guildID string, questionID int64, userID string) (int, bool, error) {
	fail := func(err error) (int, bool, error) {
		return 0, false, fmt.Errorf("vote on question %d: %w", questionID, err)
	}
	if guildID == "" || userID == "" {
		return fail(qa.Invalidf("guild and user are required"))
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.canonical(guildID, questionID)
	if err != nil {
		return fail(err)
	}
	if q.Status != qa.StatusPending && q.Status != qa.StatusApproved {
		return fail(qa.ErrVotingClosed)
	}
	now := s.stamp()
	voters := s.votes[q.ID]
	if voters == nil {
		voters = map[string]bool{}
		s.votes[q.ID] = voters
	}
	action, voted := "vote.remove", !voters[userID]
	if voted {
		voters[userID] = true
		q.Votes++
		action = "vote.add"
	} else {
		delete(voters, userID)
		q.Votes--
	}
	s.record(now, guildID, userID, action, "question", q.ID, "")
	return q.Votes, voted, nil
}

// SetBannerMessage implements [qa.Messages.SetBannerMessage].
func (s *Store) SetBannerMessage(ctx context.Context, guildID string, sessionID int64, messageID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("set banner of session %d: %w", sessionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.session(guildID, sessionID)
	if sess == nil {
		return fmt.Errorf("set banner of session %d: %w", sessionID, qa.ErrNotFound)
	}
	sess.BannerMessageID = messageID
	s.record(s.stamp(), guildID, qa.BotActor, "session.banner", "session", sessionID, "message "+messageID)
	return nil
}

// SetCard implements [qa.Messages.SetCard].
func (s *Store) SetCard(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error {
	return s.setMessage(ctx, guildID, questionID, "card", channelID, messageID)
}

// SetPublicPost implements [qa.Messages.SetPublicPost].
func (s *Store) SetPublicPost(ctx context.Context, guildID string, questionID int64, channelID, messageID string) error {
	return s.setMessage(ctx, guildID, questionID, "public", channelID, messageID)
}

func (s *Store) setMessage(ctx context.Context, guildID string, questionID int64, which, channelID, messageID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("set %s of question %d: %w", which, questionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.question(guildID, questionID)
	if q == nil {
		return fmt.Errorf("set %s of question %d: %w", which, questionID, qa.ErrNotFound)
	}
	if which == "card" {
		q.CardChannelID, q.CardMessageID = channelID, messageID
	} else {
		q.PublicChannelID, q.PublicMessageID = channelID, messageID
	}
	s.record(s.stamp(), guildID, qa.BotActor, "question."+which, "question", questionID,
		"channel "+channelID+" message "+messageID)
	return nil
}

// Audit implements [qa.AuditLog.Audit].
func (s *Store) Audit(ctx context.Context, guildID string, limit int) ([]qa.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	if limit <= 0 {
		limit = qa.DefaultAuditLimit
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []qa.AuditEntry
	for i := len(s.audit) - 1; i >= 0 && len(out) < limit; i-- {
		if s.audit[i].GuildID == guildID {
			out = append(out, s.audit[i])
		}
	}
	return out, nil
}

// RecordFeedback implements [qa.FeedbackStore.RecordFeedback].
func (s *Store) RecordFeedback(ctx context.Context, f qa.Feedback) error {
	f, err := f.Clean()
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("record feedback on message %s: %w", f.MessageID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := feedbackKey{f.GuildID, f.MessageID, f.UserID}
	if old, ok := s.feedback[k]; ok {
		// Like the SQL upsert, a later click changes only the value.
		old.Value = f.Value
		f = old
	}
	s.feedback[k] = f
	s.record(s.stamp(), f.GuildID, f.UserID, "feedback.record", "message", f.MessageID, fmt.Sprintf("%+d", f.Value))
	return nil
}

// FeedbackCounts implements [qa.FeedbackStore.FeedbackCounts].
func (s *Store) FeedbackCounts(ctx context.Context, guildID, messageID string) (up, down int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, fmt.Errorf("feedback counts of message %s: %w", messageID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, f := range s.feedback {
		if k.guild == guildID && k.message == messageID {
			if f.Value > 0 {
				up++
			} else {
				down++
			}
		}
	}
	return up, down, nil
}
