-- A stall's takings (see the PostgreSQL script 007_ticket_takings).
ALTER TABLE md_tickets ADD COLUMN charged_won INTEGER NOT NULL DEFAULT 0;
ALTER TABLE md_tickets ADD COLUMN order_cancelled INTEGER NOT NULL DEFAULT 0;
