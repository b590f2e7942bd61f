"""Audio files: mutagen's tags and chapters."""
