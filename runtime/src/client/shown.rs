//! How `Debug` shows the fields of a user and a WeChat profile: an id bounded and
//! cleaned, free text (which may hold a phone number or an echoed secret) as its length.

use std::fmt;

use crate::shown_id::ShownId;

/// How `Debug` shows a field a server fills with free text (a name, an email, a phone
/// number, a URL): its length, never its text, which may hold a phone number, or a
/// ticket or secret the server echoed.
pub(super) struct Length<'a>(Option<&'a str>);

pub(super) fn text(field: &Option<String>) -> Length<'_> {
    Length(field.as_deref())
}

impl fmt::Debug for Length<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(text) => write!(f, "Some([{} chars])", text.chars().count()),
            None => f.write_str("None"),
        }
    }
}

/// How `Debug` shows an optional id: bounded and cleaned, as the one text worth
/// reading in a log.
pub(super) struct Id<'a>(pub(super) Option<&'a str>);

impl fmt::Debug for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "Some({:?})", ShownId(id)),
            None => f.write_str("None"),
        }
    }
}
