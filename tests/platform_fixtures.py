"""API answers written by hand in the shapes the platforms' references document, with invented data.

Never a copied response of a real account: every ID, name and text here is made up.
"""

# --- Bluesky (AT Protocol lexicons app.bsky.actor.defs#profileViewDetailed, app.bsky.feed.getAuthorFeed)

BSKY_DID = "did:plc:k0maecity7example2invented"


def bluesky_profile(
    handle="komae-city.bsky.social",
    did=BSKY_DID,
    display_name="狛江市",
    description="狛江市 の公式アカウントです。市政情報をお届けします。 https://www.city.komae.tokyo.jp/",
):
    return {
        "did": did,
        "handle": handle,
        "displayName": display_name,
        "description": description,
        "avatar": "https://cdn.example.invalid/avatar.jpg",
        "followersCount": 1234,
        "followsCount": 12,
        "postsCount": 345,
        "indexedAt": "2026-04-01T00:00:00.000Z",
        "createdAt": "2024-04-01T00:00:00.000Z",
        "labels": [],
    }


def bluesky_feed(created_at="2026-11-20T09:00:00.000Z", did=BSKY_DID):
    if created_at is None:
        return {"feed": []}
    post = {
        "uri": f"at://{did}/app.bsky.feed.post/3kinventedpost",
        "cid": "bafyreiinventedcidinventedcidinventedcid",
        "author": {"did": did, "handle": "komae-city.bsky.social", "displayName": "狛江市"},
        "record": {"$type": "app.bsky.feed.post", "text": "市からのお知らせです。", "createdAt": created_at},
        "replyCount": 0,
        "repostCount": 1,
        "likeCount": 3,
        "indexedAt": created_at,
        "labels": [],
    }
    return {"cursor": "2026-11-20T09:00:00.000Z", "feed": [{"post": post}]}


def bluesky_post(rkey, text, created_at, *, did=BSKY_DID, links=(), images=(), repost_by=None):
    """One app.bsky.feed.defs#feedViewPost: a post (app.bsky.feed.post record) with link facets
    (app.bsky.richtext.facet#link) and an images embed view (app.bsky.embed.images#view); with
    `repost_by`, someone else's post that the account reposted (reason app.bsky.feed.defs#reasonRepost)."""
    author = did if repost_by is None else "did:plc:anotherauthorinvented0000"
    facets = [
        {
            "index": {"byteStart": 0, "byteEnd": len(uri.encode())},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
        }
        for uri in links
    ]
    post = {
        "uri": f"at://{author}/app.bsky.feed.post/{rkey}",
        "cid": f"bafyreiinvented{rkey}",
        "author": {"did": author, "handle": "komae-city.bsky.social", "displayName": "狛江市"},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": created_at, "facets": facets},
        "indexedAt": created_at,
        "labels": [],
    }
    if images:
        post["embed"] = {
            "$type": "app.bsky.embed.images#view",
            "images": [{"thumb": f"{u}@thumb", "fullsize": u, "alt": ""} for u in images],
        }
    item = {"post": post}
    if repost_by:
        item["reason"] = {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": {"did": repost_by, "handle": "komae-city.bsky.social"},
            "indexedAt": created_at,
        }
    return item


def bluesky_feed_page(items, cursor=None):
    """app.bsky.feed.getAuthorFeed's output: {cursor?, feed: [feedViewPost]}."""
    return {"feed": list(items), **({"cursor": cursor} if cursor else {})}


def bluesky_actor(did, handle, name, bio="", *, avatar=None, created_at=None):
    """One app.bsky.actor.defs#profileView, as searchActors lists them (avatar and createdAt optional)."""
    actor = {"did": did, "handle": handle, "displayName": name, "description": bio, "labels": []}
    if avatar is not None:
        actor["avatar"] = avatar
    if created_at is not None:
        actor["createdAt"] = created_at
    actor["indexedAt"] = "2026-11-01T00:00:00.000Z"
    return actor


