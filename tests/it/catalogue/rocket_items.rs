//! Rocket's content routes over real HTTP, on the demo catalogue: items in
//! `ItemDetail` with every `expand`, children and their paging, related
//! items, next episodes (anonymous and per profile), lists with their
//! options, schedules, plans and the item-summary redirect; the rating
//! ceiling on each; bad input answered 400 in Rocket's envelope.

use serde_json::{json, Value};

use super::fixtures::{get_as, second_tenant};
use crate::harness::{json_of, Backend, TestApp};

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.http.get(app.url(path)).send().await.unwrap()
}

async fn ok(app: &TestApp, path: &str) -> Value {
    json_of(get(app, path).await, 200).await
}

fn ids(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}

async fn items_and_expansions(b: Backend) {
    let app = TestApp::start(b).await;
    // A movie: summary fields, detail fields, offers from its product.
    let m = ok(&app, "/api/items/ed-vod-entitled").await;
    assert_eq!(m["type"], "movie");
    assert_eq!(m["path"], "/movie/ed-vod-entitled");
    assert_eq!(m["watchPath"], "/movie/ed-vod-entitled/watch");
    assert_eq!(m["customId"], "vod-entitled", "the id playback takes");
    assert_eq!(m["title"], "The Entitled Film");
    assert!(m["description"]
        .as_str()
        .unwrap()
        .starts_with("The Entitled Film"));
    assert_eq!(m["offers"][0]["id"], "prod-basic");
    assert_eq!(m["offers"][0]["ownership"], "Subscription");
    assert_eq!(m["offers"][0]["availability"], "Available");
    assert_eq!(m["classification"]["code"], "fsk12");
    // Its images by Rocket type, under the demo's image host.
    assert_eq!(
        m["images"],
        json!({
            "poster": "https://images.demo.playgate/images/v1/image/imageid/img-movies-poster",
            "wallpaper": "https://images.demo.playgate/images/v1/image/imageid/img-movies-backdrop",
        })
    );
    let credits = m["credits"].as_array().unwrap();
    assert_eq!(credits.len(), 3);
    assert_eq!(credits[0]["role"], "director");
    assert_eq!(credits[1]["character"], "Lead");
    assert!(credits[0]["path"].as_str().unwrap().starts_with("/person/"));
    // The same item in German, and by its custom id.
    let de = ok(&app, "/api/items/ed-vod-entitled?lang=de").await;
    assert_eq!(de["title"], "Der berechtigte Film");
    let custom = ok(&app, "/api/items/vod-entitled?use_custom_id=true").await;
    assert_eq!(custom["id"], "ed-vod-entitled");
    let r = get(&app, "/api/items/vod-entitled").await;
    assert_eq!(
        json_of(r, 404).await["code"],
        40402,
        "a custom id needs the flag"
    );

    // A show: its seasons with expand=children, none without.
    let show = ok(&app, "/api/items/ser-harbour").await;
    assert_eq!(show["type"], "show");
    assert_eq!(show["availableSeasonCount"], 2);
    assert!(show.get("seasons").is_none());
    let show = ok(&app, "/api/items/ser-harbour?expand=children").await;
    assert_eq!(ids(&show["seasons"]), ["ser-harbour-s1", "ser-harbour-s2"]);
    let latest = ok(
        &app,
        "/api/items/ser-harbour?select_season=latest&expand=children",
    )
    .await;
    assert_eq!(latest["id"], "ser-harbour-s2");
    assert_eq!(
        ids(&latest["episodes"]),
        ["ser-harbour-s2e1", "ser-harbour-s2e2", "ser-harbour-s2e3"]
    );
    let first = ok(&app, "/api/items/ser-harbour?select_season=first").await;
    assert_eq!(first["id"], "ser-harbour-s1");
    assert_eq!(first["contextualTitle"], "Season 1");

    // An episode: parent, ancestors, all.
    let ep = "/api/items/ser-harbour-s1e2";
    let e = ok(&app, ep).await;
    assert_eq!(e["type"], "episode");
    assert_eq!(e["showId"], "ser-harbour");
    assert_eq!(e["seasonId"], "ser-harbour-s1");
    assert_eq!(e["showTitle"], "Harbour Lights");
    assert_eq!(e["contextualTitle"], "S1 E2");
    assert!(e.get("season").is_none() && e.get("show").is_none());
    let parent = ok(&app, &format!("{ep}?expand=parent")).await;
    assert_eq!(parent["season"]["id"], "ser-harbour-s1");
    assert!(parent["season"].get("show").is_none(), "parent only");
    assert!(parent["season"].get("episodes").is_none());
    let anc = ok(&app, &format!("{ep}?expand=ancestors")).await;
    assert_eq!(anc["season"]["show"]["id"], "ser-harbour");
    assert!(anc["season"].get("episodes").is_none());
    let all = ok(&app, &format!("{ep}?expand=all")).await;
    assert_eq!(ids(&all["season"]["episodes"]).len(), 3);
    assert_eq!(ids(&all["season"]["show"]["seasons"]).len(), 2);

    // A channel and a programme are items too.
    let ch = ok(&app, "/api/items/ed-ch-news").await;
    assert_eq!(ch["type"], "channel");
    assert_eq!(ch["customId"], "ch-news");
    let p = ok(&app, "/api/items/ev-ch-news-001").await;
    assert_eq!(p["type"], "program");
    assert_eq!(p["duration"], 7200);
    assert!(p["eventDate"].as_str().unwrap().ends_with('Z'));

    // The rating ceiling: an fsk12 title is not there under fsk6.
    let r = get(&app, "/api/items/ed-vod-entitled?max_rating=fsk6").await;
    assert_eq!(json_of(r, 404).await["code"], 40402);
    ok(&app, "/api/items/ed-vod-entitled?max_rating=fsk12").await;

    // Bad input: the envelope, never a 5xx.
    for (path, status) in [
        ("/api/items/nothing-here", 404),
        ("/api/items/ed-vod-entitled?expand=everything", 400),
        ("/api/items/ed-vod-entitled?max_rating=nope", 400),
        ("/api/items/ed-vod-entitled?use_custom_id=maybe", 400),
        ("/api/items/ed-vod-entitled?select_season=first", 400),
        ("/api/items/ser-harbour?select_season=middle", 400),
        ("/api/items/ed-vod-entitled?ff=bogus", 400),
        ("/api/items/a%01b", 400),
    ] {
        let r = get(&app, path).await;
        let body = json_of(r, status).await;
        assert!(body["message"].is_string(), "{path}: {body}");
    }
    let long = format!("/api/items/{}", "x".repeat(300));
    assert_eq!(get(&app, &long).await.status(), 400);
    app.stop().await;
}

