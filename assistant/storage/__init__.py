"""Storage: what outlives a process. The catalogue of documents and versions (SQLite), the
vectors (Chroma, embedded or a server) with LangChain's record manager, the embedders and their
cache, and staff feedback."""
