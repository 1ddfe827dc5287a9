//! Why `decide` refuses: one small `Copy` value per rule, with the code and
//! HTTP status every face renders. Codes 2000x are the OPF reference's; the
//! 4034x block is playgate's for playback rules the reference names without a
//! code (documented in the error registry).

use super::Rule;

/// A playback refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    AccountUnknown,
    AccountCancelled,
    AccountSuspended,
    DeviceUnknown,
    DeviceDeleted,
    DeviceDisabled,
    DeviceNotApproved,
    /// From a VPN / proxy exit while the tenant blocks them.
    Vpn,
    /// From a country the tenant's geo-blocking does not allow.
    GeoBlocked,
    ContentUnknown,
    /// From where the content's own location rules do not allow.
    GeoFiltered,
    /// From a VPN / proxy exit while the content blocks them.
    ContentVpn,
    OutsideContentWindow,
    OffNet,
    NotInHome,
    /// Rated at or above the account's playback guard, without the PIN.
    ClassificationRestricted,
    NotEntitled,
    DeviceClassNotAllowed,
    EventUnknown,
    EventBoughtAfterStart,
    EventOver,
    RentalPeriodOver,
    PlayPeriodOver,
    MaxPlaysReached,
    NotStorable,
    StorageStartPeriodOver,
}

/// Account cancelled (OPF).
pub const ACCOUNT_CANCELLED: u32 = 20001;
/// Account suspended or otherwise not active (OPF).
pub const ACCOUNT_SUSPENDED: u32 = 20002;
/// Device deleted (OPF).
pub const DEVICE_DELETED: u32 = 20003;
/// Device disabled or inactive (OPF).
pub const DEVICE_DISABLED: u32 = 20004;
/// Proxy / VPN, with VPN blocking on (OPF).
pub const VPN: u32 = 20018;
/// Blacklisted location: geo-blocking (OPF).
pub const GEO_BLOCKED: u32 = 20019;
/// Geo-filtered location: the content's own rules (OPF).
pub const GEO_FILTERED: u32 = 20066;
/// The addressed thing does not exist in this tenant (HTTP 404).
pub const NOT_FOUND: u32 = 40402;
/// Device not approved while the account's profile requires approval (§2.6).
pub const DEVICE_NOT_APPROVED: u32 = 40340;
/// No SUBSCRIBED, valid entitlement to a product that grants the content.
pub const NOT_ENTITLED: u32 = 40341;
/// Outside the content's editorial or technical window.
pub const OUTSIDE_CONTENT_WINDOW: u32 = 40342;
/// The products granting the content do not allow the device's playout class.
pub const DEVICE_CLASS_NOT_ALLOWED: u32 = 40343;
/// The content is blocked off the operator's network (`blockIfOffNet`).
pub const OFF_NET: u32 = 40344;
/// The content is in-home only and the device is not at home.
pub const NOT_IN_HOME: u32 = 40345;
/// Rocket: classification restricted; the PIN's Playback token unlocks it.
pub const CLASSIFICATION_RESTRICTED: u32 = 1;
/// The PPV event was bought after it started.
pub const EVENT_BOUGHT_AFTER_START: u32 = 40346;
/// The PPV event is over.
pub const EVENT_OVER: u32 = 40347;
/// The rental's rental period or play period is over.
pub const RENTAL_OVER: u32 = 40348;
/// The rental's plays are used up (`maxPlays`).
pub const MAX_PLAYS_REACHED: u32 = 40349;
/// No entitlement allows Download to Go for the content.
pub const NOT_STORABLE: u32 = 40350;
/// The period in which the first download may start is over.
pub const STORAGE_START_PERIOD_OVER: u32 = 40351;

