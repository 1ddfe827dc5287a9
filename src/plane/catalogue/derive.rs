//! The rights rows a catalogue record implies (pure mapping): a product
//! record's product row, the content row of each VOD technical, the channel
//! row of each channel technical, a PPV programme's event.

use crate::core::catalogue::records::{self, Editorial, Locales, Service};
use crate::store::catalogue::{Channel, Content, Location, PpvEvent, Product};

/// The title to store on a rights row: the first locale's.
fn title(locales: &Locales) -> String {
    locales
        .values()
        .find_map(|t| t.title.clone())
        .unwrap_or_default()
}

fn location(l: &records::Location) -> Location {
    Location {
        block_vpn: l.block_vpn,
        filtering_list: l.filtering_list.clone(),
        filtering_is_allow: l.filtering_list_is_allow_list,
        blocking_list: l.blocking_list.clone(),
    }
}

pub fn product(tenant: &str, p: &records::Product, now: i64) -> Product {
    Product {
        tenant_id: tenant.into(),
        id: p.id.clone(),
        name: title(&p.locales),
        product_type: p.product_type(),
        device_classes: p.device_classes.clone(),
        usage_rules_profile_id: p.usage_rules_profile_id.clone(),
        start_validity: p.start_validity,
        end_validity: p.end_validity,
        rental_period_s: p.rental_period,
        play_period_s: p.play_period,
        max_plays: p.max_plays,
        d2go_allowed: p.download.is_some(),
        storage_duration_s: p.download.and_then(|d| d.storage_duration),
        storage_start_period_s: p.download.and_then(|d| d.storage_start_period),
        start_purchase: p.start_purchase,
        end_purchase: p.end_purchase,
        price: p.price.as_ref().map_or(
            serde_json::Value::Null,
            |pr| serde_json::json!({"amount": pr.amount, "currency": pr.currency}),
        ),
        created: now,
    }
}

pub fn contents(tenant: &str, e: &Editorial, now: i64) -> Vec<Content> {
    e.technicals
        .iter()
        .map(|t| Content {
            tenant_id: tenant.into(),
            id: t.id.clone(),
            editorial_id: e.id.clone(),
            drm_id: t.drm_id.clone(),
            title: title(&e.locales),
            duration_s: e.duration,
            rating_code: e.rating.clone(),
            start_at: e.period.start,
            end_at: e.period.end,
            in_home_only: e.in_home_only,
            block_if_off_net: e.block_if_off_net,
            location: location(&e.location),
            playback_url: Some(t.uri.clone()),
            cdn_token_required: t.cdn_token_required,
            cdn_id: t.cdn_id.clone(),
            technical_start_at: t.period.and_then(|p| p.start),
            technical_end_at: t.period.and_then(|p| p.end),
            created: now,
        })
        .collect()
}

pub fn channels(tenant: &str, s: &Service, now: i64) -> Vec<Channel> {
    s.technicals
        .iter()
        .map(|t| Channel {
            tenant_id: tenant.into(),
            id: t.id.clone(),
            editorial_id: s.id.clone(),
            drm_id: Some(t.drm_id.clone()),
            name: title(&s.locales),
            tv_channel: s.tv_channel,
            protection_mandatory: s.protection_mandatory,
            in_home_only: s.in_home_only,
            block_if_off_net: s.block_if_off_net,
            location: location(&s.location),
            rating_code: s.rating.clone(),
            playback_url: Some(t.network_location.clone()),
            cdn_token_required: t.cdn_token_required,
            cdn_id: t.cdn_id.clone(),
            created: now,
        })
        .collect()
}

/// The event a PPV programme sells, carried by its service's first
/// technical (the playback snapshot attaches it to every technical of the
/// service).
pub fn ppv_event(
    tenant: &str,
    p: &records::Programme,
    carrier: &str,
    product: &str,
    now: i64,
) -> PpvEvent {
    PpvEvent {
        tenant_id: tenant.into(),
        id: p.id.clone(),
        channel_id: carrier.into(),
        product_id: product.into(),
        title: title(&p.locales),
        start_at: p.start(),
        end_at: p.end(),
        created: now,
    }
}