def bluesky_actors(*actors, cursor=None):
    """app.bsky.actor.searchActors's output: {cursor?, actors: [app.bsky.actor.defs#profileView]};
    each actor a (did, handle, name, bio) tuple or a bluesky_actor()."""
    return {
        "actors": [actor if isinstance(actor, dict) else bluesky_actor(*actor) for actor in actors],
        **({"cursor": cursor} if cursor else {}),
    }


def xrpc_error(error, message):
    """An XRPC error body: {"error": <name>, "message": <text>}."""
    return {"error": error, "message": message}


# --- YouTube (the channel's Atom feed feeds/videos.xml with the yt: and media: namespaces; Data API v3
# channels.list → youtube#channelListResponse; its error body {"error": {"code", "message", "errors"}})

YT_CHANNEL_ID = "UCk0maeC1tyInvented00001"  # UC + 22 characters, made up
YT_HANDLE = "komaecity_invented"


def youtube_feed(
    channel_id=YT_CHANNEL_ID,
    title="狛江市",
    published=("2026-11-20T09:00:00+00:00", "2026-10-01T03:00:00+00:00"),
    strip_uc=True,
):
    """The Atom feed; since late 2023 its yt:channelId may come without the "UC" prefix (strip_uc)."""
    feed_id = channel_id.removeprefix("UC") if strip_uc else channel_id
    entries = "".join(
        f"""
 <entry>
  <id>yt:video:inventedV{n:03d}</id>
  <yt:videoId>inventedV{n:03d}</yt:videoId>
  <yt:channelId>{channel_id}</yt:channelId>
  <title>市からのお知らせ {n}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=inventedV{n:03d}"/>
  <author>
   <name>{title}</name>
   <uri>https://www.youtube.com/channel/{channel_id}</uri>
  </author>
  <published>{when}</published>
  <updated>{when}</updated>
  <media:group>
   <media:title>市からのお知らせ {n}</media:title>
   <media:content url="https://www.youtube.com/v/inventedV{n:03d}?version=3"
    type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i.example.invalid/vi/inventedV{n:03d}/hqdefault.jpg" width="480" height="360"/>
   <media:description>狛江市の動画です。</media:description>
   <media:community>
    <media:starRating count="3" average="5.00" min="1" max="5"/>
    <media:statistics views="120"/>
   </media:community>
  </media:group>
 </entry>"""
        for n, when in enumerate(published)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={channel_id}"/>
 <id>yt:channel:{feed_id}</id>
 <yt:channelId>{feed_id}</yt:channelId>
 <title>{title}</title>
 <link rel="alternate" href="https://www.youtube.com/channel/{channel_id}"/>
 <author>
  <name>{title}</name>
  <uri>https://www.youtube.com/channel/{channel_id}</uri>
 </author>
 <published>2020-04-01T00:00:00+00:00</published>{entries}
</feed>
"""


def youtube_channels(
    channel_id=YT_CHANNEL_ID,
    title="狛江市",
    handle=YT_HANDLE,
    description="狛江市 の公式チャンネルです。市政情報を動画でお届けします。 https://www.city.komae.tokyo.jp/",
):
    """channels.list?part=snippet,status&id=…; channel_id None gives the empty list of a gone channel."""
    items = []
    if channel_id is not None:
        items.append(
            {
                "kind": "youtube#channel",
                "etag": "inventedEtag0001",
                "id": channel_id,
                "snippet": {
                    "title": title,
                    "description": description,
                    "customUrl": f"@{handle}",
                    "publishedAt": "2020-04-01T00:00:00Z",
                    "thumbnails": {"default": {"url": "https://yt3.example.invalid/a.jpg", "width": 88, "height": 88}},
                    "localized": {"title": title, "description": description},
                    "country": "JP",
                },
                "status": {"privacyStatus": "public", "isLinked": True, "longUploadsStatus": "allowed"},
            }
        )
    return {
        "kind": "youtube#channelListResponse",
        "etag": "inventedEtagList",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        "items": items,
    }


def youtube_channel_ids(channel_id):
    """channels.list?part=id&forHandle=@…: just the ID of the channel that holds the handle."""
    items = [{"kind": "youtube#channel", "etag": "inventedEtagId", "id": channel_id}] if channel_id else []
    return {
        "kind": "youtube#channelListResponse",
        "etag": "inventedEtagIds",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        "items": items,
    }


def youtube_search_channel(channel_id, title, *, description="", published_at="2026-10-01T00:00:00Z", avatar=None):
    """One youtube#searchResult of search.list?part=snippet&type=channel: id.channelId and its snippet."""
    thumbnail = avatar or f"https://yt3.example.invalid/{channel_id}/default.jpg"
    return {
        "kind": "youtube#searchResult",
        "etag": f"inventedEtag{channel_id[-4:]}",
        "id": {"kind": "youtube#channel", "channelId": channel_id},
        "snippet": {
            "publishedAt": published_at,
            "channelId": channel_id,
            "title": title,
            "description": description,
            "thumbnails": {
                "default": {"url": thumbnail},
                "medium": {"url": thumbnail.replace("default", "medium")},
                "high": {"url": thumbnail.replace("default", "high")},
            },
            "channelTitle": title,
            "liveBroadcastContent": "none",
            "publishTime": published_at,
        },
    }


def youtube_search(items, *, next_page_token=None):
    """search.list's youtube#searchListResponse."""
    body = {
        "kind": "youtube#searchListResponse",
        "etag": "inventedEtagSearch",
        "regionCode": "JP",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": 25},
        "items": list(items),
    }
    if next_page_token:
        body["nextPageToken"] = next_page_token
    return body


def youtube_channel_handles(*pairs):
    """channels.list?part=snippet&id=a,b: each channel's snippet with its customUrl (@handle)."""
    return {
        "kind": "youtube#channelListResponse",
        "etag": "inventedEtagHandles",
        "pageInfo": {"totalResults": len(pairs), "resultsPerPage": 50},
        "items": [
            {
                "kind": "youtube#channel",
                "etag": "inventedEtagH",
                "id": cid,
                "snippet": {"title": "", "customUrl": f"@{h}"},
            }
            for cid, h in pairs
        ],
    }


def google_api_error(code, reason, message):
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.quota", "reason": reason}],
        }
    }


