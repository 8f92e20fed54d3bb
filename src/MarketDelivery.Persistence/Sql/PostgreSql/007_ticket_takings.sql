-- A stall's takings: what each confirmed ticket really charges, and whether its order was cancelled afterwards, so a
-- day's takings are a sum over the stall's tickets by ix_md_tickets_stall (stall, status, slot start) with no decoding.
-- Rows written before this script count as 0 until their order is written again.
ALTER TABLE md_tickets ADD COLUMN IF NOT EXISTS charged_won bigint NOT NULL DEFAULT 0;
ALTER TABLE md_tickets ADD COLUMN IF NOT EXISTS order_cancelled boolean NOT NULL DEFAULT false;
