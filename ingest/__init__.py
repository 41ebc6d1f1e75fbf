"""The maintainers' side: policy files → documents → chunks → the index."""
