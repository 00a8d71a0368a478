ALTER TABLE people DROP COLUMN group_name;
ALTER TABLE organisations DROP COLUMN mentor_title;