# --- note (the creator's RSS 2.0 feed https://note.com/<note ID>/rss, with the media: and note: namespaces)

NOTE_ID = "komae_note_inv"  # note IDs: 3–16 letters, digits and _


def note_rss(
    note_id=NOTE_ID,
    title="狛江市",
    description="狛江市 の公式noteです。市の取り組みを紹介します。 https://www.city.komae.tokyo.jp/",
    pub_dates=("Fri, 20 Nov 2026 18:00:00 +0900", "Mon, 02 Nov 2026 10:00:00 +0900"),
):
    items = "".join(
        f"""
  <item>
   <title>狛江の取り組み {n}</title>
   <media:thumbnail>https://assets.example.invalid/{note_id}/{n}.png</media:thumbnail>
   <description><![CDATA[<p>市の取り組みを紹介します。</p><a href='https://note.com/{note_id}/n/ninvented{n:04d}'>続きをみる</a>]]></description>
   <note:creatorImage>https://assets.example.invalid/{note_id}/icon.png</note:creatorImage>
   <note:creatorName>{title}</note:creatorName>
   <pubDate>{when}</pubDate>
   <link>https://note.com/{note_id}/n/ninvented{n:04d}</link>
   <guid>https://note.com/{note_id}/n/ninvented{n:04d}</guid>
  </item>"""
        for n, when in enumerate(pub_dates)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:media="http://search.yahoo.com/mrss/" xmlns:note="https://note.com"
     xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
 <channel>
  <title>{title}</title>
  <image>
   <url>https://assets.example.invalid/{note_id}/icon.png</url>
   <title>{title}</title>
   <link>https://note.com/{note_id}</link>
  </image>
  <description>{description}</description>
  <link>https://note.com/{note_id}</link>
  <atom:link rel="self" type="application/rss+xml" href="https://note.com/{note_id}/rss"/>
  <copyright>{title}</copyright>
  <lastBuildDate>Fri, 20 Nov 2026 18:05:00 +0900</lastBuildDate>{items}
 </channel>
</rss>
"""


def billion_laughs(root="rss"):
    """A feed that declares nested entities (the billion laughs attack); it must be refused unread."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{entities}]>\n'
        f'<{root} version="2.0"><channel><title>&lol9;</title><description>x</description></channel></{root}>'
    )


