"""The HTTP API's bodies for the library: documents, their versions, paragraphs and changes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.service import DocumentView
from assistant.storage.versions import DocumentRecord, Status, VersionRecord
from assistant.web import examples


class VersionOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.VERSION]})

    version: int
    label: str
    effective_date: str
    status: Status = Field(description="in_force, superseded, upcoming or withdrawn, today.")
    withdrawn: bool = Field(description="A withdrawal: from its date the document has no text.")
    content_hash: str
    ingested_at: str
    chunk_count: int = Field(description="Its paragraphs (chunks).")

    @classmethod
    def of(cls, version: VersionRecord, record: DocumentRecord) -> VersionOut:
        return cls(
            version=version.version,
            label=version.label,
            effective_date=version.effective_date,
            status=record.status(version),
            withdrawn=version.withdrawn,
            content_hash=version.content_hash,
            ingested_at=version.ingested_at,
            chunk_count=version.chunk_count,
        )


class DocumentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.DOCUMENT_OUT]})

    id: str
    title: str
    organisation: str | None
    document_type: str | None
    status: Status = Field(
        description="in_force, withdrawn, or upcoming (not yet in force); superseded when the "
        "version in force is one the caller may not read."
    )
    in_force: VersionOut | None = Field(
        description="The version in force today, if any and if the caller may read it."
    )
    versions: list[VersionOut] = Field(
        description="Every version the caller may read, oldest first by date; the others are "
        "left out, and no earlier version is in force in their place."
    )
    chunks: int = Field(description="Paragraphs of the version in force.")
    withdrawn_on: str | None = Field(description="Since when the document is withdrawn.")

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentOut:
        return cls(
            id=record.doc_id,
            title=record.title,
            organisation=record.organisation,
            document_type=record.document_type,
            status=record.state,
            in_force=VersionOut.of(record.live, record) if record.live else None,
            versions=[VersionOut.of(v, record) for v in record.versions],
            chunks=record.chunks,
            withdrawn_on=record.withdrawn_on,
        )


class DocumentsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.DOCUMENTS]})

    documents: list[DocumentOut]


class SectionOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SECTION]})

    section: str = Field(description="The heading trail.")
    paragraphs: list[str] = Field(description="Verbatim paragraphs in reading order.")

    @staticmethod
    def grouped(paragraphs: list[tuple[str, str]]) -> list[SectionOut]:
        sections: list[SectionOut] = []
        for section, text in paragraphs:
            if not sections or sections[-1].section != section:
                sections.append(SectionOut(section=section, paragraphs=[]))
            sections[-1].paragraphs.append(text)
        return sections


class DocumentDetailOut(DocumentOut):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.DOCUMENT_DETAIL]})

    metadata: dict[str, str] = Field(description="The version in force's front matter.")
    sections: list[SectionOut]

    @classmethod
    def of_view(cls, view: DocumentView) -> DocumentDetailOut:
        live = view.record.live
        return cls(
            **DocumentOut.of(view.record).model_dump(),
            metadata=live.metadata if live else {},
            sections=SectionOut.grouped([(p.section, p.text) for p in view.passages]),
        )


class VersionTextOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.VERSION_TEXT]})

    document: str
    title: str
    version: VersionOut
    sections: list[SectionOut] = Field(description="That version's paragraphs, verbatim.")


class ParagraphChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: Literal["added", "removed", "changed"]
    section: str
    old: str | None = Field(description="The earlier version's text (None when added).")
    new: str | None = Field(description="The later version's text (None when removed).")


class ChangesOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.CHANGES]})

    document: str
    title: str
    old: VersionOut | None = Field(description="The earlier version (None: there is none).")
    new: VersionOut
    changes: list[ParagraphChangeOut] = Field(description="Paragraph by paragraph, in order.")
