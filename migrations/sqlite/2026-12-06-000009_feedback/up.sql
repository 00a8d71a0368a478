-- Feedback shown about a student (a trend or support-match view, or an early warning) is an
-- intervention the analysis must know about: who saw what about whom, when, and which rule.
CREATE TABLE feedback_shown (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    study_id BIGINT NOT NULL REFERENCES studies (id),
    kind TEXT NOT NULL,
    about_person_id BIGINT NOT NULL REFERENCES people (id),
    shown_to_person_id BIGINT REFERENCES people (id),
    shown_to_staff_id BIGINT,
    rule TEXT,
    construct TEXT,
    calendar_week TEXT NOT NULL,
    shown_at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_shown_by_study ON feedback_shown (study_id, shown_at);
CREATE INDEX feedback_shown_by_person ON feedback_shown (about_person_id);
