"""What the API takes and answers (issue 24): pydantic models, from which the OpenAPI document is made
by the same code that validates (django-ninja)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from accounts.registry import Verdict
from archive.exports import FORMATS
from screening.services import MAX_DRAFT_LENGTH


class Error(Schema):
    """Every refusal: a Japanese sentence, and for bad input the field(s) it is about."""

    error: str
    field: str | None = Field(None, description="入力の誤り（400）のとき、最初の誤りの項目名")
    fields: list[str] | None = Field(None, description="入力の誤り（400）のとき、誤りのある項目名のすべて")


# --- registry -----------------------------------------------------------------------------------


class _Open(Schema):
    # Other keys may be added (the registries' federation adds some): a client ignores what it does not know.
    model_config = ConfigDict(extra="allow")


class RegistryAccount(_Open):
    department: str
    platform: str
    display_name: str
    handle: str
    profile_url: str
    status: str
    status_label: str
    verification: str
    platform_verified: bool | None
    platform_verification_read_on: date | None
    platform_verification: str
    homepage_url: str
    suspension_reason: str
    notice_ends_on: date | None
    suspended_on: date | None
    successor_name: str
    successor_platform: str
    successor_handle: str
    successor_label: str
    successor_url: str


class RegistryList(_Open):
    publisher: str
    count: int
    accounts: list[RegistryAccount]


class Recognized(_Open):
    platform: str | None
    handle: str | None
    account_id: str | None


class Verification(_Open):
    query: str
    result: Literal[Verdict.KINDS] = Field(
        description="official, notice, suspended, closed, … （増えることがあります）"
    )
    official: bool
    message: str
    recognized: Recognized | None
    accounts: list[RegistryAccount]
    impersonations: list[dict]


# --- screening ----------------------------------------------------------------------------------


class ScreeningIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_DRAFT_LENGTH, description="下書き")
    account: int | None = Field(
        None,
        ge=1,
        description="投稿するアカウントのID（そのSNSの文字数と、同じアカウントの過去の下書きとの重複も見ます）",
    )
    platform: str | None = Field(
        None, max_length=20, description="accountがないとき、文字数を見るSNSのコード（x, instagram など）"
    )


class Finding(Schema):
    code: str
    clause: str = Field(description="ガイドラインの条項（コード内のID）")
    clause_label: str = Field(description="利用者が読む条項の番号")
    message: str
    start: int
    end: int


class ScreeningOut(Schema):
    account: int | None
    platform: str | None
    findings: list[Finding]


class ScreenableAccount(Schema):
    id: int
    display_name: str
    platform: str
    handle: str
    status: str


class ScreenableAccounts(Schema):
    accounts: list[ScreenableAccount]


# --- archive ------------------------------------------------------------------------------------


class ArchivedPost(Schema):
    id: int
    account: int
    account_name: str
    platform: str
    post_id: str
    url: str
    published_at: datetime | None
    text: str
    versions: int
    gone_at: datetime | None
    by_hand: bool


class ArchiveSearch(Schema):
    page: int
    per_page: int
    total: int = Field(description="件数（more が true なら、少なくともこの件数）")
    more: bool
    has_next: bool
    posts: list[ArchivedPost]


class ExportIn(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    account: int = Field(ge=1)
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    format: Literal[FORMATS] = "csv"


# --- incidents ----------------------------------------------------------------------------------


class IncidentAccount(Schema):
    id: int
    display_name: str
    platform: str
    handle: str
    department: str


class IncidentSummary(Schema):
    id: int
    account: IncidentAccount
    kind: str
    kind_label: str
    status: Literal["open", "closed"]
    title: str
    opened_at: datetime
    closed_at: datetime | None


class IncidentList(Schema):
    page: int
    pages: int
    count: int
    incidents: list[IncidentSummary]


class IncidentStep(Schema):
    label: str
    done_at: datetime | None
    done_by: str | None
    note: str


class IncidentEvidence(Schema):
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class Incident(IncidentSummary):
    description: str
    anomaly: str
    reported_to_head_at: datetime | None
    reported_to_ciso_at: datetime | None
    steps: list[IncidentStep]
    evidence: list[IncidentEvidence]
