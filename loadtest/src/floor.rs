//! The HTTP floor: a trivial hyper server (same runtime and allocator settings as
//! playgate) answering every request with a 2-byte body. Load tests measure
//! playgate beside it, so results are ratios to this machine's HTTP ceiling.
//!
//! Usage: `floor [ADDR]` (default 127.0.0.1:8090); `PLAYGATE_FLOOR_WORKERS=1` to
//! match a pinned one-worker playgate; `PLAYGATE_FLOOR_BODY_BYTES=N` to answer
//! N bytes instead of 2 (the same-size floor: what the kernel charges for an
//! answer as large as playgate's, with nothing computed).

use std::convert::Infallible;
use std::net::SocketAddr;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

async fn ok(
    body: Bytes,
    _req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(body)))
}

/// The answer: `ok`, or `n` bytes of `o` when `PLAYGATE_FLOOR_BODY_BYTES=n`.
fn body() -> Bytes {
    match std::env::var("PLAYGATE_FLOOR_BODY_BYTES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        Some(n) => Bytes::from(vec![b'o'; n]),
        None => Bytes::from_static(b"ok"),
    }
}

fn main() {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8090".into())
        .parse()
        .expect("ADDR must be IP:port");
    let workers = std::env::var("PLAYGATE_FLOOR_WORKERS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0);
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = workers {
        rt.worker_threads(n);
    }
    let body = body();
    rt.build().expect("runtime").block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        eprintln!("floor listening on {addr}");
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| ok(body.clone(), req));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}
