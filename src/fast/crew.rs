//! A few helper threads that stay awake through a training step's short parallel sections.
//!
//! A step of a large network is a run of parallel sections (one per layer, forward and back)
//! with short serial stretches between them. A thread pool whose idle threads go to sleep at
//! once makes every section wait for a sleeping thread to be woken, and on a virtual machine
//! that wait can be as long as the section: measured on the project's 2-core machine, two
//! halves of a 64×784×128 product took 150 µs back to back, and 260–360 µs when 100 µs of
//! serial work came between them. A [`Crew`]'s helpers poll for work for a while
//! ([`STAY_AWAKE`]) before they sleep, and the calling thread does the first share itself.

use std::any::Any;
use std::cell::UnsafeCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long an idle helper keeps polling before it sleeps until woken.
pub(crate) const STAY_AWAKE: Duration = Duration::from_micros(500);

const IDLE: u8 = 0;
const POSTED: u8 = 1;
const DONE: u8 = 2;
const EXIT: u8 = 3;

/// A job as the helpers see it, its lifetime erased: [`Crew::run`] does not return before
/// every helper has finished with it.
type Job = *const (dyn Fn(usize) + Sync + 'static);

/// What the caller and one helper share. `state` hands `job` and `panic` back and forth:
/// the caller writes `job` before it stores POSTED, the helper writes `panic` before it
/// stores DONE, and each reads only after seeing the other's store.
struct Mailbox {
    state: AtomicU8,
    job: UnsafeCell<Option<Job>>,
    panic: UnsafeCell<Option<Box<dyn Any + Send>>>,
}

// SAFETY: the UnsafeCells are only touched by the side that `state` says owns them (above).
unsafe impl Sync for Mailbox {}
unsafe impl Send for Mailbox {}

/// `threads − 1` helper threads; with the calling thread they run a job on `threads` indices.
pub(crate) struct Crew {
    helpers: Vec<(Arc<Mailbox>, JoinHandle<()>)>,
    // one run at a time: clones of a workspace share their crew
    running: Mutex<()>,
}

impl std::fmt::Debug for Crew {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Crew {{ threads: {} }}", self.threads())
    }
}

impl Crew {
    /// Starts `threads − 1` helpers.
    pub(crate) fn new(threads: usize) -> std::io::Result<Crew> {
        let mut helpers = Vec::new();
        for index in 1..threads {
            let mailbox = Arc::new(Mailbox {
                state: AtomicU8::new(IDLE),
                job: UnsafeCell::new(None),
                panic: UnsafeCell::new(None),
            });
            let theirs = Arc::clone(&mailbox);
            let handle =
                thread::Builder::new().name(format!("backprop-{index}")).spawn(move || serve(index, &theirs))?;
            helpers.push((mailbox, handle));
        }
        Ok(Crew { helpers, running: Mutex::new(()) })
    }

    /// The calling thread and the helpers.
    pub(crate) fn threads(&self) -> usize {
        self.helpers.len() + 1
    }

    /// Runs `job(i)` for every i in `0..threads()`, `job(0)` on the calling thread, and returns
    /// when all have finished. A panic in any of them is raised here, after all have finished.
    pub(crate) fn run(&self, job: &(dyn Fn(usize) + Sync)) {
        let _one_at_a_time = self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // SAFETY: only the lifetime changes; the pointer is not used after this function
        // returns, because it waits below until every helper has stored DONE.
        let erased: Job = unsafe { std::mem::transmute(job as *const (dyn Fn(usize) + Sync)) };
        for (mailbox, handle) in &self.helpers {
            // SAFETY: the helper is IDLE, so it does not read `job` until it sees POSTED.
            unsafe { *mailbox.job.get() = Some(erased) };
            mailbox.state.store(POSTED, Ordering::Release);
            handle.thread().unpark();
        }
        let mine = panic::catch_unwind(AssertUnwindSafe(|| job(0)));
        let mut theirs = None;
        for (mailbox, _) in &self.helpers {
            let mut polls = 0u32;
            while mailbox.state.load(Ordering::Acquire) != DONE {
                polls = polls.saturating_add(1);
                if polls < 1 << 14 {
                    std::hint::spin_loop();
                } else {
                    // the helper may be waiting for a core: give it ours
                    thread::yield_now();
                }
            }
            // SAFETY: DONE means the helper has finished with both cells.
            unsafe {
                *mailbox.job.get() = None;
                if let Some(payload) = (*mailbox.panic.get()).take() {
                    theirs.get_or_insert(payload);
                }
            }
            mailbox.state.store(IDLE, Ordering::Release);
        }
        if let Err(payload) = mine {
            panic::resume_unwind(payload);
        }
        if let Some(payload) = theirs {
            panic::resume_unwind(payload);
        }
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        for (mailbox, handle) in self.helpers.drain(..) {
            mailbox.state.store(EXIT, Ordering::Release);
            handle.thread().unpark();
            let _ = handle.join();
        }
    }
}

