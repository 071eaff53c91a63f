-- The agreements of the processes of one bot (storybot/cluster).

-- Named claims: a gateway shard ("shard/COUNT/ID"), a live process
-- ("member/HOLDER"). Expired rows are free; a lease is taken over by
-- updating its row.
CREATE TABLE leases (
	name        text        PRIMARY KEY,
	holder      text        NOT NULL,
	acquired_at timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL
);

-- The last start through each gate, such as an IDENTIFY of a
-- max_concurrency bucket ("identify/BUCKET").
CREATE TABLE gates (
	bucket  text        PRIMARY KEY,
	last_at timestamptz NOT NULL
);

-- Work done once per version, such as registering the commands.
CREATE TABLE once_done (
	key     text        PRIMARY KEY,
	version text        NOT NULL,
	done_at timestamptz NOT NULL
);
