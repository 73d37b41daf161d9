"""innoref: a command-line knowledge base and reading-list manager."""

__version__ = "0.1.0"