def external_entity_feed(path="/etc/hostname"):
    """A feed whose title is an external entity (XXE): the file must never be read into a reading."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{path}">]>\n'
        '<rss version="2.0"><channel><title>&x;</title><description>x</description></channel></rss>'
    )


# --- APIs with a credential (LINE Messaging API, Meta Graph / Threads API, X API v2, TikTok Display API)

# Invented tokens: tests assert they travel only in the Authorization header and are stored nowhere.
LINE_TOKEN = "line-channel-token-invented-0123456789abcdef"
GRAPH_TOKEN = "EAAGinventedgraphtoken0123456789abcdef"
X_TOKEN = "AAAAAAAAAAAAAAAAAAAAAinventedXbearer0123456789"
TIKTOK_TOKEN = "act.inventedtiktoktoken0123456789abcdef"

LINE_USER_ID = "U4af4980629invented0000000000000"
FB_PAGE_ID = "100000000000001"
IG_USER_ID = "17841400000000001"
THREADS_USER_ID = "25000000000000001"
X_USER_ID = "1500000000000000001"
X_USERNAME = "komae_city_inv"  # X usernames: 15 characters at most
TIKTOK_OPEN_ID = "-000Invented-Open-Id-Komae00000"

KOMAE_BIO = "狛江市 の公式アカウントです。市政情報をお届けします。 https://www.city.komae.tokyo.jp/"


def line_bot_info(user_id=LINE_USER_ID, basic_id="@123komae", display_name="狛江市", premium_id=None):
    """Messaging API GET /v2/bot/info (premiumId and pictureUrl only when set)."""
    info = {
        "userId": user_id,
        "basicId": basic_id,
        "displayName": display_name,
        "pictureUrl": "https://profile.line-scdn.example.invalid/invented",
        "chatMode": "bot",
        "markAsReadMode": "auto",
    }
    if premium_id:
        info["premiumId"] = premium_id
    return info


def line_error(message="Authentication failed. Confirm that the access token in the authorization header is valid."):
    """A Messaging API error body: {"message": …}."""
    return {"message": message}


def line_public_page(name="狛江市", description=KOMAE_BIO):
    """The public page.line.me profile as Open Graph tags."""
    return (
        f'<html><head><meta property="og:title" content="{name}">'
        f'<meta property="og:description" content="{description}"></head><body></body></html>'
    )


def graph_page(page_id=FB_PAGE_ID, name="狛江市", about=KOMAE_BIO, website="https://www.city.komae.tokyo.jp/"):
    """Graph API GET /<page-id>?fields=id,name,username,about,link,website."""
    return {
        "id": page_id,
        "name": name,
        "username": "komae.city.invented",
        "about": about,
        "link": "https://www.facebook.com/komae.city.invented",
        "website": website,
    }


def graph_posts(created_time="2026-11-20T09:00:00+0000", page_id=FB_PAGE_ID):
    """Graph API GET /<page-id>/posts?limit=1&fields=created_time."""
    if created_time is None:
        return {"data": []}
    return {
        "data": [{"created_time": created_time, "id": f"{page_id}_900000000000001"}],
        "paging": {"cursors": {"before": "QVFIinvented", "after": "QVFIinvented2"}},
    }


def ig_user(user_id=IG_USER_ID, username="komae_city_invented", name="狛江市", biography=KOMAE_BIO):
    """Instagram Graph API GET /<ig-user-id>?fields=id,username,name,biography,website,media_count."""
    return {
        "id": user_id,
        "username": username,
        "name": name,
        "biography": biography,
        "website": "https://www.city.komae.tokyo.jp/",
        "media_count": 321,
    }


def ig_media(timestamp="2026-11-20T09:00:00+0000"):
    """Instagram Graph API GET /<ig-user-id>/media?limit=1&fields=timestamp."""
    if timestamp is None:
        return {"data": []}
    return {"data": [{"timestamp": timestamp, "id": "18000000000000001"}], "paging": {"cursors": {}}}


def threads_user(user_id=THREADS_USER_ID, username="komae_city_invented", name="狛江市", biography=KOMAE_BIO):
    """Threads API GET /v1.0/me?fields=id,username,name,threads_biography."""
    return {"id": user_id, "username": username, "name": name, "threads_biography": biography}


def threads_posts(timestamp="2026-11-20T09:00:00+0000"):
    """Threads API GET /v1.0/me/threads?limit=1&fields=id,timestamp."""
    if timestamp is None:
        return {"data": []}
    return {"data": [{"id": "18100000000000001", "timestamp": timestamp}], "paging": {"cursors": {}}}


def graph_error(code, message, *, subcode=None, kind="OAuthException"):
    """A Graph API error: {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}."""
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AinventedTrace01"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def x_user(user_id=X_USER_ID, username=X_USERNAME, name="狛江市", description=KOMAE_BIO):
    """X API v2 GET /2/users/by/username/<username>?user.fields=…"""
    return {
        "data": {
            "id": user_id,
            "name": name,
            "username": username,
            "description": description,
            "url": "https://t.co/inventedurl",
            "entities": {
                "url": {
                    "urls": [
                        {
                            "start": 0,
                            "end": 23,
                            "url": "https://t.co/inventedurl",
                            "expanded_url": "https://www.city.komae.tokyo.jp/",
                            "display_url": "city.komae.tokyo.jp",
                        }
                    ]
                }
            },
            "created_at": "2012-04-01T00:00:00.000Z",
            "most_recent_tweet_id": "1860000000000000001",
            "protected": False,
        }
    }


def x_tweets(created_at="2026-11-20T09:00:00.000Z"):
    """X API v2 GET /2/users/<id>/tweets?max_results=5&tweet.fields=created_at (newest first)."""
    if created_at is None:
        return {"meta": {"result_count": 0}}
    return {
        "data": [{"id": "1860000000000000001", "text": "市からのお知らせです。", "created_at": created_at}],
        "meta": {"result_count": 1, "newest_id": "1860000000000000001", "oldest_id": "1860000000000000001"},
    }


def x_not_found(username=X_USERNAME):
    """X answers a missing user with HTTP 200 and an errors list."""
    return {
        "errors": [
            {
                "value": username,
                "detail": f"Could not find user with username: [{username}].",
                "title": "Not Found Error",
                "resource_type": "user",
                "parameter": "username",
                "resource_id": username,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ]
    }


def x_suspended(username=X_USERNAME):
    """A suspended user: HTTP 200, errors with title Forbidden and 'User has been suspended'."""
    return {
        "errors": [
            {
                "value": username,
                "detail": f"User has been suspended: [{username}].",
                "title": "Forbidden",
                "resource_type": "user",
                "parameter": "username",
                "resource_id": username,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ]
    }


def x_search_user(user_id, username, name, *, description="", created_at="2026-11-01T00:00:00.000Z", image=None):
    """One user of GET /2/users/search?user.fields=created_at,description,profile_image_url."""
    return {
        "id": user_id,
        "name": name,
        "username": username,
        "created_at": created_at,
        "description": description,
        "profile_image_url": image or f"https://pbs.example.invalid/profile_images/{user_id}/normal.jpg",
        "protected": False,
    }


def x_users_search(users, *, next_token=None):
    """GET /2/users/search's answer: {data: [user], meta: {result_count, next_token?}}."""
    meta = {"result_count": len(users), **({"next_token": next_token} if next_token else {})}
    return {"data": list(users), "meta": meta} if users else {"meta": meta}


