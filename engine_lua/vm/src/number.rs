//! Conversions between numbers and their text forms, as the reference does them
//! (`lobject.c`'s `luaO_str2num`, `lua_Number2str` with `%.14g`).
