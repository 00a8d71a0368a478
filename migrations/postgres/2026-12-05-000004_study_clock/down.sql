ALTER TABLE studies DROP CONSTRAINT studies_clock_only_in_test_mode;
ALTER TABLE studies DROP COLUMN clock_offset_micros;
