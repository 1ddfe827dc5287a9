//! Shared helpers of the activity tests.

use reqwest::Method;
use serde_json::Value;

use crate::harness::{demo_call, TestApp};

pub const UAV: &str = "/useractivityvault/v1/clientdata";
pub const AG: &str = "/activitygateway/v1/clientdata";
/// alice's main profile's scope.
pub const ALICE_MAIN: &str = "/account/acc-active/user/acc-active-main";
pub const ALICE: &str = "/account/acc-active";

pub async fn call(
    app: &TestApp,
    bearer: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    demo_call(app, bearer, method, path, body).await
}

/// Merges `section` into the demo tenant's settings (every node sees it
/// through the change feed; this node before the call returns).
pub async fn set_activity_settings(app: &TestApp, section: Value) {
    let tenancy = &app.state.plane.tenancy;
    let mut settings = tenancy.tenant_settings("demo").await.unwrap();
    settings["activity"] = section;
    tenancy
        .replace_tenant_settings("demo", settings)
        .await
        .unwrap();
}

/// A bookmark body of a profile (`metadata.contentDuration` is required
/// there).
pub fn bookmark(position: i64) -> Value {
    serde_json::json!({ "position": position, "metadata": { "contentDuration": 3600 } })
}

/// Removes the demo's activity (alice's bookmarks, list, history, ratings,
/// reminder), so a test starts from none and counts exactly what it wrote.
pub async fn without_demo_activity(app: &TestApp) {
    for table in [
        "activity_records",
        "activity_events",
        "activity_averages",
        "activity_view_counts",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(app.state.store.pool())
            .await
            .unwrap();
    }
}
