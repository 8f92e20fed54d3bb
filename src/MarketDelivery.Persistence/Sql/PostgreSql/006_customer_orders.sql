-- A customer's order history: who placed the order and when, so their orders are one indexed range read, newest first.
-- Rows written before this script have no customer (NULL) until their order is written again.
ALTER TABLE md_orders ADD COLUMN IF NOT EXISTS customer_id text;
ALTER TABLE md_orders ADD COLUMN IF NOT EXISTS placed_at timestamptz;
CREATE INDEX IF NOT EXISTS ix_md_orders_customer ON md_orders (service_id, customer_id, placed_at DESC, order_id DESC)
    WHERE customer_id IS NOT NULL;
