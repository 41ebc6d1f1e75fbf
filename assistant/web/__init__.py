"""The web edge: the HTTP API (FastAPI), its OpenAI-compatible route, and the chat page.

`app` assembles; `routes/` holds one router per resource, each with its key dependency;
`security` checks keys; `schemas` and `openai_schemas` are the bodies the OpenAPI schema
documents; `runtime` loads the service once and shares it; `page/` is the Gradio chat.
"""
