//! Stylesheet and icon, compiled into the binary; nothing comes from a CDN.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::SharedState;

const CSS: &str = include_str!("../static/lisa.css");
const FAVICON: &str = include_str!("../static/favicon.svg");
const AUTOSAVE: &str = include_str!("../static/autosave.js");

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route(
            "/static/lisa.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    CSS,
                )
            }),
        )
        .route(
            "/static/autosave.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    AUTOSAVE,
                )
            }),
        )
        .route(
            "/static/favicon.svg",
            get(|| async {
                ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], FAVICON)
                    .into_response()
            }),
        )
}
