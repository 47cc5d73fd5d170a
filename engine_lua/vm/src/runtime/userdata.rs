//! Full userdata: a Rust value with a metatable and a fixed number of user values.

use std::any::Any;

use super::gc::{Gc, Marker, Trace};
use super::table::Table;
use super::value::Value;

/// A full userdata.
pub struct UserData {
    /// The metatable.
    pub metatable: Option<Gc<Table>>,
    /// The user values (`debug.setuservalue`/`getuservalue`, 1-based there); their
    /// number is fixed at creation (`lua_newuserdatauv`): one for embedder userdata,
    /// none for the library's own (files, like the reference's).
    pub user_values: Box<[Value]>,
    /// The payload.
    pub data: Box<dyn Any>,
}

impl Trace for UserData {
    fn trace(&self, m: &mut Marker) {
        if let Some(mt) = self.metatable {
            m.mark_obj(mt);
        }
        for &v in self.user_values.iter() {
            m.mark_value(v);
        }
    }
}
