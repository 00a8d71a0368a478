-- One SMS to a mentor covers the same window of every student they fill out for: the
-- invitation belongs to each of those responses, so each diary has its invitation and reminder
-- times (before, only the first response of the window carried them).
CREATE TABLE invitation_responses (
    invitation_id BIGINT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, response_id)
);
CREATE INDEX invitation_responses_by_response ON invitation_responses (response_id);
-- Invitations made before carry their one response.
INSERT INTO invitation_responses (invitation_id, response_id)
SELECT id, response_id FROM invitations WHERE response_id IS NOT NULL;
-- A new phone number makes new links: the links a person was sent are derived from the secret,
-- the person, this generation and the window, so raising it revokes every old link for good
-- (a revoked token could otherwise be derived again).
ALTER TABLE people ADD COLUMN link_generation INTEGER NOT NULL DEFAULT 0;
-- A pause ("on holiday until 6 January"): no SMS before this moment, then on as before.
ALTER TABLE people ADD COLUMN paused_until TIMESTAMP;
