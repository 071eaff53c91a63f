-- The citation lists of Sources buttons too long to spell out in a custom
-- ID, by the key the button carries (a hash of the list), so that the
-- buttons work after a restart. ids is the list as a JSON array; put_at
-- (Unix ms) is when an answer last showed it, and lists are pruned by it.

CREATE TABLE sources (
	key    TEXT    NOT NULL PRIMARY KEY,
	ids    TEXT    NOT NULL,
	put_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sources_put_at ON sources (put_at);
