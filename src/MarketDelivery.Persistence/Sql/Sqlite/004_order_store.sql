-- Orders and the views derived from them, written together in one transaction by OrderGrainStorage; the same
-- shape as the PostgreSQL script (see there). Times are ISO-8601 UTC text, which sorts like the instant.
CREATE TABLE IF NOT EXISTS md_orders
(
    service_id  TEXT    NOT NULL,
    order_id    TEXT    NOT NULL,
    market_id   TEXT    NOT NULL,
    slot_id     TEXT    NOT NULL,
    slot_start  TEXT    NOT NULL,
    slot_end    TEXT    NOT NULL,
    live        INTEGER NOT NULL,
    closed      INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    etag        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    updated_at  TEXT    NOT NULL,
    state       BLOB    NOT NULL,
    summary     BLOB    NOT NULL,
    PRIMARY KEY (service_id, order_id)
);

CREATE INDEX IF NOT EXISTS ix_md_orders_market_seq ON md_orders (service_id, market_id, seq);
CREATE INDEX IF NOT EXISTS ix_md_orders_market_slot ON md_orders (service_id, market_id, slot_start, order_id);
CREATE INDEX IF NOT EXISTS ix_md_orders_live ON md_orders (service_id, market_id) WHERE live = 1;

CREATE TABLE IF NOT EXISTS md_tickets
(
    service_id  TEXT    NOT NULL,
    ticket_id   TEXT    NOT NULL,
    order_id    TEXT    NOT NULL,
    stall_id    TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    slot_start  TEXT    NOT NULL,
    slot_end    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    view        BLOB    NOT NULL,
    PRIMARY KEY (service_id, ticket_id)
);

CREATE INDEX IF NOT EXISTS ix_md_tickets_stall ON md_tickets (service_id, stall_id, status, slot_start);
