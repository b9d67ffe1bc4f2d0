//! Running many independent jobs of one walk step on several threads.
//!
//! Planning a resource with many instances (count, for_each) evaluates
//! each instance's configuration and asks the provider for its planned
//! state: pure work on data the walker only reads. The walker runs inside
//! a tokio runtime, and provider calls are futures, so each worker thread
//! drives its jobs with the runtime's handle (`Handle::block_on`, which
//! works on threads outside the runtime while its workers drive I/O); the
//! calling thread takes jobs as well.
//! Results come back in job order, so everything merged from them
//! (changes, diagnostics, hook lines of a sequential run) stays
//! deterministic. Small batches, a single core or a current-thread runtime
//! (whose I/O only its own `block_on` drives) run on the caller's task,
//! and so do jobs started by a worker (no nesting).

use std::future::Future;
use std::sync::{Mutex, PoisonError};

/// Fewer jobs than this are not worth a thread.
const MIN_JOBS: usize = 32;
/// Jobs per thread below which another thread does not pay.
const JOBS_PER_THREAD: usize = 16;
/// Upper bound on threads, whatever the machine has.
const MAX_THREADS: usize = 8;

thread_local! {
    /// Set on worker threads: jobs they start run in place (a batch of
    /// nodes already uses every core; nesting would only add threads).
    static IN_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The runtime handle and thread count for `n` jobs, or `None` to run
/// them in place.
fn threads_for(n: usize) -> Option<(tokio::runtime::Handle, usize)> {
    if n < MIN_JOBS || IN_WORKER.with(|w| w.get()) {
        return None;
    }
    let handle = tokio::runtime::Handle::try_current().ok()?;
    if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(MAX_THREADS).min(n / JOBS_PER_THREAD);
    (threads > 1).then_some((handle, threads))
}

/// Runs `f` on every item and returns the results in item order, on
/// several threads when the batch is large enough (see the module docs).
/// Each job gets its item by value; its future may borrow what the
/// closure borrows.
pub(crate) async fn map_jobs<I, T, F, Fut>(items: Vec<I>, f: F) -> Vec<T>
where
    I: Send,
    T: Send,
    F: Fn(I) -> Fut + Sync,
    Fut: Future<Output = T>,
{
    let n = items.len();
    let Some((handle, threads)) = threads_for(n) else {
        let mut out = Vec::with_capacity(n);
        for item in items {
            out.push(f(item).await);
        }
        return out;
    };
    // The work queue: whoever is free takes the next item.
    let queue = Mutex::new(items.into_iter().enumerate());
    let work = || async {
        let mut done = Vec::new();
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((i, item)) = next else { break };
            done.push((i, f(item).await));
        }
        done
    };
    let mut parts: Vec<Vec<(usize, T)>> = std::thread::scope(|s| {
        // The calling thread works too (one thread fewer to start, and one
        // allocator heap fewer holding freed memory). It is inside the
        // runtime's `block_on`, where the runtime's own `block_on` is not
        // allowed, so it drives its share with a plain executor; I/O is
        // still driven by the runtime's workers.
        let workers: Vec<_> = (1..threads)
            .map(|_| {
                s.spawn(|| {
                    IN_WORKER.with(|w| w.set(true));
                    handle.block_on(work())
                })
            })
            .collect();
        let was_worker = IN_WORKER.with(|w| w.replace(true));
        let own = futures::executor::block_on(work());
        IN_WORKER.with(|w| w.set(was_worker));
        let mut parts = vec![own];
        for w in workers {
            match w.join() {
                Ok(done) => parts.push(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        parts
    });
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for (i, t) in parts.iter_mut().flat_map(std::mem::take) {
        slots[i] = Some(t);
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_job_order_on_any_runtime() {
        let square = |i: usize| async move { (i * i) as u64 };
        let upto = |n: usize| (0..n).collect::<Vec<_>>();
        let want: Vec<u64> = (0..500).map(|i| (i * i) as u64).collect();
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        assert_eq!(multi.block_on(map_jobs(upto(500), square)), want);
        let single = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(single.block_on(map_jobs(upto(500), square)), want);
        assert_eq!(multi.block_on(map_jobs(upto(3), square)), want[..3]);
    }

    #[test]
    fn jobs_waiting_on_the_runtime_timer_finish_on_every_thread() {
        // Provider calls await the runtime's I/O and timers: the calling
        // thread (plain executor) and the workers (runtime handle) must both
        // be woken by the runtime's own worker threads.
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let got = multi.block_on(map_jobs((0..64).collect(), |i: usize| async move {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            i
        }));
        assert_eq!(got, (0..64).collect::<Vec<_>>());
    }

    #[test]
    fn large_batches_use_threads_only_under_a_multi_thread_runtime() {
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let count = |n| threads_for(n).map_or(1, |(_, t)| t);
        let (small, large) = multi.block_on(async { (count(10), count(1000)) });
        assert_eq!(small, 1);
        assert_eq!(large, cores.min(MAX_THREADS));
        let single = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(single.block_on(async { count(1000) }), 1);
        assert_eq!(count(1000), 1, "no runtime: in place");
        let nested = multi.block_on(map_jobs(vec![(); 64], |()| async { count(1000) }));
        assert!(nested.iter().all(|&t| t == 1), "workers do not nest");
    }
}
