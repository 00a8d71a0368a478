-- A test-mode study has its own clock: the real clock moved by this many microseconds. Real
-- studies always run on real time, which the CHECK holds whatever code runs against the database.
ALTER TABLE studies ADD COLUMN clock_offset_micros BIGINT NOT NULL DEFAULT 0;
ALTER TABLE studies ADD CONSTRAINT studies_clock_only_in_test_mode CHECK (test_mode OR clock_offset_micros = 0);
