-- Moderated Q&A sessions, their questions, votes, the audit log, the
-- feedback on answers and the citation lists of Sources buttons: the
-- schema of storybot/qa/sqlite at its version 4, in PostgreSQL's types.
-- Times are timestamptz kept to the millisecond; Discord snowflakes are text.

CREATE TABLE sessions (
	id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	guild_id          text        NOT NULL,
	channel_id        text        NOT NULL,
	queue_channel_id  text        NOT NULL DEFAULT '',
	title             text        NOT NULL DEFAULT '',
	started_by        text        NOT NULL,
	started_by_name   text        NOT NULL DEFAULT '',
	started_at        timestamptz NOT NULL,
	ended_at          timestamptz,              -- NULL while the session is open
	ended_by          text        NOT NULL DEFAULT '',
	banner_message_id text        NOT NULL DEFAULT ''
);

-- At most one open session per channel.
CREATE UNIQUE INDEX sessions_open_channel ON sessions (guild_id, channel_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_guild ON sessions (guild_id, id);

CREATE TABLE questions (
	id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	session_id        bigint      NOT NULL REFERENCES sessions (id),
	guild_id          text        NOT NULL,
	asker_id          text        NOT NULL,
	asker_name        text        NOT NULL DEFAULT '',
	text              text        NOT NULL,
	status            text        NOT NULL DEFAULT 'pending'
	                  CHECK (status IN ('pending', 'approved', 'answered', 'rejected')),
	draft             text        NOT NULL DEFAULT '',
	draft_found       boolean     NOT NULL DEFAULT false,
	draft_citations   jsonb       NOT NULL DEFAULT '[]', -- [{"ref":..,"text":..}]
	answer            text        NOT NULL DEFAULT '',
	answer_citations  jsonb       NOT NULL DEFAULT '[]',
	answered_by       text        NOT NULL DEFAULT '',   -- '', 'draft', 'edited', 'moderator'
	action            text        NOT NULL DEFAULT '',   -- last decision
	decided_by        text        NOT NULL DEFAULT '',
	decided_by_name   text        NOT NULL DEFAULT '',
	decided_at        timestamptz,
	reason            text        NOT NULL DEFAULT '',
	posted_at         timestamptz,                       -- set by NextApproved
	posted_by         text        NOT NULL DEFAULT '',
	card_channel_id   text        NOT NULL DEFAULT '',
	card_message_id   text        NOT NULL DEFAULT '',
	public_channel_id text        NOT NULL DEFAULT '',
	public_message_id text        NOT NULL DEFAULT '',
	votes             integer     NOT NULL DEFAULT 0,    -- = count of votes rows, kept in the same transaction
	group_id          bigint REFERENCES questions (id),  -- canonical question this one duplicates; NULL if none
	created_at        timestamptz NOT NULL
);

CREATE INDEX questions_session ON questions (guild_id, session_id, status, votes DESC, created_at, id);
CREATE INDEX questions_group ON questions (group_id) WHERE group_id IS NOT NULL;

CREATE TABLE votes (
	question_id bigint      NOT NULL REFERENCES questions (id),
	user_id     text        NOT NULL,
	created_at  timestamptz NOT NULL,
	PRIMARY KEY (question_id, user_id)
);

CREATE TABLE audit (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at          timestamptz NOT NULL,
	guild_id    text        NOT NULL,
	actor_id    text        NOT NULL,
	action      text        NOT NULL,
	target_kind text        NOT NULL,
	target_id   text        NOT NULL,
	detail      text        NOT NULL DEFAULT ''
);

CREATE INDEX audit_guild ON audit (guild_id, id DESC);

-- One 👍/👎 per user per bot message; a later click replaces it.
CREATE TABLE feedback (
	guild_id   text        NOT NULL,
	channel_id text        NOT NULL,
	message_id text        NOT NULL,
	user_id    text        NOT NULL,
	question   text        NOT NULL DEFAULT '',
	answer     text        NOT NULL DEFAULT '',
	value      smallint    NOT NULL CHECK (value IN (-1, 1)),
	created_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL,
	PRIMARY KEY (guild_id, message_id, user_id)
);

-- The citation lists of Sources buttons too long to spell out in a custom
-- ID, by the key the button carries; put_at is when an answer last showed
-- the list, and lists are pruned by it.
CREATE TABLE sources (
	key    text        NOT NULL PRIMARY KEY,
	ids    jsonb       NOT NULL,
	put_at timestamptz NOT NULL
);

CREATE INDEX sources_put_at ON sources (put_at);
