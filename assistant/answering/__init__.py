"""Answering: passages → a grounded answer, and a conversation → one standalone question.

`protocol` says what an answerer is; the extractive answerer is built from small steps:
`quotes` (sentences and list items), `question_terms` (what the question weighs),
`selection` (which quotes), `support` (answer or decline) and `writing` (the text).
"""