def x_client_forbidden():
    """The 403 of an app whose access level does not include the endpoint (reason client-not-enrolled)."""
    return {
        "client_id": "00000000",
        "detail": "This app is not enrolled for this endpoint (invented text).",
        "registration_url": "https://developer.x.com/en/portal/product",
        "title": "Client Forbidden",
        "required_enrollment": "Appropriate Level of API Access",
        "reason": "client-not-enrolled",
        "type": "https://api.twitter.com/2/problems/client-forbidden",
    }


def x_unsupported_authentication():
    """The 403 of an endpoint that does not take an app-only bearer token (user context only)."""
    return {
        "title": "Unsupported Authentication",
        "detail": "Application-only authentication is not accepted here (invented text).",
        "type": "https://api.twitter.com/2/problems/unsupported-authentication",
        "status": 403,
    }


def x_problem(status=429, title="Too Many Requests", detail="Too Many Requests"):
    """A request-level problem (RFC 7807 style): {"title", "detail", "type", "status"}."""
    return {"title": title, "detail": detail, "type": "about:blank", "status": status}


def tiktok_user(open_id=TIKTOK_OPEN_ID, username="komae_city_invented", display_name="狛江市", bio=KOMAE_BIO):
    """TikTok Display API GET /v2/user/info/?fields=…: {"data": {"user": …}, "error": {"code": "ok"}}."""
    return {
        "data": {
            "user": {
                "open_id": open_id,
                "union_id": "invented-union-id-0001",
                "display_name": display_name,
                "bio_description": bio,
                "profile_deep_link": "https://vm.tiktok.example.invalid/invented/",
                "username": username,
            }
        },
        "error": {"code": "ok", "message": "", "log_id": "20261125000000INVENTED0001"},
    }