async fn children_related_and_next(b: Backend) {
    let app = TestApp::start(b).await;
    // Children in episode order, paged, reversed on request.
    let c = ok(&app, "/api/items/ser-orbit-s1/children").await;
    assert_eq!(
        ids(&c),
        ["ser-orbit-s1e1", "ser-orbit-s1e2", "ser-orbit-s1e3"]
    );
    assert_eq!(c["size"], 3);
    assert_eq!(c["paging"], json!({"page": 1, "total": 1, "size": 12}));
    let p1 = ok(&app, "/api/items/ser-orbit-s1/children?page_size=2").await;
    assert_eq!(ids(&p1), ["ser-orbit-s1e1", "ser-orbit-s1e2"]);
    assert_eq!(p1["paging"]["total"], 2);
    assert_eq!(
        p1["paging"]["next"],
        "/items/ser-orbit-s1/children?page=2&page_size=2"
    );
    assert!(p1["paging"].get("previous").is_none());
    let p2 = ok(&app, "/api/items/ser-orbit-s1/children?page_size=2&page=2").await;
    assert_eq!(ids(&p2), ["ser-orbit-s1e3"]);
    assert!(p2["paging"].get("next").is_none());
    assert!(p2["paging"]["previous"].is_string());
    let past = ok(&app, "/api/items/ser-orbit-s1/children?page=9").await;
    assert!(ids(&past).is_empty());
    let desc = ok(&app, "/api/items/ser-orbit-s1/children?order=desc").await;
    assert_eq!(ids(&desc)[0], "ser-orbit-s1e3");
    // No children: 404, as the document says; an episode ceiling hides all.
    let r = get(&app, "/api/items/ed-vod-entitled/children").await;
    assert_eq!(r.status(), 404);
    for (path, status) in [
        ("/api/items/ser-orbit-s1/children?page=0", 400),
        ("/api/items/ser-orbit-s1/children?page_size=101", 400),
        ("/api/items/ser-orbit-s1/children?page_size=x", 400),
        ("/api/items/ser-orbit-s1/children?order=up", 400),
        ("/api/items/ser-orbit-s1/children?item_type=ship", 400),
    ] {
        assert_eq!(get(&app, path).await.status(), status, "{path}");
    }

    // Related: never the item itself, nor its own show's parts.
    let rel = ok(&app, "/api/items/ed-vod-entitled/related").await;
    let rel_ids = ids(&rel);
    assert!(!rel_ids.is_empty());
    assert!(!rel_ids.contains(&"ed-vod-entitled"));
    let show_rel = ok(&app, "/api/items/ser-harbour/related?page_size=100").await;
    assert!(ids(&show_rel).iter().all(|i| !i.starts_with("ser-harbour")));
    assert!(ids(&show_rel).contains(&"ser-orbit"), "shares n-series");

    // Next: across seasons, the end, a show's first episode, a movie's none.
    let n = ok(&app, "/api/items/ser-harbour-s1e3/next").await;
    assert_eq!(n["sourceItemId"], "ser-harbour-s1e3");
    assert_eq!(n["next"]["id"], "ser-harbour-s2e1");
    assert_eq!(n["suggestionType"], "Sequential");
    let with_parent = ok(&app, "/api/items/ser-harbour-s1e3/next?expand=ancestors").await;
    assert_eq!(with_parent["next"]["season"]["id"], "ser-harbour-s2");
    assert_eq!(with_parent["next"]["season"]["show"]["id"], "ser-harbour");
    let end = ok(&app, "/api/items/ser-harbour-s2e3/next").await;
    assert!(end.get("next").is_none());
    assert_eq!(end["suggestionType"], "None");
    let start = ok(&app, "/api/items/ser-harbour/next").await;
    assert_eq!(start["next"]["id"], "ser-harbour-s1e1");
    assert_eq!(start["suggestionType"], "StartWatching");
    let movie = ok(&app, "/api/items/ed-vod-entitled/next").await;
    assert!(movie.get("next").is_none());
    assert_eq!(
        get(&app, "/api/items/ser-harbour/next?expand=all")
            .await
            .status(),
        400,
        "next expands parent or ancestors only"
    );

    // The profile variant: a Profile Catalog token, not an Account one.
    let path = "/api/account/profile/items/ser-harbour-s1e3/next";
    assert_eq!(get(&app, path).await.status(), 401);
    let account: Value = app
        .http
        .post(app.url("/api/authorization"))
        .json(&json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = account[0]["value"].as_str().unwrap().to_owned();
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(&account)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 403).await["code"], 40303);
    let profile = app
        .http
        .post(app.url("/api/authorization/profile"))
        .bearer_auth(&account)
        .json(&json!({ "profileId": "acc-active-main", "scopes": ["Catalog"] }))
        .send()
        .await
        .unwrap();
    let profile = json_of(profile, 200).await[0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["cache-control"],
        "private, no-store",
        "a profile's answer is its own"
    );
    assert_eq!(json_of(r, 200).await["next"]["id"], "ser-harbour-s2e1");
    app.stop().await;
}

