//! The file watcher: `notify` watches the script root recursively on its own
//! thread and sends raw events through a `crossbeam-channel`; [`Watcher::poll`]
//! (called once per frame) drains them and debounces per file: a file is reported
//! once no event touched it for the debounce time, so a burst of saves, or the
//! create/modify/rename sequence of an atomic save, is one reload.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, unbounded};
use notify::{RecursiveMode, Watcher as _};

/// A file that settled: its path (relative to the root, `/`-separated) and when its
/// first and last events of the burst arrived.
#[derive(Clone, Debug)]
pub struct Settled {
    /// Relative path.
    pub path: String,
    /// When the first event of the burst was seen.
    pub first: Instant,
    /// When the last event of the burst was seen.
    pub last: Instant,
    /// How many events the burst had.
    pub events: u32,
}

/// Watches a folder; see the module documentation.
pub struct Watcher {
    _inner: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    pending: HashMap<String, (Instant, Instant, u32)>,
    /// Watcher errors seen (kept for the diagnostics panel).
    pub errors: Vec<String>,
}

impl Watcher {
    /// Starts watching `root` (which should be canonical, as event paths are).
    pub fn new(root: &Path) -> notify::Result<Self> {
        let (tx, rx) = unbounded();
        let mut w = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })?;
        w.watch(root, RecursiveMode::Recursive)?;
        Ok(Watcher {
            _inner: w,
            rx,
            root: root.to_path_buf(),
            pending: HashMap::new(),
            errors: Vec::new(),
        })
    }

    /// Drains the channel and returns the files whose last event is at least
    /// `debounce` old, oldest burst first.
    pub fn poll(&mut self, debounce: Duration) -> Vec<Settled> {
        let now = Instant::now();
        while let Ok(ev) = self.rx.try_recv() {
            match ev {
                Ok(ev) => {
                    if matches!(ev.kind, notify::EventKind::Access(_)) {
                        continue;
                    }
                    for p in &ev.paths {
                        if let Some(rel) = self.relative(p) {
                            let e = self.pending.entry(rel).or_insert((now, now, 0));
                            e.1 = now;
                            e.2 += 1;
                        }
                    }
                }
                Err(e) => self.errors.push(e.to_string()),
            }
        }
        let mut out: Vec<Settled> = self
            .pending
            .iter()
            .filter(|(_, (_, last, _))| now.duration_since(*last) >= debounce)
            .map(|(p, (first, last, n))| Settled {
                path: p.clone(),
                first: *first,
                last: *last,
                events: *n,
            })
            .collect();
        for s in &out {
            self.pending.remove(&s.path);
        }
        out.sort_by_key(|s| s.first);
        out
    }

    /// Whether events are waiting for their debounce time.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() || !self.rx.is_empty()
    }

    fn relative(&self, p: &Path) -> Option<String> {
        if p.extension().and_then(|e| e.to_str()) != Some("lua") {
            return None;
        }
        let rel = p.strip_prefix(&self.root).ok()?;
        let s: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(s.join("/"))
    }
}
