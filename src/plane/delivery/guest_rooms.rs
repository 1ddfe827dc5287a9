//! Guest entitlements (GES): a host shares a channel with guests for a while.
//!
//! - Open (`POST /ges/v1/user/room`): the host's face checks with `decide`
//!   that the host may watch the channel now (through its own entitlement or
//!   free-to-air: a guest pass cannot be shared on); the room lasts the
//!   tenant's room duration, cut short when the host's rights end. A host has
//!   one open room at a time: opening again for the same channel returns it,
//!   for another channel is a conflict (409).
//! - Join (`PUT /ges/v1/user/room/{roomId}`): a signed-on device of an ACTIVE
//!   account joins an open room; the room counts devices or accounts
//!   (`countBase`) up to its `maxGuests`. Joining again is a no-op; the host's
//!   own account joins without taking a place. Each join is a change-feed
//!   entry, so the guest's next content token for the channel is granted by
//!   its guest pass (see [`crate::core::snapshot::guests`]).
//! - Status (`GET /ges/v1/user/room/{roomId}`): for the host and the room's
//!   guests only (anyone else gets 404, as if the room did not exist).
//!
//! Settings per tenant, `settings.guestRooms = {enabled, durationS,
//! maxGuests, countBase}`; defaults: on, 4 h (the reference's example room
//! lasts 14400 s), 5 guests, DEVICE. Room ids are 10 characters from an
//! alphabet without look-alikes, from the system CSPRNG (about 47 bits: the id
//! is the invitation).
//!
//! Must never: let a room outlive the host's rights, admit a guest past the
//! room's count, or show a room's guests to someone outside it.

use ring::rand::{SecureRandom, SystemRandom};
use serde::Deserialize;

use crate::store::accounts::account as account_store;
use crate::store::accounts::devices as device_store;
use crate::store::changes::ChangeKind;
use crate::store::delivery::guest_rooms::{self as room_store, CountBase, Member, Room};
use crate::store::tenancy::tenants as tenant_store;

use crate::plane::accounts::rules::{account_refusal, device_refusal};
use crate::plane::delivery::Delivery;
use crate::plane::PlaneError;

/// Guest-room refusals (HTTP 403).
pub mod refusal {
    /// The room has ended.
    pub const ROOM_CLOSED: u32 = 40370;
    /// The room has no place left for another guest.
    pub const ROOM_FULL: u32 = 40371;
}

const ROOM_ALPHABET: &[u8] = b"BCDFGHJKMNPQRSTVWXZ23456789";
const ROOM_ID_LEN: usize = 10;

/// A tenant's guest-room settings (`settings.guestRooms`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RoomSettings {
    pub enabled: bool,
    pub duration_s: i64,
    pub max_guests: i64,
    pub count_base: String,
}

impl Default for RoomSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            duration_s: 4 * 3600,
            max_guests: 5,
            count_base: "DEVICE".into(),
        }
    }
}

impl RoomSettings {
    /// The settings of a tenant's settings document, checked.
    pub fn of(settings: &serde_json::Value) -> Result<(Self, CountBase), String> {
        let s: RoomSettings = match settings.get("guestRooms") {
            None => RoomSettings::default(),
            Some(v) => serde_json::from_value(v.clone()).map_err(|e| format!("guestRooms: {e}"))?,
        };
        if !(60..=7 * 86400).contains(&s.duration_s) {
            return Err("guestRooms.durationS must be 60-604800".into());
        }
        if !(1..=1000).contains(&s.max_guests) {
            return Err("guestRooms.maxGuests must be 1-1000".into());
        }
        let base = CountBase::parse(&s.count_base)
            .ok_or("guestRooms.countBase must be DEVICE or ACCOUNT")?;
        Ok((s, base))
    }
}

/// A channel a room may be opened for, and the tenant's room settings.
#[derive(Debug, Clone)]
pub struct RoomChannel {
    /// The channel's technical id (what `decide` is asked about).
    pub channel_id: String,
    pub editorial_id: String,
    settings: RoomSettings,
    count_base: CountBase,
}

/// Who is calling: the access token's account and device.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub account_id: &'a str,
    pub device_id: &'a str,
}

