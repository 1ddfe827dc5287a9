-- User profiles as both faces manage them: Rocket's language, purchase
-- permission, segments, colour and hero-row preferences beside the UPS
-- fields of 0001.
ALTER TABLE user_profiles ADD COLUMN language_code TEXT;
ALTER TABLE user_profiles ADD COLUMN purchase_enabled BIGINT NOT NULL DEFAULT 1;
ALTER TABLE user_profiles ADD COLUMN segments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE user_profiles ADD COLUMN color TEXT;
ALTER TABLE user_profiles ADD COLUMN hero_autoplay BIGINT;
ALTER TABLE user_profiles ADD COLUMN hero_with_audio BIGINT;
