ALTER TABLE questionnaires DROP CONSTRAINT questionnaires_study_key_hash;
UPDATE responses r SET questionnaire_id = f.id
FROM questionnaires o, (SELECT DISTINCT ON (key, content_hash) id, key, content_hash FROM questionnaires ORDER BY key, content_hash, id) f
WHERE o.id = r.questionnaire_id AND f.key = o.key AND f.content_hash = o.content_hash;
DELETE FROM questionnaires q WHERE EXISTS (
    SELECT 1 FROM questionnaires e WHERE e.key = q.key AND e.content_hash = q.content_hash AND e.id < q.id);
ALTER TABLE questionnaires DROP COLUMN study_id;
ALTER TABLE questionnaires ADD CONSTRAINT questionnaires_key_content_hash_key UNIQUE (key, content_hash);
ALTER TABLE people DROP COLUMN dropout_next;
