"""Where data comes from: fetching, feeds (feedparser and lxml), audio files."""
