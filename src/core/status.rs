//! The closed vocabularies of the playback domain (statuses and types), shared by
//! the store, the snapshot and the faces. Each has one spelling on the wire and in
//! the database: the upper-case one the OPF reference uses.

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// Account lifecycle. Only ACTIVE accounts sign on or play.
    AccountStatus { Active = "ACTIVE", Suspended = "SUSPENDED", Cancelled = "CANCELLED", Inactive = "INACTIVE" }
}

wire_enum! {
    /// OPEN devices (apps) count against approval limits; MANAGED ones (STBs) do not.
    DeviceType { Open = "OPEN", Managed = "MANAGED" }
}

wire_enum! {
    /// Operator switch on a device.
    DeviceStatus { Enabled = "ENABLED", Disabled = "DISABLED" }
}

wire_enum! {
    /// Whether a device is in use; INACTIVE devices cannot sign on.
    DeviceActivity { Active = "ACTIVE", Inactive = "INACTIVE" }
}

wire_enum! {
    /// Entitlement state as RMG reports it.
    EntitlementStatus { Subscribed = "SUBSCRIBED", Unsubscribed = "UNSUBSCRIBED" }
}

wire_enum! {
    /// How a product is sold and what its entitlement means.
    ProductType {
        Subscription = "SUBSCRIPTION",
        Capability = "CAPABILITY",
        Ppv = "PPV",
        Rental = "RENTAL",
        Purchase = "PURCHASE",
    }
}

wire_enum! {
    /// What a product grant points at.
    GrantTarget { Content = "CONTENT", Editorial = "EDITORIAL", Channel = "CHANNEL", Event = "EVENT" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips_and_junk_is_refused() {
        for s in AccountStatus::ALL {
            assert_eq!(AccountStatus::parse(s.as_str()), Some(*s));
        }
        for s in ProductType::ALL {
            assert_eq!(ProductType::parse(&s.to_string()), Some(*s));
        }
        assert_eq!(
            AccountStatus::parse("active"),
            None,
            "case matters on the wire"
        );
        assert_eq!(DeviceType::parse(""), None);
    }
}
