ALTER TABLE people DROP COLUMN paused_until;
ALTER TABLE people DROP COLUMN link_generation;
DROP TABLE invitation_responses;