def tiktok_error(code="access_token_invalid", message="The access token is invalid or not found in the request."):
    return {"error": {"code": code, "message": message, "log_id": "20261125000000INVENTED0002"}}


# --- The posts of the accounts with a credential (issue 22), one page at a time --------------------


def x_post(post_id, text, created_at, *, edit_history=None, urls=(), media_keys=(), note_text=None):
    """One post of X API v2 GET /2/users/:id/tweets with tweet.fields=created_at,entities,attachments,
    edit_history_tweet_ids(,note_tweet): `edit_history_tweet_ids` lists every version, oldest first."""
    post = {
        "id": post_id,
        "text": text,
        "created_at": created_at,
        "edit_history_tweet_ids": list(edit_history or [post_id]),
    }
    if urls:
        post["entities"] = {
            "urls": [
                {
                    "start": 0,
                    "end": 23,
                    "url": f"https://t.co/invented{n}",
                    "expanded_url": url,
                    "display_url": url.removeprefix("https://")[:25],
                }
                for n, url in enumerate(urls)
            ]
        }
    if media_keys:
        post["attachments"] = {"media_keys": list(media_keys)}
    if note_text is not None:
        post["note_tweet"] = {"text": note_text}
    return post


def x_media(media_key, kind="photo", url=None):
    """includes.media[] (media.fields=url,preview_image_url,type): a photo has `url`, a video a still."""
    media = {"media_key": media_key, "type": kind}
    media["url" if kind == "photo" else "preview_image_url"] = url or f"https://pbs.example.invalid/{media_key}.jpg"
    return media


