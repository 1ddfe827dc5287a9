//! The catalogue, pure: its records as the operator ingests them
//! ([`records`]), one tagged value over every kind ([`Entity`]), and the
//! in-memory index per tenant that MDS and Rocket read ([`index`]), and
//! the item-page walks Rocket's content routes make over it ([`browse`]),
//! the geometry of resized images ([`images`]), and the tenant settings it
//! reads ([`settings`]).
//!
//! Owns: what a catalogue record may hold and how it is checked on its
//! own; how a tenant's records are held and queried in memory.
//!
//! Must never: do I/O, render a face's wire shape, or decide playback (the
//! rights the records imply are derived by the plane into the playback
//! snapshot, which `decide` reads).

pub mod browse;
pub mod images;
pub mod index;
pub mod lists;
pub mod records;
pub mod settings;
pub mod views;

use serde_json::Value as Json;

pub use records::{
    Editorial, Image, Node, Person, Product, Programme, Record as _, Refusal, Series, Service,
};

/// The kinds of catalogue record, in the order a batch is applied (a kind
/// may name records of the kinds before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Image,
    Product,
    Node,
    Person,
    Series,
    Service,
    Editorial,
    Programme,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Image,
        Kind::Product,
        Kind::Node,
        Kind::Person,
        Kind::Series,
        Kind::Service,
        Kind::Editorial,
        Kind::Programme,
    ];

    /// The name in ingest paths, export lines and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "images",
            Kind::Product => "products",
            Kind::Node => "nodes",
            Kind::Person => "people",
            Kind::Series => "series",
            Kind::Service => "services",
            Kind::Editorial => "editorials",
            Kind::Programme => "programmes",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One record of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Entity {
    Image(Image),
    Product(Product),
    Node(Node),
    Person(Person),
    Series(Series),
    Service(Service),
    Editorial(Editorial),
    Programme(Programme),
}

impl Entity {
    /// Reads and checks a record of `kind` from its JSON.
    pub fn parse(kind: Kind, json: Json) -> Result<Entity, Refusal> {
        use records::Record;
        fn read<T: serde::de::DeserializeOwned + Record>(json: Json) -> Result<T, Refusal> {
            if !json.is_object() {
                return Err("a record must be a JSON object".into());
            }
            let record: T = serde_json::from_value(json).map_err(|e| e.to_string())?;
            record.check()?;
            Ok(record)
        }
        Ok(match kind {
            Kind::Image => Entity::Image(read(json)?),
            Kind::Product => Entity::Product(read(json)?),
            Kind::Node => Entity::Node(read(json)?),
            Kind::Person => Entity::Person(read(json)?),
            Kind::Series => Entity::Series(read(json)?),
            Kind::Service => Entity::Service(read(json)?),
            Kind::Editorial => Entity::Editorial(read(json)?),
            Kind::Programme => Entity::Programme(read(json)?),
        })
    }

    pub fn kind(&self) -> Kind {
        match self {
            Entity::Image(_) => Kind::Image,
            Entity::Product(_) => Kind::Product,
            Entity::Node(_) => Kind::Node,
            Entity::Person(_) => Kind::Person,
            Entity::Series(_) => Kind::Series,
            Entity::Service(_) => Kind::Service,
            Entity::Editorial(_) => Kind::Editorial,
            Entity::Programme(_) => Kind::Programme,
        }
    }

    pub fn id(&self) -> &str {
        use records::Record;
        match self {
            Entity::Image(r) => r.id(),
            Entity::Product(r) => r.id(),
            Entity::Node(r) => r.id(),
            Entity::Person(r) => r.id(),
            Entity::Series(r) => r.id(),
            Entity::Service(r) => r.id(),
            Entity::Editorial(r) => r.id(),
            Entity::Programme(r) => r.id(),
        }
    }

    /// The record's canonical JSON (what the store keeps and export writes).
    pub fn to_json(&self) -> Json {
        let v = match self {
            Entity::Image(r) => serde_json::to_value(r),
            Entity::Product(r) => serde_json::to_value(r),
            Entity::Node(r) => serde_json::to_value(r),
            Entity::Person(r) => serde_json::to_value(r),
            Entity::Series(r) => serde_json::to_value(r),
            Entity::Service(r) => serde_json::to_value(r),
            Entity::Editorial(r) => serde_json::to_value(r),
            Entity::Programme(r) => serde_json::to_value(r),
        };
        v.expect("catalogue records serialise")
    }

    /// The products the record names (each must exist).
    pub fn product_refs(&self) -> &[String] {
        match self {
            Entity::Editorial(r) => &r.product_refs,
            Entity::Service(r) => &r.product_refs,
            Entity::Programme(r) => &r.product_refs,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests;
