-- What a person has answered so far, kept as they answer (and when a submit meets an ended
-- session), so nothing typed is lost: keyed to the response, not to the browser's session.
-- Never exported as answers; deleted once the response is completed or its window has closed.
CREATE TABLE response_drafts (
    response_id BIGINT PRIMARY KEY NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    -- The form's fields as sent, a JSON array of [name, value] pairs.
    fields TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- A submit whose cookie is gone finds its session by the form's CSRF token.
CREATE INDEX web_sessions_by_csrf ON web_sessions (csrf_token);