async fn lists_schedules_plans_and_redirects(b: Backend) {
    let app = TestApp::start(b).await;
    // A node as a list: shows and titles, never episodes.
    let series = ok(&app, "/api/lists/n-series").await;
    assert_eq!(ids(&series), ["ser-harbour", "ser-orbit"]);
    assert_eq!(series["path"], "/list/n-series");
    assert_eq!(series["itemTypes"], json!(["show"]));
    let movies = ok(&app, "/api/lists/n-movies?page_size=100").await;
    assert_eq!(movies["size"], 32);
    assert!(ids(&movies).iter().all(|i| i.starts_with("ed-")));
    let az = ok(&app, "/api/lists/n-movies?order_by=a-z&page_size=100").await;
    let titles: Vec<String> = az["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    let drama = ok(&app, "/api/lists/n-movies?param=genre:drama&page_size=100").await;
    assert_eq!(drama["parameter"], "genre:drama");
    assert!(drama["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["genres"] == json!(["Drama"])));
    assert!(drama["size"].as_i64().unwrap() > 0);
    let capped = ok(&app, "/api/lists/n-movies?max_rating=fsk6&page_size=100").await;
    assert!(capped["size"].as_i64().unwrap() < 32);
    assert!(capped["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| ["fsk0", "fsk6"].contains(&i["classification"]["code"].as_str().unwrap())));
    assert_eq!(get(&app, "/api/lists/n-nothing").await.status(), 404);
    for path in [
        "/api/lists/n-movies?param=genre",
        "/api/lists/n-movies?param=mood:dark",
        "/api/lists/n-movies?order_by=rating",
        "/api/lists?ids=",
        "/api/lists?ids=n-movies|colour=red",
        "/api/lists?ids=n-movies|page_size=0",
        "/api/lists?ids=n-movies|max_rating=nope",
    ] {
        let r = get(&app, path).await;
        assert_eq!(json_of(r, 400).await["code"], 40003, "{path}");
    }
    let many = vec!["n-movies"; 51].join(",");
    assert_eq!(
        get(&app, &format!("/api/lists?ids={many}")).await.status(),
        400
    );

    // Several lists at once, each with its own options; unknown ones empty.
    let lists = ok(
        &app,
        "/api/lists?ids=n-series|page_size=1,n-movies|genre:comedy|page_size=2,n-gone",
    )
    .await;
    let lists = lists.as_array().unwrap();
    assert_eq!(lists.len(), 3);
    assert_eq!(ids(&lists[0]), ["ser-harbour"]);
    assert_eq!(lists[0]["paging"]["total"], 2);
    assert_eq!(ids(&lists[1]).len(), 2);
    assert_eq!(lists[1]["parameter"], "genre:comedy");
    assert_eq!(lists[2]["id"], "n-gone");
    assert_eq!(lists[2]["size"], 0);

    // Schedules: the demo's two-hour slots from the seed day's midnight.
    let day = "2026-11-22";
    let s = ok(
        &app,
        &format!(
            "/api/schedules?channels=ed-ch-sports,nope,ed-ch-news&date={day}&hour=2&duration=4"
        ),
    )
    .await;
    let s = s.as_array().unwrap();
    assert_eq!(s.len(), 3, "in the order asked");
    assert_eq!(s[0]["channelId"], "ed-ch-sports");
    assert_eq!(s[0]["startDate"], "2026-11-22T02:00:00Z");
    assert_eq!(s[0]["endDate"], "2026-11-22T06:00:00Z");
    let slot_ids = |l: &Value| -> Vec<String> {
        l["schedules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(slot_ids(&s[0]), ["ev-ch-sports-001", "ev-ch-sports-002"]);
    assert_eq!(s[0]["schedules"][0]["item"]["type"], "program");
    assert_eq!(s[1]["channelId"], "nope");
    assert_eq!(
        slot_ids(&s[1]),
        Vec::<String>::new(),
        "unknown: empty, not 404"
    );
    assert_eq!(slot_ids(&s[2]).len(), 2);
    // Contained only, unless intersect; backwards with a negative duration.
    let inside = ok(
        &app,
        &format!("/api/schedules?channels=ed-ch-sports&date={day}&hour=3&duration=2"),
    )
    .await;
    assert_eq!(slot_ids(&inside[0]), Vec::<String>::new());
    let touching = ok(
        &app,
        &format!(
            "/api/schedules?channels=ed-ch-sports&date={day}&hour=3&duration=2&intersect=true"
        ),
    )
    .await;
    assert_eq!(
        slot_ids(&touching[0]),
        ["ev-ch-sports-001", "ev-ch-sports-002"]
    );
    let back = ok(
        &app,
        &format!("/api/schedules?channels=ed-ch-sports&date={day}&hour=4&duration=-2"),
    )
    .await;
    assert_eq!(slot_ids(&back[0]), ["ev-ch-sports-001"]);
    for q in [
        "date=2026-11-22&hour=2&duration=4",
        "channels=ed-ch-sports&hour=2&duration=4",
        "channels=ed-ch-sports&date=22/11/2026&hour=2&duration=4",
        "channels=ed-ch-sports&date=2026-11-22&hour=24&duration=4",
        "channels=ed-ch-sports&date=2026-11-22&hour=2&duration=0",
        "channels=ed-ch-sports&date=2026-11-22&hour=2&duration=25",
        "channels=ed-ch-sports&date=2026-11-22&hour=2&duration=4&intersect=yes",
        "channels=ed-ch-sports,&date=2026-11-22&hour=2&duration=4",
    ] {
        let r = get(&app, &format!("/api/schedules?{q}")).await;
        assert_eq!(json_of(r, 400).await["code"], 40003, "{q}");
    }

    // Plans: subscriptions only.
    let plan = ok(&app, "/api/plans/prod-premium").await;
    assert_eq!(plan["type"], "Subscription");
    assert_eq!(plan["revenueType"], "SVOD");
    assert_eq!(plan["price"], 12.99);
    assert_eq!(plan["currency"], "EUR");
    assert_eq!(plan["isActive"], true);
    let r = get(&app, "/api/plans/ppv-final").await;
    assert_eq!(r.status(), 404, "a PPV product is an offer, not a plan");
    assert_eq!(get(&app, "/api/plans/nothing").await.status(), 404);

    // The item-summary redirect, by record id or custom id.
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for id in ["ed-vod-entitled", "vod-entitled"] {
        let r = no_follow
            .get(app.url(&format!("/api/itv/itemsummary/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 302);
        assert_eq!(r.headers()["location"], "/movie/ed-vod-entitled");
    }
    let r = no_follow
        .get(app.url("/api/itv/itemsummary/none"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    app.stop().await;
}

async fn answers_are_cacheable_and_per_tenant(b: Backend) {
    let app = TestApp::start(b).await;
    let r = get(&app, "/api/items/ed-vod-entitled").await;
    assert_eq!(r.headers()["cache-control"], "public, max-age=600");
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .http
        .get(app.url("/api/items/ed-vod-entitled"))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // Another tenant's ids are not found in this one.
    second_tenant(&app, "acme").await;
    let r = get_as(&app, "acme", "/api/items/ed-vod-entitled").await;
    assert_eq!(
        json_of(r, 404).await["code"],
        40402,
        "the item, not the tenant"
    );
    app.stop().await;
}

crate::on_both_backends!(
    items_and_expansions,
    children_related_and_next,
    lists_schedules_plans_and_redirects,
    answers_are_cacheable_and_per_tenant
);
