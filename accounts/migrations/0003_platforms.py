from django.db import migrations

# G-2: the services the city uses or may use. Platforms are data; a sysadmin edits them in the admin.
PLATFORMS = [
    # code, name, former name, operator, hosts, profile URL, follower word, post word, verification, max length
    (
        "x",
        "X",
        "ツイッター",
        "X Corp.",
        "x.com twitter.com",
        "https://x.com/{handle}",
        "フォロワー",
        "ポスト",
        True,
        140,
    ),
    (
        "facebook",
        "Facebook",
        "フェイスブック",
        "Meta Platforms, Inc.",
        "facebook.com fb.com",
        "https://www.facebook.com/{handle}",
        "フォロワー",
        "投稿",
        True,
        63206,
    ),
    (
        "instagram",
        "Instagram",
        "",
        "Meta Platforms, Inc.",
        "instagram.com",
        "https://www.instagram.com/{handle}/",
        "フォロワー",
        "投稿",
        True,
        2200,
    ),
    (
        "line",
        "LINE",
        "",
        "LINEヤフー株式会社",
        "line.me page.line.me lin.ee",
        "https://page.line.me/{handle}",
        "友だち",
        "メッセージ",
        True,
        5000,
    ),
    (
        "youtube",
        "YouTube",
        "",
        "Google LLC",
        "youtube.com youtu.be",
        "https://www.youtube.com/@{handle}",
        "チャンネル登録者",
        "動画",
        True,
        5000,
    ),
    (
        "tiktok",
        "TikTok",
        "",
        "TikTok Pte. Ltd.",
        "tiktok.com",
        "https://www.tiktok.com/@{handle}",
        "フォロワー",
        "動画",
        True,
        4000,
    ),
    (
        "threads",
        "Threads",
        "",
        "Meta Platforms, Inc.",
        "threads.com threads.net",
        "https://www.threads.com/@{handle}",
        "フォロワー",
        "投稿",
        True,
        500,
    ),
    (
        "bluesky",
        "Bluesky",
        "",
        "Bluesky Social, PBC",
        "bsky.app",
        "https://bsky.app/profile/{handle}",
        "フォロワー",
        "投稿",
        True,
        300,
    ),
    ("note", "note", "", "note株式会社", "note.com", "https://note.com/{handle}", "フォロワー", "記事", False, None),
]


def seed_platforms(apps, schema_editor):
    Platform = apps.get_model("accounts", "Platform")
    for order, row in enumerate(PLATFORMS, start=1):
        code, name, former, operator, hosts, template, follower, post, verification, length = row
        Platform.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "former_name": former,
                "operator": operator,
                "hosts": hosts,
                "profile_url_template": template,
                "follower_word": follower,
                "post_word": post,
                "verification_available": verification,
                "max_post_length": length,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(seed_platforms, migrations.RunPython.noop)]
