-- Where a question was posted publicly for votes (when the cards live in a
-- separate moderators' channel), so the post can follow its decisions.

ALTER TABLE questions ADD COLUMN public_channel_id TEXT NOT NULL DEFAULT '';
ALTER TABLE questions ADD COLUMN public_message_id TEXT NOT NULL DEFAULT '';
