-- Whether an order was cancelled, on the order's own row: the fleet advisor counts booked and delivered orders per
-- slot (by ix_md_orders_market_slot) without decoding summaries. Rows written before this script count as not
-- cancelled until their order is written again.
ALTER TABLE md_orders ADD COLUMN IF NOT EXISTS cancelled boolean NOT NULL DEFAULT false;
