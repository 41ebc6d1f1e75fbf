"""What an answer carries at the API's edge: its citations, each with a link to its paragraph,
what a language model wrote for it, and for "what changed" the versions it compared."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.storage.versions import Status
from assistant.types import Citation, ComparedVersions
from assistant.web import examples
from assistant.web.source_links import changes_api_link, source_link


class CitationOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.CITATION]}
    )

    id: str = Field(description="The paragraph's id in the index.")
    document: str = Field(description="The document's id.")
    title: str
    organisation: str | None
    section: str = Field(description="The heading trail of the paragraph.")
    version: str = Field(description="The document version: number and effective date.")
    effective_date: str | None = Field(description="The day that version took effect.")
    status: Status = Field(description="That version's status today.")
    text: str = Field(description="The paragraph, verbatim.")
    score: float = Field(description="Retrieval score; higher is more relevant.")
    link: str = Field(
        description=(
            "The paragraph in its document version, highlighted, for a browser signed in to "
            "the chat page: a path on this server (`/chat/source/{document}/{version}#p{n}`)."
        )
    )

    @model_validator(mode="before")
    @classmethod
    def _linked(cls, value: Any) -> Any:
        """A `Citation` is read with its link to the source view."""
        if isinstance(value, Citation):
            return {**asdict(value), "link": f"/chat/{source_link(value)}"}
        return value

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls.model_validate(citation)


class GenerationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    shown: list[str] = Field(description="Generated sentences shown, each checked.")
    removed: int = Field(description="Generated sentences held back by the check.")
    fell_back: bool = Field(description="True when the quoted answer was given instead.")
    reason: str | None = Field(description="Why it fell back.")


class ComparedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    document: str = Field(description="The document's id.")
    old: int = Field(description="The earlier version's number.")
    new: int = Field(description="The later version's number.")
    changes: int = Field(description="Paragraphs changed, added and removed between them.")
    link: str = Field(
        description=(
            "Every change between the two versions (the answer quotes the first few): "
            "`/v1/documents/{id}/changes?from=&to=`, the versions by their effective dates."
        )
    )

    @model_validator(mode="before")
    @classmethod
    def _linked(cls, value: Any) -> Any:
        """`ComparedVersions` are read with the link to the changes route."""
        if isinstance(value, ComparedVersions):
            return {**asdict(value), "link": changes_api_link(value)}
        return value
