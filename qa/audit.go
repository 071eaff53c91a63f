package qa

import "time"

// AuditEntry records one state change: who did what, when, to which record.
type AuditEntry struct {
	ID      int64
	At      time.Time
	GuildID string
	// ActorID is the Discord user who caused the change, or [BotActor].
	ActorID string
	// Action names the change, e.g. "session.start", "question.reject", "vote.add".
	Action string
	// TargetKind is "session", "question" or "message" (for feedback).
	TargetKind string
	// TargetID is the record's ID (a session or question ID, or a message ID).
	TargetID string
	// Detail is a short human-readable note, e.g. a rejection reason.
	Detail string
}

// DefaultAuditLimit is the number of entries [AuditLog.Audit] returns when
// given a limit <= 0.
const DefaultAuditLimit = 100