def x_timeline(posts, *, media=(), next_token=None):
    """The timeline page: {data, includes.media, meta {result_count, newest_id, oldest_id, next_token?}}."""
    if not posts:
        return {"meta": {"result_count": 0}}
    ids = [post["id"] for post in posts if isinstance(post, dict)] or ["0"]
    meta = {"result_count": len(posts), "newest_id": ids[0], "oldest_id": ids[-1]}
    if next_token:
        meta["next_token"] = next_token
    page = {"data": list(posts), "meta": meta}
    if media:
        page["includes"] = {"media": list(media)}
    return page


def graph_edge(items, *, after=None):
    """A Graph API edge page: {data, paging {cursors {before, after}, next?}} — `next` only when there is a
    next page (the reference: its absence means the last page)."""
    page = {
        "data": list(items),
        "paging": {"cursors": {"before": "QVFIUinventedBefore", "after": after or "QVFIUlast"}},
    }
    if after:
        page["paging"]["next"] = f"https://graph.example.invalid/next?after={after}"
    return page


def fb_post(n, message, created_time, *, image=None, link=None):
    """GET /<page-id>/posts?fields=id,message,created_time,permalink_url,attachments{media,url}."""
    post = {
        "id": f"{FB_PAGE_ID}_90000000000{n:04d}",
        "message": message,
        "created_time": created_time,
        "permalink_url": f"https://www.facebook.com/komae.city.invented/posts/pfbidInvented{n:04d}",
    }
    if image or link:
        attachment = {"url": link or f"https://www.facebook.com/photo.php?fbid=80000000000{n:04d}"}
        if image:
            attachment["media"] = {"image": {"height": 720, "src": image, "width": 960}}
        post["attachments"] = {"data": [attachment]}
    return post


def ig_post(n, caption, timestamp, *, media_type="IMAGE", media_url=None):
    """GET /<ig-user-id>/media?fields=id,caption,timestamp,permalink,media_url,media_type."""
    return {
        "id": f"1800000000000{n:04d}",
        "caption": caption,
        "timestamp": timestamp,
        "permalink": f"https://www.instagram.com/p/Invented{n:04d}/",
        "media_url": media_url or f"https://scontent.example.invalid/ig/{n:04d}.jpg",
        "media_type": media_type,
    }


def threads_post(n, text, timestamp, *, media_type="TEXT_POST", media_url=None):
    """GET /<threads-user-id>/threads?fields=id,text,timestamp,permalink,media_url,media_type."""
    post = {
        "id": f"1810000000000{n:04d}",
        "text": text,
        "timestamp": timestamp,
        "permalink": f"https://www.threads.com/@komae_city_invented/post/Invented{n:04d}",
        "media_type": media_type,
    }
    if media_url:
        post["media_url"] = media_url
    if media_type == "REPOST_FACADE":
        del post["text"]
    return post


def tiktok_video(n, create_time, *, title="", description="狛江市の動画です。"):
    """One of POST /v2/video/list/'s data.videos (fields id,create_time,title,video_description,share_url,
    cover_image_url); create_time is a Unix time in seconds."""
    return {
        "id": f"73000000000000{n:05d}",
        "create_time": create_time,
        "title": title,
        "video_description": description,
        "share_url": f"https://www.tiktok.com/@komae_city_invented/video/73000000000000{n:05d}",
        "cover_image_url": f"https://p16.example.invalid/cover/{n:05d}.jpeg",
    }


def tiktok_videos(videos, *, cursor=1700000000000, has_more=False):
    """POST /v2/video/list/: {data {videos, cursor (ms), has_more}, error {code: ok}}."""
    return {
        "data": {"videos": list(videos), "cursor": cursor, "has_more": has_more},
        "error": {"code": "ok", "message": "", "log_id": "20261125000000INVENTED0003"},
    }


