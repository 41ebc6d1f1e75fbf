"""Retrieval: a question → the passages of the live documents most likely to answer it.

`snapshot` keeps the live chunks searchable, `ranking` fuses dense and lexical scores,
`vocabulary` tells the answerer how telling a word is; `Retriever` is the entrance.
"""