fn new_room_id() -> Result<String, PlaneError> {
    let mut bytes = [0u8; ROOM_ID_LEN];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| PlaneError::Internal("system random source failed".into()))?;
    Ok(bytes
        .iter()
        .map(|b| ROOM_ALPHABET[usize::from(*b) % ROOM_ALPHABET.len()] as char)
        .collect())
}

/// Room ids as clients send them: 1-32 ASCII letters and digits.
pub fn is_room_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn closed() -> PlaneError {
    PlaneError::Refused {
        code: refusal::ROOM_CLOSED,
        message: "guest room has ended",
    }
}

impl Delivery {
    async fn room_settings(&self, tenant: &str) -> Result<(RoomSettings, CountBase), PlaneError> {
        let settings = tenant_store::get(self.base.store.pool(), tenant)
            .await?
            .map(|t| t.settings)
            .unwrap_or_default();
        let (s, base) = RoomSettings::of(&settings).map_err(|problem| {
            PlaneError::Internal(format!("tenant {tenant} guest-room settings: {problem}"))
        })?;
        if !s.enabled {
            return Err(PlaneError::NotFound("guest rooms"));
        }
        Ok((s, base))
    }

    /// The channel a room request names by editorial id (or channel id),
    /// with the tenant's room settings. 404 when rooms are off or it is unknown.
    pub async fn guest_room_channel(
        &self,
        tenant: &str,
        editorial_channel_id: &str,
    ) -> Result<RoomChannel, PlaneError> {
        crate::plane::validate::text("editorialChannelId", editorial_channel_id, 256)?;
        let (settings, count_base) = self.room_settings(tenant).await?;
        let (channel_id, editorial_id) =
            room_store::channel(self.base.store.pool(), tenant, editorial_channel_id)
                .await?
                .ok_or(PlaneError::NotFound("channel"))?;
        Ok(RoomChannel {
            channel_id,
            editorial_id,
            settings,
            count_base,
        })
    }

    /// Opens the host's room for `channel` (resolved by
    /// [`Self::guest_room_channel`] and authorised: the host may watch it
    /// until `rights_end`, epoch seconds).
    pub async fn open_guest_room(
        &self,
        tenant: &str,
        host: Caller<'_>,
        channel: RoomChannel,
        rights_end: i64,
    ) -> Result<Room, PlaneError> {
        let RoomChannel {
            channel_id,
            editorial_id,
            settings,
            count_base,
        } = channel;
        let now = self.base.now_s();
        let end = now.saturating_add(settings.duration_s).min(rights_end);
        if end <= now {
            return Err(closed());
        }
        let mut tx = self
            .base
            .store
            .write_locked(&format!("guest-room-host/{tenant}/{}", host.account_id))
            .await?;
        if let Some(open) =
            room_store::open_for_host(&mut *tx.conn(), tenant, host.account_id, now).await?
        {
            if open.channel_id == channel_id {
                return Ok(open);
            }
            return Err(PlaneError::Conflict(
                "a guest room is already open for another channel".into(),
            ));
        }
        let room = Room {
            tenant_id: tenant.to_owned(),
            id: new_room_id()?,
            host_account_id: host.account_id.to_owned(),
            host_device_id: host.device_id.to_owned(),
            channel_id,
            editorial_channel_id: editorial_id,
            start_at: now,
            end_at: end,
            count_base,
            max_guests: settings.max_guests,
            created: now,
        };
        room_store::insert(tx.conn(), &room).await?;
        self.base.commit(tx).await?;
        Ok(room)
    }

