-- The language a staff member reads their pages in: Dutch unless they chose English.
ALTER TABLE staff_accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'nl';