impl Denial {
    /// The registry code.
    pub fn code(self) -> u32 {
        match self {
            Self::AccountCancelled => ACCOUNT_CANCELLED,
            Self::AccountUnknown | Self::AccountSuspended => ACCOUNT_SUSPENDED,
            Self::DeviceUnknown | Self::DeviceDeleted => DEVICE_DELETED,
            Self::DeviceDisabled => DEVICE_DISABLED,
            Self::DeviceNotApproved => DEVICE_NOT_APPROVED,
            Self::Vpn | Self::ContentVpn => VPN,
            Self::GeoFiltered => GEO_FILTERED,
            Self::GeoBlocked => GEO_BLOCKED,
            Self::ContentUnknown | Self::EventUnknown => NOT_FOUND,
            Self::OutsideContentWindow => OUTSIDE_CONTENT_WINDOW,
            Self::OffNet => OFF_NET,
            Self::NotInHome => NOT_IN_HOME,
            Self::ClassificationRestricted => CLASSIFICATION_RESTRICTED,
            Self::NotEntitled => NOT_ENTITLED,
            Self::DeviceClassNotAllowed => DEVICE_CLASS_NOT_ALLOWED,
            Self::EventBoughtAfterStart => EVENT_BOUGHT_AFTER_START,
            Self::EventOver => EVENT_OVER,
            Self::RentalPeriodOver | Self::PlayPeriodOver => RENTAL_OVER,
            Self::MaxPlaysReached => MAX_PLAYS_REACHED,
            Self::NotStorable => NOT_STORABLE,
            Self::StorageStartPeriodOver => STORAGE_START_PERIOD_OVER,
        }
    }

    /// 404 for unknown content or event, 403 for every rule.
    pub fn http_status(self) -> u16 {
        match self {
            Self::ContentUnknown | Self::EventUnknown => 404,
            _ => 403,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::AccountUnknown => "account not found",
            Self::AccountCancelled => "account is cancelled",
            Self::AccountSuspended => "account is suspended",
            Self::DeviceUnknown => "device not found in the account",
            Self::DeviceDeleted => "device has been deleted",
            Self::DeviceDisabled => "device is disabled",
            Self::DeviceNotApproved => "device is not approved",
            Self::Vpn => "playback through a proxy or VPN is not allowed",
            Self::GeoBlocked => "playback is not allowed from this location",
            Self::GeoFiltered => "this content is not available at this location",
            Self::ContentVpn => "this content may not be played through a proxy or VPN",
            Self::ContentUnknown => "content not found",
            Self::OutsideContentWindow => "content is not available now",
            Self::OffNet => "content is only available on the operator's network",
            Self::NotInHome => "content is only available at home",
            Self::ClassificationRestricted => {
                "the file you're requesting is classification restricted; use videos-guarded with a Playback token"
            }
            Self::NotEntitled => "no entitlement grants this content",
            Self::DeviceClassNotAllowed => "the entitlement does not cover this kind of device",
            Self::EventUnknown => "PPV event not found on this channel",
            Self::EventBoughtAfterStart => "PPV event was bought after it started",
            Self::EventOver => "PPV event is over",
            Self::RentalPeriodOver => "rental period is over",
            Self::PlayPeriodOver => "rental play period is over",
            Self::MaxPlaysReached => "rental plays are used up",
            Self::NotStorable => "content may not be downloaded",
            Self::StorageStartPeriodOver => "download period is over",
        }
    }

    /// The rule that refused.
    pub fn rule(self) -> Rule {
        match self {
            Self::AccountUnknown | Self::AccountCancelled | Self::AccountSuspended => Rule::Account,
            Self::DeviceUnknown | Self::DeviceDeleted | Self::DeviceDisabled => Rule::Device,
            Self::DeviceNotApproved => Rule::Approval,
            Self::Vpn => Rule::Vpn,
            Self::GeoBlocked => Rule::GeoBlocking,
            Self::GeoFiltered | Self::ContentVpn => Rule::GeoFiltering,
            Self::ContentUnknown => Rule::Content,
            Self::OutsideContentWindow => Rule::ContentWindow,
            Self::OffNet => Rule::Network,
            Self::NotInHome => Rule::InHome,
            Self::ClassificationRestricted => Rule::PlaybackGuard,
            Self::NotEntitled => Rule::Entitlement,
            Self::DeviceClassNotAllowed => Rule::DeviceClass,
            Self::EventUnknown | Self::EventBoughtAfterStart | Self::EventOver => Rule::Event,
            Self::RentalPeriodOver | Self::PlayPeriodOver | Self::MaxPlaysReached => Rule::Rental,
            Self::NotStorable | Self::StorageStartPeriodOver => Rule::Download,
        }
    }

    /// How far through the entitlement rules a candidate got before this
    /// refusal: among several entitlements the furthest one is reported.
    pub(super) fn depth(self) -> u8 {
        match self {
            Self::NotEntitled => 0,
            Self::DeviceClassNotAllowed => 1,
            Self::EventBoughtAfterStart | Self::EventOver => 2,
            Self::RentalPeriodOver | Self::PlayPeriodOver | Self::MaxPlaysReached => 3,
            Self::NotStorable | Self::StorageStartPeriodOver => 4,
            _ => 0,
        }
    }
}
