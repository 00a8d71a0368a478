-- A questionnaire belongs to a study: loading a second study's student_diary must not change
-- the wording the first study's participants see. Each existing version is copied to every
-- study that has protocols, and each response points at its own study's copy.
ALTER TABLE questionnaires ADD COLUMN study_id BIGINT REFERENCES studies (id);
ALTER TABLE questionnaires DROP CONSTRAINT questionnaires_key_content_hash_key;
INSERT INTO questionnaires (key, content_hash, name, source_path, content, created_at, study_id)
SELECT q.key, q.content_hash, q.name, q.source_path, q.content, q.created_at, s.id
FROM studies s CROSS JOIN questionnaires q
WHERE q.study_id IS NULL AND EXISTS (SELECT 1 FROM protocols p WHERE p.study_id = s.id)
ORDER BY s.id, q.id;
UPDATE responses r SET questionnaire_id = n.id
FROM questionnaires o, questionnaires n, subscriptions su, protocols p
WHERE o.id = r.questionnaire_id AND o.study_id IS NULL
  AND su.id = r.subscription_id AND p.id = su.protocol_id
  AND n.study_id = p.study_id AND n.key = o.key AND n.content_hash = o.content_hash;
DELETE FROM questionnaires WHERE study_id IS NULL;
ALTER TABLE questionnaires ALTER COLUMN study_id SET NOT NULL;
ALTER TABLE questionnaires ADD CONSTRAINT questionnaires_study_key_hash UNIQUE (study_id, key, content_hash);
-- A recorded outcome (school leaver, switcher) says what the student does next; recording it
-- no longer ends participation by itself.
ALTER TABLE people ADD COLUMN dropout_next TEXT;