    /// Joins `room_id` with the caller's device (see the module docs).
    pub async fn join_guest_room(
        &self,
        tenant: &str,
        guest: Caller<'_>,
        room_id: &str,
    ) -> Result<Room, PlaneError> {
        if !is_room_id(room_id) {
            return Err(PlaneError::BadRequest(
                "roomId must be 1-32 letters and digits".into(),
            ));
        }
        let now = self.base.now_s();
        let mut tx = self
            .base
            .store
            .write_locked(&format!("guest-room/{tenant}/{room_id}"))
            .await?;
        let room = room_store::get(&mut *tx.conn(), tenant, room_id)
            .await?
            .ok_or(PlaneError::NotFound("room"))?;
        if now >= room.end_at {
            return Err(closed());
        }
        let account = account_store::get(&mut *tx.conn(), tenant, guest.account_id)
            .await?
            .ok_or(PlaneError::Unauthorized("account not found"))?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        let device = device_store::get(&mut *tx.conn(), tenant, guest.device_id)
            .await?
            .filter(|d| d.account_id == guest.account_id)
            .ok_or(PlaneError::Unauthorized("device not found"))?;
        if let Some(refusal) = device_refusal(&device) {
            return Err(refusal);
        }
        if guest.account_id == room.host_account_id {
            return Ok(room);
        }
        let members = room_store::members(&mut *tx.conn(), tenant, room_id).await?;
        if members.iter().any(|m| m.device_id == guest.device_id) {
            return Ok(room);
        }
        let counted = match room.count_base {
            CountBase::Device => true,
            CountBase::Account => !members.iter().any(|m| m.account_id == guest.account_id),
        };
        if counted {
            let places_taken = match room.count_base {
                CountBase::Device => members.len(),
                CountBase::Account => {
                    let mut accounts: Vec<&str> =
                        members.iter().map(|m| m.account_id.as_str()).collect();
                    accounts.sort_unstable();
                    accounts.dedup();
                    accounts.len()
                }
            };
            if places_taken as i64 >= room.max_guests {
                return Err(PlaneError::Refused {
                    code: refusal::ROOM_FULL,
                    message: "guest room is full",
                });
            }
        }
        let member = Member {
            account_id: guest.account_id.to_owned(),
            device_id: guest.device_id.to_owned(),
            device_name: device.name.unwrap_or_else(|| "Unnamed device".into()),
            joined_at: now,
        };
        room_store::add_member(tx.conn(), tenant, room_id, &member).await?;
        tx.record_change(tenant, ChangeKind::GuestRoom, room_id, now)
            .await?;
        self.base.commit(tx).await?;
        Ok(room)
    }

    /// The room and its guests, for its host and its guests only.
    pub async fn guest_room_status(
        &self,
        tenant: &str,
        caller: Caller<'_>,
        room_id: &str,
    ) -> Result<(Room, Vec<Member>), PlaneError> {
        if !is_room_id(room_id) {
            return Err(PlaneError::BadRequest(
                "roomId must be 1-32 letters and digits".into(),
            ));
        }
        let mut conn = self.base.store.acquire().await?;
        let room = room_store::get(&mut *conn, tenant, room_id)
            .await?
            .ok_or(PlaneError::NotFound("room"))?;
        let members = room_store::members(&mut *conn, tenant, room_id).await?;
        let inside = room.host_account_id == caller.account_id
            || members.iter().any(|m| m.account_id == caller.account_id);
        if !inside {
            return Err(PlaneError::NotFound("room"));
        }
        Ok((room, members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn room_settings_default_and_are_checked() {
        let (s, base) = RoomSettings::of(&json!({})).unwrap();
        assert!(s.enabled);
        assert_eq!(
            (s.duration_s, s.max_guests, base),
            (14400, 5, CountBase::Device)
        );
        let (s, base) =
            RoomSettings::of(&json!({"guestRooms": {"maxGuests": 2, "countBase": "ACCOUNT"}}))
                .unwrap();
        assert_eq!(
            (s.duration_s, s.max_guests, base),
            (14400, 2, CountBase::Account)
        );
        for bad in [
            json!({"guestRooms": {"durationS": 10}}),
            json!({"guestRooms": {"maxGuests": 0}}),
            json!({"guestRooms": {"countBase": "HOUSEHOLD"}}),
            json!({"guestRooms": {"colour": "red"}}),
        ] {
            assert!(RoomSettings::of(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn room_ids_are_ten_unambiguous_characters() {
        let a = new_room_id().unwrap();
        assert_eq!(a.len(), ROOM_ID_LEN);
        assert!(a.bytes().all(|b| ROOM_ALPHABET.contains(&b)));
        assert!(is_room_id(&a));
        assert_ne!(a, new_room_id().unwrap());
        assert!(!is_room_id("") && !is_room_id("ab/cd") && !is_room_id(&"A".repeat(33)));
    }
}
