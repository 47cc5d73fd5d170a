//! Full userdata: a Rust value with a metatable and a user value.

use std::any::Any;

use super::gc::{Gc, Marker, Trace};
use super::table::Table;
use super::value::Value;

/// A full userdata.
pub struct UserData {
    /// The metatable.
    pub metatable: Option<Gc<Table>>,
    /// The user value (`debug.setuservalue`).
    pub user_value: Value,
    /// The payload.
    pub data: Box<dyn Any>,
}

impl Trace for UserData {
    fn trace(&self, m: &mut Marker) {
        if let Some(mt) = self.metatable {
            m.mark_obj(mt);
        }
        m.mark_value(self.user_value);
    }
}
