//! Conformance and differential tests for engine_lua (see `tests/`).
