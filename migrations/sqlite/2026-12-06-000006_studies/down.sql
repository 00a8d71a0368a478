PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE questionnaires_shared (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    name TEXT,
    source_path TEXT,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (key, content_hash)
);
INSERT OR IGNORE INTO questionnaires_shared (key, content_hash, name, source_path, content, created_at)
SELECT key, content_hash, name, source_path, content, created_at FROM questionnaires ORDER BY id;
UPDATE responses SET questionnaire_id = (
    SELECT n.id FROM questionnaires o
    JOIN questionnaires_shared n ON n.key = o.key AND n.content_hash = o.content_hash
    WHERE o.id = responses.questionnaire_id
) WHERE questionnaire_id IS NOT NULL;
DROP TABLE questionnaires;
ALTER TABLE questionnaires_shared RENAME TO questionnaires;
ALTER TABLE people DROP COLUMN dropout_next;
COMMIT;
PRAGMA foreign_keys = ON;
