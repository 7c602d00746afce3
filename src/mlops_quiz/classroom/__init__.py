"""A class: the teacher's report of how the class is doing, computed from what the store reads
out of the class database (the database itself, its roles and row-level security, are in
``store.classroom``)."""
