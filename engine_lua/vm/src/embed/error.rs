//! The embedding API's one error type, [`Error`], and [`Result`].

use super::value::LuaValue;

/// An error crossing the embedding API (and the `elua` facade).
///
/// `Display` prints exactly what `lua.c` (and so `elua`) prints after its program name
/// and `": "`: for syntax errors the message, for runtime errors the message, then a
/// newline and the traceback.
///
/// ```
/// use engine_lua::{Error, Lua};
///
/// let mut lua = Lua::new();
/// let e = lua.load("x = = 1").set_name("=cfg").exec().unwrap_err();
/// assert!(matches!(e, Error::Syntax { line: 1, .. }));
/// assert_eq!(e.to_string(), "cfg:1: unexpected symbol near '='");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The chunk failed to compile (or to be read).
    #[error("{message}")]
    Syntax {
        /// The full message, e.g. `input:1: unexpected symbol near '='` or
        /// `cannot open nofile.lua`.
        message: String,
        /// The chunk name as given (`@scripts/ai/guard.lua`, `=stdin`, ...).
        chunk: String,
        /// The line the message names (0 when unknown).
        line: u32,
        /// Whether the error is at the end of the input (an incomplete statement).
        incomplete: bool,
    },
    /// A Lua error escaped a call.
    #[error("{message}\n{traceback}")]
    Runtime {
        /// The error value as `lua.c`'s `msghandler` turns it into text: a string or
        /// number as is, an object with `__tostring` through it, anything else
        /// `(error object is a X value)`.
        message: String,
        /// `stack traceback:` and its lines, taken at the error point (empty when the
        /// error did not come through a traceback boundary).
        traceback: String,
        /// The error value itself (kept alive by a handle), when known.
        value: Option<LuaValue>,
    },
    /// The state's memory limit was reached (`not enough memory`).
    #[error("not enough memory")]
    Memory,
    /// A value could not be converted from Lua to Rust.
    #[error("cannot convert a {from} to {to}{}", fmt_detail(.message))]
    FromLua {
        /// The Lua type (`type()` name, or the userdata's `__name`).
        from: String,
        /// The Rust type wanted.
        to: &'static str,
        /// More detail, if any.
        message: Option<String>,
    },
    /// A Rust value could not be converted to Lua.
    #[error("cannot convert a {from} to a Lua {to}{}", fmt_detail(.message))]
    IntoLua {
        /// The Rust type.
        from: &'static str,
        /// The Lua type wanted.
        to: &'static str,
        /// More detail, if any.
        message: Option<String>,
    },
    /// An argument of a host function could not be converted.
    #[error("bad argument #{pos} ({cause})")]
    BadArgument {
        /// The 1-based position (counting `self` for methods).
        pos: usize,
        /// Why.
        cause: Box<Error>,
    },
    /// A userdata is borrowed in a way that conflicts with the requested access.
    #[error("userdata '{type_name}' is already {}borrowed", if *.mutably { "mutably " } else { "" })]
    UserDataBorrow {
        /// The Rust type's name.
        type_name: &'static str,
        /// Whether the existing borrow is mutable.
        mutably: bool,
    },
    /// A userdata holds another Rust type than the one asked for.
    #[error("userdata is not a '{expected}'")]
    UserDataType {
        /// The Rust type asked for.
        expected: &'static str,
    },
    /// A handle was used with another state than the one that made it (or after its
    /// state was dropped).
    #[error("handle used with a state that did not create it")]
    WrongState,
    /// A `create_function_mut` callback was called while already running.
    #[error("mutable callback called recursively")]
    RecursiveCallback,
    /// A coroutine cannot be resumed (dead, or running).
    #[error("cannot resume {0} coroutine")]
    CoroutineNotResumable(&'static str),
    /// A serde conversion failed.
    #[error("serde: {0}")]
    Serde(String),
    /// An error raised by host code ([`Error::runtime`]): becomes a Lua error with
    /// this message (position of the calling Lua line prefixed).
    #[error("{0}")]
    External(String),
}

fn fmt_detail(m: &Option<String>) -> String {
    match m {
        Some(m) => format!(" ({m})"),
        None => String::new(),
    }
}

impl Error {
    /// A host error with a message (what `luaL_error` raises from C): inside a host
    /// function it becomes a Lua error `chunk:line: message`.
    pub fn runtime(message: impl Into<String>) -> Self {
        Error::External(message.into())
    }

    /// A syntax error with only a message (used for read failures).
    pub fn syntax(message: impl Into<String>) -> Self {
        Error::Syntax {
            message: message.into(),
            chunk: String::new(),
            line: 0,
            incomplete: false,
        }
    }

    /// A runtime error with a message and traceback but no value.
    pub fn runtime_with_traceback(message: String, traceback: String) -> Self {
        Error::Runtime {
            message,
            traceback,
            value: None,
        }
    }
}

/// The embedding API's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
