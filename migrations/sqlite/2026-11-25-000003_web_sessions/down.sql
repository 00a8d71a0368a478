ALTER TABLE person_identities DROP COLUMN guardian_phone;
DROP TABLE web_sessions;
