ALTER TABLE studies DROP COLUMN clock_offset_micros;
