-- The bytes of the catalogue's images, as the operator uploaded them, by
-- their SHA-256 digest (content-addressed: the same bytes are kept once
-- per tenant, and an upload can write them before the image record that
-- names them, so a record never names bytes that are not there). The
-- image's record (id, type, locale, size, format, digest) is a catalogue
-- record of kind `images`.
CREATE TABLE catalogue_image_blobs (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    digest    TEXT NOT NULL,
    bytes     {{BYTES}} NOT NULL,
    created   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, digest)
);
