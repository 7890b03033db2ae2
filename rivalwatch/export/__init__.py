"""Writers: one pure function per output format."""
