//! The time tickets expire by: the system's, or one a test moves by hand.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// The emulator's clock. Clones share the same time.
#[derive(Debug, Clone)]
pub struct Clock(Arc<Kind>);

#[derive(Debug)]
enum Kind {
    System,
    /// Starts at the real time of its creation and moves only by `advance`.
    Manual(Mutex<SystemTime>),
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(Kind::System))
    }

    /// A clock that stands still until [`advance`](Self::advance)d, so that tests
    /// expire tickets without sleeping.
    pub fn manual() -> Self {
        Self(Arc::new(Kind::Manual(Mutex::new(SystemTime::now()))))
    }

    /// Now.
    pub fn now(&self) -> SystemTime {
        match &*self.0 {
            Kind::System => SystemTime::now(),
            Kind::Manual(now) => *now.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a manual clock forward; the system clock cannot be moved, so this returns
    /// `false` for it.
    pub fn advance(&self, by: Duration) -> bool {
        match &*self.0 {
            Kind::System => false,
            Kind::Manual(now) => {
                let mut now = now.lock().unwrap_or_else(PoisonError::into_inner);
                *now = now.checked_add(by).unwrap_or(*now);
                true
            }
        }
    }
}
