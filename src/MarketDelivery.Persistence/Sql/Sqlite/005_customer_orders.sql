-- A customer's order history (see the PostgreSQL script 006_customer_orders).
ALTER TABLE md_orders ADD COLUMN customer_id TEXT;
ALTER TABLE md_orders ADD COLUMN placed_at TEXT;
CREATE INDEX IF NOT EXISTS ix_md_orders_customer ON md_orders (service_id, customer_id, placed_at DESC, order_id DESC)
    WHERE customer_id IS NOT NULL;
