-- Delivery photos, stored with their order: one row per photo a courier uploaded as proof of a hand-over. The id is
-- derived from the photo's bytes, so an upload repeated after a timeout writes nothing new. The order's own state
-- (md_orders) lists the ids it accepts as proof; a photo row is written before the order names it.
CREATE TABLE IF NOT EXISTS md_delivery_photos
(
    service_id   text        NOT NULL,
    order_id     text        NOT NULL,
    photo_id     text        NOT NULL,
    courier_id   text        NOT NULL,
    -- Judged from the file's first bytes: image/jpeg, image/png or image/webp.
    content_type text        NOT NULL,
    content      bytea       NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    CONSTRAINT pk_md_delivery_photos PRIMARY KEY (service_id, order_id, photo_id)
);
