//! What the HTTP tests share: the whole application as `koers serve` builds it, served over real
//! HTTP on a free port in a thread of its own, and stopped when dropped.

use actix_web::dev::ServerHandle;
use actix_web::{web, HttpServer};
use koers_web::AppState;
use std::net::TcpListener;

/// A running server; stopped (and its thread joined) when dropped.
pub struct Serving {
    handle: ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Serves `state` on `listener` with `workers` workers until the result is dropped.
pub fn serve(listener: TcpListener, state: AppState, workers: usize) -> Serving {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let data = web::Data::new(state);
            // The application exactly as `koers serve` builds it.
            let server = HttpServer::new(move || koers_web::app(data.clone()))
                .workers(workers)
                .disable_signals()
                .shutdown_timeout(1)
                .listen(listener)
                .unwrap()
                .run();
            tx.send(server.handle()).unwrap();
            let _ = server.await;
        })
    });
    let handle = rx.recv().unwrap();
    Serving { handle, thread: Some(thread) }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::System::new().block_on(handle.stop(false));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
