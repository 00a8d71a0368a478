-- A test-mode study has its own clock: the real clock moved by this many microseconds. Real
-- studies always run on real time, which the CHECK holds whatever code runs against the file.
ALTER TABLE studies ADD COLUMN clock_offset_micros BIGINT NOT NULL DEFAULT 0
    CHECK (test_mode OR clock_offset_micros = 0);
