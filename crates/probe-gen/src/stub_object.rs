//! The `-G` stub object: a relocatable ELF object defining the semaphores.
