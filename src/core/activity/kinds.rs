//! The table of kinds: every kind of record the collection engine keeps,
//! with its key rule, parent kind, default limit and what happens at it,
//! whether its writes go write-behind, and the operations the OPF
//! clientdata face serves for it. The OPF routes under
//! `/useractivityvault/v1/clientdata` and `/activitygateway/v1/clientdata`
//! are generated from [`KINDS`]; Rocket's profile routes read the same
//! kinds.
//!
//! Must never: hold a kind whose routes are written out by hand elsewhere.

/// A kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KindId {
    /// Where a viewer stopped (`position`): OPF bookmarks, Rocket's watched
    /// status and continue-watching.
    Bookmark,
    History,
    FavouritesList,
    Favourite,
    Playlist,
    PlaylistEntry,
    Reminder,
    /// Items a Rocket profile saved for later (Rocket's "bookmarks").
    Watchlist,
    Rating,
}

/// How a record's id is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The content id (from the path, or the body's `contentId`): one record
    /// per content per scope, written as an upsert.
    Content,
    /// A server-made UUID, answered on create.
    Server,
}

/// What a write past the kind's limit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The scope's least recently modified records go.
    EvictOldest,
    /// The write is refused (409).
    Refuse,
}

/// One operation of the OPF clientdata face, relative to the kind's
/// collection path (`.../account/{a}[/user/{u}]/{segment}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `GET {segment}`: the scope's records, paged.
    List,
    /// `GET {segment}/{item_id}`.
    Get,
    /// `PUT {segment}/{item_id}`: upsert, 200.
    Put,
    /// `POST {segment}`: create (server id, or the body's `contentId`), 201.
    Create,
    /// `DELETE {segment}/{item_id}`.
    Delete,
    /// `DELETE {segment}?<one filter>`: every match; 200 with the count.
    DeleteWhere,
    /// `DELETE {segment}/tag/{tag}`: every record with the tag.
    DeleteTag,
    /// `GET {segment}/{list_id}`: a list's entries.
    Entries,
    /// `PUT {segment}/{list_id}`: replaces a list's fields.
    UpdateList,
    /// `DELETE {segment}/{list_id}`: a list and its entries.
    DeleteList,
    /// `GET {segment}/{list_id}/content/{item_id}`.
    GetEntry,
    /// `PUT {segment}/{list_id}/content/{item_id}`.
    PutEntry,
    /// `DELETE {segment}/{list_id}/content/{item_id}`.
    DeleteEntry,
}

impl Op {
    pub fn method(self) -> &'static str {
        match self {
            Op::List | Op::Get | Op::Entries | Op::GetEntry => "GET",
            Op::Put | Op::UpdateList | Op::PutEntry => "PUT",
            Op::Create => "POST",
            Op::Delete | Op::DeleteWhere | Op::DeleteTag | Op::DeleteList | Op::DeleteEntry => {
                "DELETE"
            }
        }
    }

    /// The path after the kind's segment.
    pub fn suffix(self) -> &'static str {
        match self {
            Op::List | Op::Create | Op::DeleteWhere => "",
            Op::Get | Op::Put | Op::Delete => "/{item_id}",
            Op::DeleteTag => "/tag/{tag}",
            Op::Entries | Op::UpdateList | Op::DeleteList => "/{list_id}",
            Op::GetEntry | Op::PutEntry | Op::DeleteEntry => "/{list_id}/content/{item_id}",
        }
    }

    /// Writes are also served by the Activity Gateway.
    pub fn writes(self) -> bool {
        self.method() != "GET"
    }
}

/// A kind Rocket serves under `/account/profile/{segment}` (a map of
/// item ids, one item, a write, deletes, and a list of item summaries),
/// with the OpenAPI document's operation ids.
#[derive(Debug)]
pub struct RocketFamily {
    pub segment: &'static str,
    /// `GET {segment}`: item id → value.
    pub map: &'static str,
    /// `GET {segment}/{itemId}`.
    pub get: &'static str,
    /// `PUT {segment}/{itemId}`.
    pub put: &'static str,
    /// `DELETE {segment}/{itemId}`.
    pub delete_one: Option<&'static str>,
    /// `DELETE {segment}?item_ids=`: the listed items, or every one.
    pub delete_many: Option<&'static str>,
    /// `GET {segment}/list`: the items as an `ItemList`.
    pub list: &'static str,
}

/// One row of the table.
#[derive(Debug)]
pub struct Kind {
    pub id: KindId,
    /// The `kind` column.
    pub stored: &'static str,
    /// The OPF clientdata path segment (an entry kind: its list's), if OPF
    /// serves the kind there.
    pub segment: Option<&'static str>,
    /// The OPF answer's collection key (`{<collection>: [...], totalRecords}`).
    pub collection: &'static str,
    pub key: Key,
    /// The list kind an entry kind belongs to.
    pub parent: Option<KindId>,
    /// The name of its limit in the tenant's `activity.limits`.
    pub limit_name: &'static str,
    pub default_limit: u32,
    pub full: Full,
    /// Writes are coalesced in memory and written in batches.
    pub write_behind: bool,
    /// The OPF clientdata operations.
    pub ops: &'static [Op],
    /// The Rocket profile routes, if Rocket serves the kind.
    pub rocket: Option<RocketFamily>,
}

use Op::*;

