DROP INDEX web_sessions_by_csrf;
DROP TABLE response_drafts;
