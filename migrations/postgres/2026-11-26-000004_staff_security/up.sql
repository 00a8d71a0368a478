-- Staff accounts you can trust: API tokens issued before `tokens_not_before` stop (revoked
-- sessions, a disabled account); the second factor (TOTP): `totp_secret` holds the secret
-- encrypted with a key derived from the installation secret, confirmed once the first code
-- matched; `totp_last_step` is the last time step accepted, so a code works once.
ALTER TABLE staff_accounts ADD COLUMN tokens_not_before TIMESTAMP;
ALTER TABLE staff_accounts ADD COLUMN totp_confirmed_at TIMESTAMP;
ALTER TABLE staff_accounts ADD COLUMN totp_last_step BIGINT;

-- Recovery codes of the second factor: shown once, kept only as argon2 hashes, each used once.
CREATE TABLE staff_recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_accounts (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_recovery_codes_staff ON staff_recovery_codes (staff_id);

-- Staff sessions end after 30 minutes without a request (besides their 8 hours).
ALTER TABLE web_sessions ADD COLUMN last_seen_at TIMESTAMP;
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);

-- A delivery report is bound to its gateway and message; the same report twice counts once.
ALTER TABLE delivery_reports ADD COLUMN report_key TEXT;
CREATE UNIQUE INDEX delivery_reports_key ON delivery_reports (report_key);

-- Old expired links are deleted by the daily clean-up.
CREATE INDEX link_tokens_expiry ON link_tokens (expires_at);
