-- The servers' libraries (storybot/library): books added from Discord with
-- their files, the book each channel or server talks about, and how far
-- channels and members have read. Times are Unix ms.

-- A book of a guild. chapters is the JSON array of the chapters a reader's
-- progress can name ([{"n":1,"label":"ch. 1","name":"…"}, …]). A guild
-- holds a file once (sha256 is the file's hash, in hex). AUTOINCREMENT: an
-- ID is never given again, so that a removed book's buttons and progress
-- never point at a later one.
CREATE TABLE books (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	guild_id      TEXT    NOT NULL,
	title         TEXT    NOT NULL,
	author        TEXT    NOT NULL,
	filename      TEXT    NOT NULL,
	kind          TEXT    NOT NULL,
	size          INTEGER NOT NULL,
	sha256        TEXT    NOT NULL,
	text_bytes    INTEGER NOT NULL,
	words         INTEGER NOT NULL,
	chapters      TEXT    NOT NULL,
	added_by      TEXT    NOT NULL,
	added_by_name TEXT    NOT NULL,
	added_at      INTEGER NOT NULL,
	UNIQUE (guild_id, sha256)
);

CREATE INDEX books_guild ON books (guild_id, id);

-- The file of a book, as uploaded, apart so that listing books reads no
-- file.
CREATE TABLE book_files (
	book_id INTEGER NOT NULL PRIMARY KEY REFERENCES books (id) ON DELETE CASCADE,
	data    BLOB    NOT NULL
);

-- The book a channel (channel_id) or the guild (channel_id '') talks
-- about; book_id 0 is the bot's default corpus, so it is no foreign key:
-- removing a book deletes its rows in the same transaction.
CREATE TABLE book_choices (
	guild_id   TEXT    NOT NULL,
	channel_id TEXT    NOT NULL,
	book_id    INTEGER NOT NULL,
	set_by     TEXT    NOT NULL,
	set_at     INTEGER NOT NULL,
	PRIMARY KEY (guild_id, channel_id)
) WITHOUT ROWID;

CREATE INDEX book_choices_book ON book_choices (book_id);

-- How far a channel (user_id '') or a member (channel_id '') has read a
-- book (book_id 0: the default corpus): the last chapter read, in reading
-- order, and its label then.
CREATE TABLE book_progress (
	guild_id   TEXT    NOT NULL,
	book_id    INTEGER NOT NULL,
	channel_id TEXT    NOT NULL,
	user_id    TEXT    NOT NULL,
	chapter    INTEGER NOT NULL,
	label      TEXT    NOT NULL,
	set_by     TEXT    NOT NULL,
	set_at     INTEGER NOT NULL,
	PRIMARY KEY (guild_id, book_id, channel_id, user_id)
) WITHOUT ROWID;

CREATE INDEX book_progress_book ON book_progress (book_id);
