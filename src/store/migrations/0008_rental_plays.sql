-- Rental plays: the last counted (or continued) play of an entitlement and the
-- device it was on, so repeated content tokens of one viewing count once.
ALTER TABLE entitlements ADD COLUMN last_play_at BIGINT;
ALTER TABLE entitlements ADD COLUMN last_play_device_id TEXT;
