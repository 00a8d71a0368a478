-- What an organisation calls a mentor ("begeleider", "coach", "buddy", "jobcoach"), used on
-- pages and in SMS texts so students read the word their school uses.
ALTER TABLE organisations ADD COLUMN mentor_title TEXT NOT NULL DEFAULT 'begeleider';
-- A study group set for one person (control, at_risk, ...); without it the person is in their
-- organisation's group.
ALTER TABLE people ADD COLUMN group_name TEXT;
