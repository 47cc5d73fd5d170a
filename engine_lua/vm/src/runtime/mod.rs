//! The runtime: values, the GC heap, strings, tables, closures, the interpreter,
//! coroutines and errors.
