DROP INDEX link_tokens_expiry;
DROP INDEX delivery_reports_key;
ALTER TABLE delivery_reports DROP COLUMN report_key;
DROP INDEX web_sessions_expiry;
ALTER TABLE web_sessions DROP COLUMN last_seen_at;
DROP TABLE staff_recovery_codes;
ALTER TABLE staff_accounts DROP COLUMN totp_last_step;
ALTER TABLE staff_accounts DROP COLUMN totp_confirmed_at;
ALTER TABLE staff_accounts DROP COLUMN tokens_not_before;
