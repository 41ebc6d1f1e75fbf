"""The staff chat page: `layout` (components and events), `handlers` (what each event does),
`history` (the chat's messages ↔ the service's terms), `texts` (Swedish and English words)."""
