-- Orders and the views derived from them, written together in one statement by OrderGrainStorage.
-- An order is one row; each of its pick tickets is one row. A change writes only the order's own rows, so the
-- cost of an order does not depend on how many orders a stall or market has seen. Boards and ticket lists are
-- queries over these rows; finished orders stay here (queryable by id) but leave the partial "live" index.
-- Payload columns hold Orleans' binary serialisation of the grain state and of the view records.
CREATE TABLE IF NOT EXISTS md_orders
(
    service_id  text        NOT NULL,
    order_id    text        NOT NULL,
    market_id   text        NOT NULL,
    slot_id     text        NOT NULL,
    slot_start  timestamptz NOT NULL,
    slot_end    timestamptz NOT NULL,
    -- Placed, picking, ready or out for delivery: what dispatch plans and the board shows as live.
    live        boolean     NOT NULL,
    -- Delivered or cancelled: leaves the market board once its slot is old.
    closed      boolean     NOT NULL,
    version     integer     NOT NULL,
    -- Optimistic concurrency for the grain's writes (its ETag).
    etag        integer     NOT NULL,
    -- Increases with every write: receivers catch up on what changed after the last position they saw.
    seq         bigint      NOT NULL,
    updated_at  timestamptz NOT NULL,
    state       bytea       NOT NULL,
    summary     bytea       NOT NULL,
    CONSTRAINT pk_md_orders PRIMARY KEY (service_id, order_id)
);

CREATE SEQUENCE IF NOT EXISTS md_orders_seq;
CREATE INDEX IF NOT EXISTS ix_md_orders_market_seq ON md_orders (service_id, market_id, seq);
CREATE INDEX IF NOT EXISTS ix_md_orders_market_slot ON md_orders (service_id, market_id, slot_start, order_id);
CREATE INDEX IF NOT EXISTS ix_md_orders_live ON md_orders (service_id, market_id) WHERE live;

CREATE TABLE IF NOT EXISTS md_tickets
(
    service_id  text        NOT NULL,
    ticket_id   text        NOT NULL,
    order_id    text        NOT NULL,
    stall_id    text        NOT NULL,
    status      smallint    NOT NULL,
    slot_start  timestamptz NOT NULL,
    slot_end    timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    version     integer     NOT NULL,
    view        bytea       NOT NULL,
    CONSTRAINT pk_md_tickets PRIMARY KEY (service_id, ticket_id)
);

CREATE INDEX IF NOT EXISTS ix_md_tickets_stall ON md_tickets (service_id, stall_id, status, slot_start);
