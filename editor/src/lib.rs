//! engine_lua_editor: the in-game egui debugger (panels over plain-data snapshots).
