"""The interactive API documentation: Swagger UI at `/docs`, ReDoc at `/redoc`.

Their scripts, styles and icon come from the installed `fastapi-offline` package, served by
this server under `/docs-assets`, so the pages work on an intranet without internet and
nothing is fetched from anywhere else (Swagger UI's online validator is off). Like
`/openapi.json` they need no key: they describe the API and hold no data; a developer enters a
key under "Authorize" to try a route.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}  # its default sends the schema to swagger.io
# The browser itself holds the pages to this server: ReDoc's sidebar would fetch Redocly's
# logo from their CDN. Inline scripts and styles are how both pages start and draw.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'"
)


def add_offline_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc on `app`, which must be made with `docs_url=None, redoc_url=None`."""
    assets = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _confined(
            get_swagger_ui_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{app.title} – Swagger UI",
                oauth2_redirect_url=f"{root}{oauth2_redirect}",
                swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
                swagger_ui_parameters={
                    **(app.swagger_ui_parameters or {}),
                    **SWAGGER_UI_PARAMETERS,
                },
            )
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return _confined(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _confined(
            get_redoc_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{app.title} – ReDoc",
                redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
                with_google_fonts=False,
            )
        )


def _confined(page: HTMLResponse) -> HTMLResponse:
    """The page with its Content-Security-Policy (`SecurityHeaders` adds frame-ancestors)."""
    page.headers["Content-Security-Policy"] = DOCS_CSP
    return page
