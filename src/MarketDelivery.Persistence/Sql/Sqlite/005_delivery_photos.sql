-- Delivery photos, stored with their order; the same shape as the PostgreSQL script (see there).
CREATE TABLE IF NOT EXISTS md_delivery_photos
(
    service_id   TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    photo_id     TEXT NOT NULL,
    courier_id   TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_at  TEXT NOT NULL,
    PRIMARY KEY (service_id, order_id, photo_id)
);
