"""A lookalike pass (issue 23): the platforms' account search, scored, kept as candidates — never the city's
own accounts, never one already judged unless it renames itself — through `discover_lookalikes` too."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Platform
from core.models import AuditEvent
from discovery.models import Candidate, SearchRun
from discovery.services import candidate_judge, discover
from tests.platform_fixtures import BSKY_DID, bluesky_actors
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

SEARCH = "/xrpc/app.bsky.actor.searchActors"
HANDLE = "komae-city.bsky.social"
FAKE_DID = "did:plc:fakek0mae0000000000000"
OWN = (BSKY_DID, HANDLE, "狛江市", "狛江市の公式アカウントです。")
FAKE = (FAKE_DID, "komae-c1ty.bsky.social", "狛江市【公式】", "狛江市からのお知らせ")
RAMEN = ("did:plc:ramen000000000000000000", "komae-ramen.bsky.social", "らーめん亭", "狛江駅前のラーメン屋です")


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)


def search_answers(bsky, *actors):
    bsky.server.RequestHandlerClass.answers.clear()
    bsky.answer(SEARCH, json=bluesky_actors(*actors))


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("discover_lookalikes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_a_pass_keeps_the_lookalike_and_neither_the_city_nor_a_shop_that_mentions_it(bsky, account):
    search_answers(bsky, OWN, FAKE, RAMEN)
    out, _ = run("--platform", "bluesky")
    (line,) = out.splitlines()
    assert line.startswith("Bluesky\t@komae-c1ty.bsky.social\t狛江市【公式】\t類似度")
    candidate = Candidate.objects.get()
    assert candidate.identity == f"id:{FAKE_DID}" and candidate.imitates == account
    assert candidate.reasons and all(r["words"] for r in candidate.reasons)
    assert candidate.source == Candidate.Source.SEARCH and candidate.state == Candidate.State.NEW
    assert AuditEvent.objects.for_object(candidate).get().actor_job == "discover_lookalikes"
    run_row = SearchRun.objects.get(platform__code="bluesky")
    assert run_row.queries >= 1 and run_row.results == 2 and run_row.new_candidates == 1  # its own is no result
    # The next pass finds the same account: nothing new is printed.
    out, _ = run("--platform", "bluesky")
    assert out == "" and Candidate.objects.count() == 1


def test_a_judged_account_comes_back_only_when_it_renames_itself(bsky, account, security_officer):
    search_answers(bsky, FAKE)
    (result,) = discover(platform_code="bluesky")
    (candidate,) = result.new
    candidate_judge(candidate_id=candidate.pk, actor=security_officer, verdict="unrelated", note="市民団体")
    search_answers(bsky, FAKE)
    assert discover(platform_code="bluesky")[0].new == []
    assert Candidate.objects.get().state == Candidate.State.UNRELATED
    renamed = (FAKE_DID, "komae-clty.bsky.social", "狛江市 公式", "")
    search_answers(bsky, renamed)
    (again,) = discover(platform_code="bluesky")[0].new
    assert again.pk == candidate.pk and again.state == Candidate.State.NEW and again.handle == renamed[1]
    assert "再確認" in AuditEvent.objects.for_object(again).latest("pk").summary


def test_a_platform_that_cannot_search_says_why_and_what_to_do_instead(account):
    out, err = run("--platform", "line")
    assert out == ""
    assert "LINE" in err and "検索" in err and "代わりに" in err and "通報" in err
    assert SearchRun.objects.get(platform__code="line").problem


def test_a_failing_search_is_recorded_with_why_and_keeps_nothing(bsky, account):
    bsky.server.RequestHandlerClass.answers.clear()
    bsky.answer(SEARCH, status=502, text="bad gateway", content_type="text/plain")
    (result,) = discover(platform_code="bluesky")
    assert result.new == [] and "HTTP 502" in result.problem
    assert Candidate.objects.count() == 0


def test_an_unknown_platform_code_is_refused_in_japanese(account):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SNSのコード「myspace」はありません"):
        run("--platform", "myspace")


def test_hostile_names_are_kept_bounded_and_printed_on_one_line(bsky, account):
    hostile = (
        "did:plc:hostile00000000000000000",
        "komae-clty.bsky.social",
        "狛江市\u202e公式\u200b" + "あ" * 10_000,
        "\x00狛江市",
    )
    search_answers(bsky, hostile)
    out, _ = run("--platform", "bluesky")
    assert out.count("\n") == 1 and "\u202e" not in out and "\\u202e" in out
    candidate = Candidate.objects.get()
    assert len(candidate.display_name) <= 200


def test_every_platform_is_passed_over_without_a_platform_given(bsky, account):
    search_answers(bsky, FAKE)
    results = discover()
    assert {r.platform.code for r in results} == set(Platform.objects.values_list("code", flat=True))


def _picture(kind: int) -> bytes:
    """A profile picture with something in it (a plain one has no hash): 0 a gradient with a block on
    the left, 1 a checkerboard — pictures nobody would take for each other."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 120), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    if kind == 0:
        for x in range(120):
            draw.line([(x, 0), (x, 119)], fill=(x * 2, x * 2, 200))
        draw.rectangle([10, 30, 50, 90], fill=(0, 0, 0))
    else:
        for x in range(0, 120, 15):
            for y in range(0, 120, 15):
                if (x + y) // 15 % 2:
                    draw.rectangle([x, y, x + 14, y + 14], fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_lookalike_that_reuses_the_official_picture_is_found_by_it(bsky, account):
    from tests.platform_fixtures import bluesky_actor

    own_picture, other_picture = _picture(0), _picture(1)
    own = bluesky_actor(BSKY_DID, HANDLE, "狛江市", avatar=f"{bsky.url}/img/own.png")
    # A name like the city's, a handle unlike any official one: only the picture tells the copy apart.
    copy = bluesky_actor(
        "did:plc:copy0000000000000000000",
        "tamagawa-news.bsky.social",
        "狛江のお知らせ",
        avatar=f"{bsky.url}/img/copy.jpg",
    )
    other = bluesky_actor(
        "did:plc:other000000000000000000",
        "tamagawa-info.bsky.social",
        "狛江のお知らせ",
        avatar=f"{bsky.url}/img/other.png",
    )
    search_answers(bsky, own, copy, other)
    bsky.answer("/img/own.png", body=own_picture, content_type="image/png")
    bsky.answer("/img/copy.jpg", body=own_picture, content_type="image/png")  # the same picture, elsewhere
    bsky.answer("/img/other.png", body=other_picture, content_type="image/png")
    discover(platform_code="bluesky")
    found = {c.handle: c for c in Candidate.objects.all()}
    assert "tamagawa-news.bsky.social" in found and "tamagawa-info.bsky.social" not in found
    assert any(r["code"] == "avatar" for r in found["tamagawa-news.bsky.social"].reasons)
    assert found["tamagawa-news.bsky.social"].avatar_hash is not None
