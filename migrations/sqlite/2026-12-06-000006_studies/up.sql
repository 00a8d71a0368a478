-- A questionnaire belongs to a study: loading a second study's student_diary must not change
-- the wording the first study's participants see. Each existing version is copied to every
-- study that has protocols, and each response points at its own study's copy.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE questionnaires_by_study (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    name TEXT,
    source_path TEXT,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    study_id BIGINT NOT NULL REFERENCES studies (id),
    UNIQUE (study_id, key, content_hash)
);
INSERT INTO questionnaires_by_study (key, content_hash, name, source_path, content, created_at, study_id)
SELECT q.key, q.content_hash, q.name, q.source_path, q.content, q.created_at, s.id
FROM studies s CROSS JOIN questionnaires q
WHERE EXISTS (SELECT 1 FROM protocols p WHERE p.study_id = s.id)
ORDER BY s.id, q.id;
UPDATE responses SET questionnaire_id = (
    SELECT n.id FROM questionnaires o
    JOIN questionnaires_by_study n ON n.key = o.key AND n.content_hash = o.content_hash
    JOIN subscriptions su ON su.id = responses.subscription_id
    JOIN protocols p ON p.id = su.protocol_id AND p.study_id = n.study_id
    WHERE o.id = responses.questionnaire_id
) WHERE questionnaire_id IS NOT NULL;
DROP TABLE questionnaires;
ALTER TABLE questionnaires_by_study RENAME TO questionnaires;
CREATE INDEX questionnaires_by_study_key ON questionnaires (study_id, key);
-- A recorded outcome (school leaver, switcher) says what the student does next; recording it
-- no longer ends participation by itself.
ALTER TABLE people ADD COLUMN dropout_next TEXT;
COMMIT;
PRAGMA foreign_keys = ON;
