-- Whether an order was cancelled (see the PostgreSQL script 008_order_cancelled).
ALTER TABLE md_orders ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
