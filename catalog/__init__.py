"""catalog: an offline, terminal-first catalog of podcast and radio episodes and their people."""

__version__ = "0.1.0"