/// A helper's life: wait for POSTED (polling for STAY_AWAKE, then asleep), run the job on
/// `index`, store DONE; until EXIT.
fn serve(index: usize, mailbox: &Mailbox) {
    loop {
        let mut since = Instant::now();
        let mut polls = 0u32;
        loop {
            match mailbox.state.load(Ordering::Acquire) {
                POSTED => break,
                EXIT => return,
                _ => {}
            }
            polls = polls.wrapping_add(1);
            if polls.is_multiple_of(256) && since.elapsed() > STAY_AWAKE {
                // a lost wake-up is impossible: an unpark before this park makes it return
                thread::park();
                since = Instant::now();
            } else {
                std::hint::spin_loop();
            }
        }
        // SAFETY: POSTED means the caller wrote `job` and waits for DONE before reusing it.
        let job = unsafe { (*mailbox.job.get()).expect("a posted job") };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| unsafe { (*job)(index) }));
        if let Err(payload) = outcome {
            // SAFETY: the caller reads `panic` only after it sees DONE, stored below.
            unsafe { *mailbox.panic.get() = Some(payload) };
        }
        mailbox.state.store(DONE, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn every_index_runs_once_per_run_each_on_its_own_thread() {
        let crew = Crew::new(3).unwrap();
        let counts: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
        let threads: Vec<Mutex<Vec<thread::ThreadId>>> = (0..3).map(|_| Mutex::new(Vec::new())).collect();
        for _ in 0..1000 {
            crew.run(&|i| {
                counts[i].fetch_add(1, Ordering::Relaxed);
                threads[i].lock().unwrap().push(thread::current().id());
            });
        }
        assert!(counts.iter().all(|c| c.load(Ordering::Relaxed) == 1000));
        let ids: Vec<Vec<thread::ThreadId>> = threads.into_iter().map(|t| t.into_inner().unwrap()).collect();
        // index 0 always on the caller, 1 and 2 always on the same helper each, all different
        assert!(ids[0].iter().all(|id| *id == thread::current().id()));
        assert!(ids[1].iter().all(|id| *id == ids[1][0]) && ids[2].iter().all(|id| *id == ids[2][0]));
        assert!(ids[1][0] != ids[0][0] && ids[2][0] != ids[0][0] && ids[1][0] != ids[2][0]);
    }

    #[test]
    fn runs_after_the_helpers_fell_asleep() {
        let crew = Crew::new(2).unwrap();
        let total = AtomicUsize::new(0);
        for _ in 0..3 {
            thread::sleep(STAY_AWAKE * 4);
            crew.run(&|i| {
                total.fetch_add(i + 1, Ordering::Relaxed);
            });
        }
        assert_eq!(total.load(Ordering::Relaxed), 9);
    }

    #[test]
    fn a_panic_in_a_helper_reaches_the_caller_and_the_crew_goes_on() {
        let crew = Crew::new(2).unwrap();
        let caught = panic::catch_unwind(AssertUnwindSafe(|| {
            crew.run(&|i| {
                if i == 1 {
                    panic!("piece {i} failed");
                }
            })
        }));
        let payload = caught.unwrap_err();
        assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("piece 1 failed"));
        let ran = AtomicUsize::new(0);
        crew.run(&|_| {
            ran.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(ran.load(Ordering::Relaxed), 2);
    }
}
