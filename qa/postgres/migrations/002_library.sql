-- The servers' libraries (storybot/library): books added from Discord with
-- their files, the book each channel or server talks about, and how far
-- channels and members have read. The schema of storybot/qa/sqlite's
-- migration 005 in PostgreSQL's types, with foreign keys doing what the
-- SQLite store does by hand: removing a book removes its file, its choices
-- and the progress through it, and a choice or progress can name only a
-- book of its own guild.

-- A book of a guild. chapters is the array of the chapters a reader's
-- progress can name ([{"n":1,"label":"ch. 1","name":"…"}, …]). A guild
-- holds a file once (sha256 is the file's hash, in hex). An identity never
-- gives an ID again, so that a removed book's buttons and progress never
-- point at a later one.
CREATE TABLE books (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	guild_id      text        NOT NULL,
	title         text        NOT NULL,
	author        text        NOT NULL,
	filename      text        NOT NULL,
	kind          text        NOT NULL,
	size          bigint      NOT NULL,
	sha256        text        NOT NULL,
	text_bytes    bigint      NOT NULL,
	words         integer     NOT NULL,
	chapters      jsonb       NOT NULL,
	added_by      text        NOT NULL,
	added_by_name text        NOT NULL,
	added_at      timestamptz NOT NULL,
	UNIQUE (guild_id, sha256),
	-- What the choices and progress refer to; also the guild's list.
	UNIQUE (guild_id, id)
);

-- The file of a book, as uploaded, apart so that listing books reads no
-- file.
CREATE TABLE book_files (
	book_id bigint NOT NULL PRIMARY KEY REFERENCES books (id) ON DELETE CASCADE,
	data    bytea  NOT NULL
);

-- The book a channel (channel_id) or the guild (channel_id '') talks
-- about. book_id 0 is the bot's default corpus, which is no row of books:
-- book is book_id but NULL for 0, and a foreign key with a NULL column is
-- not checked.
CREATE TABLE book_choices (
	guild_id   text        NOT NULL,
	channel_id text        NOT NULL,
	book_id    bigint      NOT NULL,
	book       bigint      GENERATED ALWAYS AS (nullif(book_id, 0)) STORED,
	set_by     text        NOT NULL,
	set_at     timestamptz NOT NULL,
	PRIMARY KEY (guild_id, channel_id),
	FOREIGN KEY (guild_id, book) REFERENCES books (guild_id, id) ON DELETE CASCADE
);

CREATE INDEX book_choices_book ON book_choices (guild_id, book);

-- How far a channel (user_id '') or a member (channel_id '') has read a
-- book (book_id 0: the default corpus, as in book_choices): the last
-- chapter read, in reading order, and its label then.
CREATE TABLE book_progress (
	guild_id   text        NOT NULL,
	book_id    bigint      NOT NULL,
	book       bigint      GENERATED ALWAYS AS (nullif(book_id, 0)) STORED,
	channel_id text        NOT NULL,
	user_id    text        NOT NULL,
	chapter    integer     NOT NULL,
	label      text        NOT NULL,
	set_by     text        NOT NULL,
	set_at     timestamptz NOT NULL,
	PRIMARY KEY (guild_id, book_id, channel_id, user_id),
	FOREIGN KEY (guild_id, book) REFERENCES books (guild_id, id) ON DELETE CASCADE
);

CREATE INDEX book_progress_book ON book_progress (guild_id, book);
