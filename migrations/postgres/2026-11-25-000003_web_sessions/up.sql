-- Browser sessions: a participant's opened by a personal link, a staff member's by a password.
-- Only a hash of the cookie value is kept; the CSRF token is bound to the session.
CREATE TABLE web_sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    person_id BIGINT REFERENCES people (id),
    staff_id BIGINT REFERENCES staff_accounts (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- A parent's or carer's number for under-16s' consent: identifying, so it sits with the identity
-- and is erased with it.
ALTER TABLE person_identities ADD COLUMN guardian_phone TEXT;
