//! The front end's second half: abstract syntax tree -> function prototypes.
