-- Answer feedback: one 👍/👎 per user per bot message; a later click replaces it.

CREATE TABLE feedback (
	guild_id   TEXT    NOT NULL,
	channel_id TEXT    NOT NULL,
	message_id TEXT    NOT NULL,
	user_id    TEXT    NOT NULL,
	question   TEXT    NOT NULL DEFAULT '',
	answer     TEXT    NOT NULL DEFAULT '',
	value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (guild_id, message_id, user_id)
) WITHOUT ROWID;
