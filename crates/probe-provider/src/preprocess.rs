//! Running the C preprocessor over a provider file (`dtrace -C`).
