//! The bounded queue for report rendering (PDF, Word, Excel). Rendering is
//! CPU-bound and runs off the async runtime; at most [`Limits::concurrent`]
//! reports are rendered at once and at most [`Limits::waiting`] more wait.
//! Beyond that the answer is 503 with `Retry-After`, so a flood of
//! downloads cannot take the threads and cores that logins and pages need.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use crate::error::AppError;

/// How many renders run at once and how many may wait for a turn.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub concurrent: usize,
    pub waiting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self { concurrent: cores.div_ceil(2).max(1), waiting: 8 }
    }
}

/// The gate every render passes.
pub struct Gate {
    permits: Arc<Semaphore>,
    /// Renders admitted: running plus waiting.
    admitted: AtomicUsize,
    limit: usize,
}

/// Counts an admitted render until dropped.
struct Admitted<'a>(&'a AtomicUsize);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Gate {
    pub fn new(limits: Limits) -> Self {
        let concurrent = limits.concurrent.max(1);
        Self {
            permits: Arc::new(Semaphore::new(concurrent)),
            admitted: AtomicUsize::new(0),
            limit: concurrent + limits.waiting,
        }
    }

    /// Runs `f` on the blocking pool once a permit is free; [`AppError::Busy`]
    /// at once when the queue is full.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let _admitted = Admitted(&self.admitted);
        if before >= self.limit {
            return Err(AppError::Busy);
        }
        let permit = self.permits.clone().acquire_owned().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(AppError::internal)
    }
}

/// A stored file as a download under its own name (ASCII fallback and the
/// UTF-8 name both given), never shown inline.
pub fn attachment(name: &str, content: Vec<u8>) -> axum::response::Response {
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        name.replace(|c: char| !c.is_ascii() || c == '"', "_"),
        form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20")
    );
    axum::response::IntoResponse::into_response((
        [
            (axum::http::header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        content,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn beyond_the_queue_renders_are_refused_at_once() {
        let gate = Arc::new(Gate::new(Limits { concurrent: 1, waiting: 2 }));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        let mut running = Vec::new();
        for _ in 0..3 {
            let (g, rx) = (gate.clone(), rx.clone());
            running.push(tokio::spawn(async move {
                g.run(move || {
                    let _ = rx.lock().map(|r| r.recv_timeout(Duration::from_secs(10)));
                })
                .await
            }));
        }
        // Let the three be admitted (one running, two waiting).
        while gate.admitted.load(Ordering::Acquire) < 3 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(gate.run(|| ()).await, Err(AppError::Busy)), "the fourth is refused");
        for _ in 0..3 {
            tx.send(()).unwrap();
        }
        for r in running {
            assert!(r.await.unwrap().is_ok());
        }
        assert!(gate.run(|| 7).await.is_ok_and(|v| v == 7), "free again");
    }
}