def youtube_upload(video_id, title, published, *, description="狛江市の動画です。", private=False):
    """A youtube#playlistItem of the uploads playlist (part=snippet,contentDetails); a private video has
    no videoPublishedAt and the title 「Private video」."""
    item = {
        "kind": "youtube#playlistItem",
        "etag": f"inventedEtag{video_id}",
        "id": f"VVVrMG1hZUMxdHlJbnZlbnRlZDAwMDAx{video_id}",
        "snippet": {
            "publishedAt": published,
            "channelId": YT_CHANNEL_ID,
            "title": "Private video" if private else title,
            "description": "This video is private." if private else description,
            "thumbnails": {}
            if private
            else {
                "default": {"url": f"https://i.example.invalid/vi/{video_id}/default.jpg", "width": 120, "height": 90},
                "high": {"url": f"https://i.example.invalid/vi/{video_id}/hqdefault.jpg", "width": 480, "height": 360},
            },
            "channelTitle": "狛江市",
            "playlistId": "UU" + YT_CHANNEL_ID.removeprefix("UC"),
            "position": 0,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
            "videoOwnerChannelTitle": "狛江市",
            "videoOwnerChannelId": YT_CHANNEL_ID,
        },
        "contentDetails": {"videoId": video_id},
    }
    if not private:
        item["contentDetails"]["videoPublishedAt"] = published
    return item


def youtube_uploads(items, *, next_page_token=None):
    """playlistItems.list → youtube#playlistItemListResponse (nextPageToken on every page but the last)."""
    page = {
        "kind": "youtube#playlistItemListResponse",
        "etag": "inventedEtagUploads",
        "items": list(items),
        "pageInfo": {"totalResults": 120, "resultsPerPage": 50},
    }
    if next_page_token:
        page["nextPageToken"] = next_page_token
    return page


# --- Media files: just the signatures and a little padding (invented bytes, not real pictures)

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF_BYTES = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32
WEBP_BYTES = b"RIFF\x40\x00\x00\x00WEBPVP8 " + b"\x00" * 56
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 32


def profile_page(name, description, *, identifier="", links=("https://www.city.komae.tokyo.jp/",)):
    """A public profile page in the schema.org shape the generic reader takes: ProfilePage JSON-LD with a
    mainEntity Person, Open Graph tags, links in the body."""
    import html as _html
    import json as _json

    entity = {"@type": "Person", "name": name, "identifier": identifier, "description": description}
    data = {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": entity}
    anchors = "".join(f'<a href="{_html.escape(link)}">{_html.escape(link)}</a>' for link in links)
    return (
        f"<!doctype html><html><head><title>{_html.escape(name)}</title>"
        f'<meta property="og:title" content="{_html.escape(name)}">'
        f'<meta property="og:description" content="{_html.escape(description)}">'
        f'<script type="application/ld+json">{_json.dumps(data, ensure_ascii=False)}</script>'
        f"</head><body>{anchors}</body></html>"
    )


# --- verification badges (P-7-3, issue 23): the fields the platforms' references document, added to the
# answers above (kept apart from them so that the answers without a badge stay exactly as they were).


def bluesky_verification(verified_status, issuer="did:plc:inventedtrustedverifier0"):
    """app.bsky.actor.defs#verificationState: one trusted verifier's verification, and the status the
    AppView derives from it (valid, invalid or none)."""
    return {
        "verifications": [
            {
                "issuer": issuer,
                "uri": f"at://{issuer}/app.bsky.graph.verification/3linventedver2a",
                "isValid": verified_status == "valid",
                "createdAt": "2026-05-01T00:00:00.000Z",
            }
        ],
        "verifiedStatus": verified_status,
        "trustedVerifierStatus": "none",
    }


def bluesky_profile_with_badge(verified_status=None, **profile):
    """bluesky_profile(**profile) with its `verification` when `verified_status` is given."""
    answer = bluesky_profile(**profile)
    if verified_status is not None:
        answer["verification"] = bluesky_verification(verified_status)
    return answer


def x_user_with_badge(verified_type, **user):
    """x_user(**user) with `verified_type` (blue, business, government, none), as user.fields=verified_type
    returns it."""
    answer = x_user(**user)
    answer["data"]["verified_type"] = verified_type
    return answer
