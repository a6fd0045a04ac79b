//! Waking the UI when background work finishes, without knowing about egui.

use std::sync::{Arc, RwLock};

type Callback = Arc<dyn Fn() + Send + Sync>;

/// A shared, replaceable callback (the UI sets it to request a repaint).
/// Cloned into every background thread; a no-op until set.
#[derive(Clone, Default)]
pub struct Waker(Arc<RwLock<Option<Callback>>>);

impl Waker {
    pub fn set(&self, f: impl Fn() + Send + Sync + 'static) {
        if let Ok(mut g) = self.0.write() {
            *g = Some(Arc::new(f));
        }
    }

    pub fn wake(&self) {
        let f = self.0.read().ok().and_then(|g| g.clone());
        if let Some(f) = f {
            f();
        }
    }
}

impl std::fmt::Debug for Waker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Waker")
    }
}
