//! Work spread over the machine's cores with results kept in order: building the index of a
//! large folder reads, parses and tokenises each file independently.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Condvar, Mutex};

/// How far workers may run ahead of the item handed on last: what waits in memory is bounded
/// whatever the size of the folder.
const WINDOW: usize = 64;

/// Items a worker takes at once: each handover wakes another thread, which costs about as
/// much as reading a small file.
const CHUNK: usize = 8;

/// `work` applied to every item, on up to `threads` threads; each result handed to `sink` in
/// the items' order, on the calling thread. The calling thread is one of the `threads`: it
/// works on items itself whenever no result is ready to hand on, so that no core waits while
/// another has work (with a thread more than cores, workers run ahead while it is not
/// scheduled, reach the window and stop, and it then catches up alone).
pub fn ordered_map<T, R>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R),
) where
    T: Sync,
    R: Send,
{
    let threads = threads.clamp(1, 8).min(items.len().div_ceil(CHUNK));
    if threads <= 1 {
        items.iter().for_each(|t| sink(work(t)));
        return;
    }
    let next = AtomicUsize::new(0);
    // The first item not yet handed on and how many workers wait, too far ahead; and a
    // wake-up for them, made only when one waits: each is a system call.
    let done = (Mutex::new((0usize, 0usize)), Condvar::new());
    let (tx, rx) = sync_channel::<(usize, Vec<R>)>(WINDOW / CHUNK);
    std::thread::scope(|scope| {
        for _ in 1..threads {
            let tx = tx.clone();
            let (next, done, work) = (&next, &done, &work);
            scope.spawn(move || {
                loop {
                    let from = next.fetch_add(CHUNK, Ordering::Relaxed);
                    if from >= items.len() {
                        break;
                    }
                    let mut handed = done.0.lock().unwrap_or_else(|p| p.into_inner());
                    while from >= handed.0 + WINDOW {
                        handed.1 += 1;
                        handed = done.1.wait(handed).unwrap_or_else(|p| p.into_inner());
                        handed.1 -= 1;
                    }
                    drop(handed);
                    let to = (from + CHUNK).min(items.len());
                    if tx
                        .send((from, items[from..to].iter().map(work).collect()))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Should `sink` panic, workers waiting for their turn are let go instead of waiting
        // for ever.
        struct Release<'a>(&'a (Mutex<(usize, usize)>, Condvar));
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.0.lock().unwrap_or_else(|p| p.into_inner()).0 = usize::MAX / 2;
                self.0.1.notify_all();
            }
        }
        let _release = Release(&done);
        let mut waiting = BTreeMap::new();
        let mut expected = 0;
        let mut hand_on = |waiting: &mut BTreeMap<usize, Vec<R>>| {
            let before = expected;
            while let Some(rs) = waiting.remove(&expected) {
                expected += rs.len().max(1);
                rs.into_iter().for_each(&mut sink);
            }
            if expected != before {
                let mut handed = done.0.lock().unwrap_or_else(|p| p.into_inner());
                handed.0 = expected;
                if handed.1 > 0 {
                    done.1.notify_all();
                }
            }
            expected
        };
        loop {
            // Results ready first: handing them on lets workers held at the window go on.
            while let Ok((from, rs)) = rx.try_recv() {
                waiting.insert(from, rs);
            }
            let handed = hand_on(&mut waiting);
            if next.load(Ordering::Relaxed) >= handed + WINDOW {
                // Too far ahead of a worker's slow chunk: wait for it rather than hold more.
                match rx.recv() {
                    Ok((from, rs)) => {
                        waiting.insert(from, rs);
                        continue;
                    }
                    Err(_) => break,
                }
            }
            let from = next.fetch_add(CHUNK, Ordering::Relaxed);
            if from >= items.len() {
                break;
            }
            let to = (from + CHUNK).min(items.len());
            waiting.insert(from, items[from..to].iter().map(&work).collect());
        }
        for (from, rs) in rx {
            waiting.insert(from, rs);
            hand_on(&mut waiting);
        }
        // What this thread made last.
        hand_on(&mut waiting);
    });
}

/// The threads worth using here: the cores the process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_whatever_the_threads() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [0, 1, 2, 3, 8, 100] {
            let mut out = Vec::new();
            ordered_map(
                &items,
                threads,
                |&i| {
                    // Uneven work, so that workers finish out of order.
                    if i % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    i * 2
                },
                |r| out.push(r),
            );
            assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_calling_thread_works_too() {
        let items: Vec<usize> = (0..200).collect();
        let caller = std::thread::current().id();
        let by_caller = AtomicUsize::new(0);
        ordered_map(
            &items,
            2,
            |&i| {
                if std::thread::current().id() == caller {
                    by_caller.fetch_add(1, Ordering::Relaxed);
                }
                std::thread::sleep(std::time::Duration::from_micros(100));
                i
            },
            |_| {},
        );
        // Two threads in all: the caller and one worker, sharing the items.
        let n = by_caller.load(Ordering::Relaxed);
        assert!(n > 0 && n < items.len(), "{n}");
    }

    #[test]
    fn a_panic_in_sink_ends_instead_of_hanging() {
        let items: Vec<usize> = (0..1000).collect();
        let r = std::panic::catch_unwind(|| {
            ordered_map(&items, 4, |&i| i, |i| assert!(i < 3));
        });
        assert!(r.is_err());
    }

    #[test]
    fn nothing_to_do() {
        let mut n = 0;
        ordered_map(&[] as &[u8], 4, |_| 1, |_| n += 1);
        assert_eq!(n, 0);
    }

    #[test]
    fn workers_stay_within_the_window() {
        let items: Vec<usize> = (0..500).collect();
        let started = AtomicUsize::new(0);
        let mut handed = 0;
        ordered_map(
            &items,
            4,
            |&i| {
                started.fetch_max(i, Ordering::SeqCst);
                i
            },
            |i| {
                handed = i + 1;
                assert!(started.load(Ordering::SeqCst) < handed + WINDOW + 4 * CHUNK);
            },
        );
        assert_eq!(handed, 500);
    }
}
