-- Moderated Q&A sessions, their questions, votes and the audit log.
-- Times are Unix milliseconds (UTC); Discord snowflakes are TEXT.

CREATE TABLE sessions (
	id                INTEGER PRIMARY KEY,
	guild_id          TEXT    NOT NULL,
	channel_id        TEXT    NOT NULL,
	queue_channel_id  TEXT    NOT NULL DEFAULT '',
	title             TEXT    NOT NULL DEFAULT '',
	started_by        TEXT    NOT NULL,
	started_by_name   TEXT    NOT NULL DEFAULT '',
	started_at        INTEGER NOT NULL,
	ended_at          INTEGER,              -- NULL while the session is open
	ended_by          TEXT    NOT NULL DEFAULT '',
	banner_message_id TEXT    NOT NULL DEFAULT ''
);

-- At most one open session per channel.
CREATE UNIQUE INDEX sessions_open_channel ON sessions (guild_id, channel_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_guild ON sessions (guild_id, id);

CREATE TABLE questions (
	id               INTEGER PRIMARY KEY,
	session_id       INTEGER NOT NULL REFERENCES sessions (id),
	guild_id         TEXT    NOT NULL,
	asker_id         TEXT    NOT NULL,
	asker_name       TEXT    NOT NULL DEFAULT '',
	text             TEXT    NOT NULL,
	status           TEXT    NOT NULL DEFAULT 'pending'
	                 CHECK (status IN ('pending', 'approved', 'answered', 'rejected')),
	draft            TEXT    NOT NULL DEFAULT '',
	draft_found      INTEGER NOT NULL DEFAULT 0,
	draft_citations  TEXT    NOT NULL DEFAULT '[]', -- JSON [{"ref":..,"text":..}]
	answer           TEXT    NOT NULL DEFAULT '',
	answer_citations TEXT    NOT NULL DEFAULT '[]',
	answered_by      TEXT    NOT NULL DEFAULT '',   -- '', 'draft', 'edited', 'moderator'
	action           TEXT    NOT NULL DEFAULT '',   -- last decision: approve, edit_approve, answer_self, reject
	decided_by       TEXT    NOT NULL DEFAULT '',
	decided_by_name  TEXT    NOT NULL DEFAULT '',
	decided_at       INTEGER,
	reason           TEXT    NOT NULL DEFAULT '',
	posted_at        INTEGER,                       -- set by NextApproved
	posted_by        TEXT    NOT NULL DEFAULT '',
	card_channel_id  TEXT    NOT NULL DEFAULT '',
	card_message_id  TEXT    NOT NULL DEFAULT '',
	votes            INTEGER NOT NULL DEFAULT 0,    -- = count of votes rows, kept in the same transaction
	group_id         INTEGER REFERENCES questions (id), -- canonical question this one duplicates; NULL if none
	created_at       INTEGER NOT NULL
);

CREATE INDEX questions_session ON questions (guild_id, session_id, status, votes DESC, created_at, id);
CREATE INDEX questions_group ON questions (group_id) WHERE group_id IS NOT NULL;

CREATE TABLE votes (
	question_id INTEGER NOT NULL REFERENCES questions (id),
	user_id     TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (question_id, user_id)
) WITHOUT ROWID;

CREATE TABLE audit (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	guild_id    TEXT    NOT NULL,
	actor_id    TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	target_kind TEXT    NOT NULL,
	target_id   TEXT    NOT NULL,
	detail      TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX audit_guild ON audit (guild_id, id DESC);