/// Every kind.
pub static KINDS: [Kind; 9] = [
    Kind {
        id: KindId::Bookmark,
        stored: "bookmark",
        segment: Some("bookmarks"),
        collection: "bookmarks",
        key: Key::Content,
        parent: None,
        limit_name: "bookmarks",
        default_limit: 500,
        full: Full::EvictOldest,
        write_behind: true,
        ops: &[List, Get, Put, Delete, DeleteWhere, DeleteTag],
        rocket: Some(RocketFamily {
            segment: "watched",
            map: "getWatched",
            get: "getItemWatchedStatus",
            put: "setItemWatchedStatus",
            delete_one: None,
            delete_many: Some("deleteWatched"),
            list: "getWatchedList",
        }),
    },
    Kind {
        id: KindId::History,
        stored: "history",
        segment: Some("history"),
        collection: "histories",
        key: Key::Content,
        parent: None,
        limit_name: "history",
        default_limit: 500,
        full: Full::EvictOldest,
        write_behind: false,
        ops: &[List, Create, Delete],
        rocket: None,
    },
    Kind {
        id: KindId::FavouritesList,
        stored: "favouriteslist",
        segment: Some("favouriteslists"),
        collection: "favouritesLists",
        key: Key::Server,
        parent: None,
        limit_name: "favouritesLists",
        default_limit: 50,
        full: Full::Refuse,
        write_behind: false,
        ops: &[List, Create, Entries, UpdateList, DeleteList],
        rocket: None,
    },
    Kind {
        id: KindId::Favourite,
        stored: "favourite",
        segment: Some("favouriteslists"),
        collection: "favourites",
        key: Key::Content,
        parent: Some(KindId::FavouritesList),
        limit_name: "favourites",
        default_limit: 500,
        full: Full::Refuse,
        write_behind: false,
        ops: &[GetEntry, PutEntry, DeleteEntry],
        rocket: None,
    },
    Kind {
        id: KindId::Playlist,
        stored: "playlist",
        segment: Some("playlists"),
        collection: "playlists",
        key: Key::Server,
        parent: None,
        limit_name: "playlists",
        default_limit: 50,
        full: Full::Refuse,
        write_behind: false,
        ops: &[List, Create, Entries, UpdateList, DeleteList],
        rocket: None,
    },
    Kind {
        id: KindId::PlaylistEntry,
        stored: "playlistentry",
        segment: Some("playlists"),
        collection: "playlistEntries",
        key: Key::Content,
        parent: Some(KindId::Playlist),
        limit_name: "playlistEntries",
        default_limit: 500,
        full: Full::Refuse,
        write_behind: false,
        ops: &[PutEntry, DeleteEntry],
        rocket: None,
    },
    Kind {
        id: KindId::Reminder,
        stored: "reminder",
        segment: Some("reminders"),
        collection: "reminders",
        key: Key::Server,
        parent: None,
        limit_name: "reminders",
        default_limit: 200,
        full: Full::Refuse,
        write_behind: false,
        ops: &[List, Create, Delete],
        rocket: None,
    },
    Kind {
        id: KindId::Watchlist,
        stored: "watchlist",
        segment: None,
        collection: "watchlist",
        key: Key::Content,
        parent: None,
        limit_name: "watchlist",
        default_limit: 500,
        full: Full::Refuse,
        write_behind: false,
        ops: &[],
        rocket: Some(RocketFamily {
            segment: "bookmarks",
            map: "getBookmarks",
            get: "getItemBookmark",
            put: "bookmarkItem",
            delete_one: Some("deleteItemBookmark"),
            delete_many: None,
            list: "getBookmarkList",
        }),
    },
    Kind {
        id: KindId::Rating,
        stored: "rating",
        segment: None,
        collection: "ratings",
        key: Key::Content,
        parent: None,
        limit_name: "ratings",
        default_limit: 10_000,
        full: Full::Refuse,
        write_behind: false,
        ops: &[],
        rocket: Some(RocketFamily {
            segment: "ratings",
            map: "getRatings",
            get: "getItemRating",
            put: "rateItem",
            delete_one: None,
            delete_many: None,
            list: "getRatingsList",
        }),
    },
];

impl KindId {
    pub fn kind(self) -> &'static Kind {
        // The table is in the enum's order (a test checks it).
        &KINDS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.kind().stored
    }

    /// The kind a `kind` column names.
    pub fn parse(stored: &str) -> Option<KindId> {
        KINDS.iter().find(|k| k.stored == stored).map(|k| k.id)
    }

    /// The entry kind whose parent is this list kind.
    pub fn entries(self) -> Option<KindId> {
        KINDS.iter().find(|k| k.parent == Some(self)).map(|k| k.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_enums_order_and_names_are_unique() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.id as usize, i, "{:?}", k.id);
            assert_eq!(KindId::parse(k.stored), Some(k.id));
        }
        let limits: std::collections::HashSet<_> = KINDS.iter().map(|k| k.limit_name).collect();
        assert_eq!(limits.len(), KINDS.len());
    }

    #[test]
    fn entry_kinds_name_a_list_kind_keyed_by_the_server_and_share_its_segment() {
        for k in KINDS.iter().filter(|k| k.parent.is_some()) {
            let parent = k.parent.unwrap().kind();
            assert_eq!(parent.key, Key::Server, "{:?}", k.id);
            assert_eq!(parent.segment, k.segment, "{:?}", k.id);
            assert_eq!(parent.id.entries(), Some(k.id));
            assert!(k
                .ops
                .iter()
                .all(|op| op.suffix().contains("{list_id}/content")));
        }
    }

    #[test]
    fn no_two_operations_share_a_method_and_path() {
        let mut seen = std::collections::HashSet::new();
        for k in &KINDS {
            for op in k.ops {
                let path = format!("{}{}", k.segment.unwrap(), op.suffix());
                assert!(seen.insert((op.method(), path.clone())), "{path}");
            }
        }
    }
}
