//! Searches that page stream every item of every page (stopping at the reply's total or at a
//! short page, waiting out rate limits), and batch replies say whether any entry failed.
//! Generated here from `specs/paging/`, a spec outside descope-api, as a user's crate would.

use std::time::Duration;

use descope_api::{Client, Error};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

descope_api::generate! {
    spec: "specs/paging",
    client_ext: Items,
}

fn client(server: &MockServer) -> Client {
    Client::builder("P2test")
        .base_url(server.uri())
        .build()
        .unwrap()
}

fn page(ids: &[&str], total: Option<i64>) -> ResponseTemplate {
    let items: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    let mut body = json!({ "items": items });
    if let Some(total) = total {
        body["total"] = json!(total);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// The body's `page` is `n` (no `page` is page 0).
fn page_is(n: i64) -> impl Fn(&wiremock::Request) -> bool {
    move |request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        body.get("page").map_or(Some(0), Value::as_i64) == Some(n)
    }
}

fn ids(items: &[types::Item]) -> Vec<&str> {
    items.iter().map(|item| item.id.as_str()).collect()
}

#[tokio::test]
async fn a_stream_fetches_pages_until_the_total() {
    let server = MockServer::start().await;
    for (n, ids, expect) in [(0, &["a", "b"][..], 1), (1, &["c", "d"], 1), (2, &["e"], 1)] {
        Mock::given(method("POST"))
            .and(path("/v1/items/search"))
            .and(body_partial_json(json!({ "text": "x", "limit": 2 })))
            .and(page_is(n))
            .respond_with(page(ids, Some(5)))
            .expect(expect)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let items: Vec<types::Item> = Items::items(&client)
        .search()
        .text("x")
        .limit(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);

    // A full last page: the total, not a short page, ends the stream (no fourth request).
    let server = MockServer::start().await;
    for n in 0..2 {
        Mock::given(method("POST"))
            .and(page_is(n))
            .respond_with(page(&["p", "q"], Some(4)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = self::client(&server);
    let stream = Items::items(&client).search().limit(2).into_stream();
    assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_stream_without_a_total_stops_at_a_short_page() {
    let server = MockServer::start().await;
    for (n, ids) in [("3", &["a", "b", "c"][..]), ("4", &["d"])] {
        Mock::given(method("GET"))
            .and(path("/v1/items"))
            .and(query_param("page", n))
            .and(query_param("size", "3"))
            .respond_with(page(ids, None))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let items: Vec<types::Item> = Items::items(&client)
        .list(3)
        .page(3)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d"]);

    // An empty first page is an empty stream.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(&[], None))
        .expect(1)
        .mount(&server)
        .await;
    let client = self::client(&server);
    let mut stream = Items::items(&client).list(3).into_stream();
    assert!(stream.try_next().await.unwrap().is_none());
}

fn rate_limited() -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("Retry-After", "0")
        .set_body_json(json!({ "errorCode": "E130429", "errorDescription": "Too many requests" }))
}

#[tokio::test]
async fn a_stream_waits_out_rate_limits_and_then_gives_up() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(rate_limited())
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(page(&["c"], None))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(page(&["a", "b"], None))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<types::Item> = Items::items(&client)
        .list(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);

    // Past `max_rate_limited` 429s in a row, the 429 ends the stream, after the items so far.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(rate_limited())
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(page(&["a", "b"], None))
        .mount(&server)
        .await;
    let client = self::client(&server);
    let mut stream = Items::items(&client)
        .list(2)
        .into_stream()
        .max_rate_limited(2);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "a");
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "b");
    let error = stream.try_next().await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.code(), Some("E130429"));

    // A `Retry-After` longer than `max_wait` is not waited out.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(rate_limited().insert_header("Retry-After", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let client = self::client(&server);
    let mut stream = Items::items(&client)
        .list(2)
        .into_stream()
        .max_wait(Duration::from_secs(60));
    assert_eq!(stream.try_next().await.unwrap_err().status(), Some(429));
}

#[tokio::test]
async fn a_batch_reply_says_whether_anything_failed() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/items/batch"))
        .and(body_json(json!({ "ids": ["a"] })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "created": [{ "id": "a" }] })),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v1/items/batch"))
        .and(body_json(json!({ "ids": ["a", "b", "c"] })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "created": [{ "id": "a" }],
            "failed": [{ "id": "b", "reason": "exists" }],
            "errors": { "c": "invalid" }
        })))
        .mount(&server)
        .await;
    Mock::given(path("/v1/items/batch/delete"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "notDeleted": ["z"] })))
        .mount(&server)
        .await;
    let client = client(&server);
    let items = Items::items(&client);

    let all = items.create_batch(vec!["a".to_owned()]).await.unwrap();
    assert_eq!(ids(&all.into_result().unwrap().created), ["a"]);

    let some = items
        .create_batch(vec!["a".to_owned(), "b".to_owned(), "c".to_owned()])
        .await
        .unwrap();
    let failure = some.into_result().unwrap_err();
    assert_eq!(failure.failed, 2);
    assert_eq!(failure.reply.failed[0].reason, "exists");
    assert_eq!(failure.to_string(), "2 entries of the batch failed");
    let error = Error::from(failure);
    assert!(
        matches!(error, Error::PartialFailure { failed: 2, .. }),
        "{error:?}"
    );

    let deleted = items.delete_batch(vec!["z".to_owned()]).await.unwrap();
    assert_eq!(deleted.into_result().unwrap_err().reply.not_deleted, ["z"]);
}
