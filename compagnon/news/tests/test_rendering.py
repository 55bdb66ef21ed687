"""Blog rendering: each editors' job done, checked on the club's two seed posts and by rule."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import frontmatter
import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from compagnon.news.rendering import RENDERER_VERSION, RenderedPost, render_post

DATA = Path(__file__).parent / "data"
BINAIRE = "2021-03-23-binaire.md"
DATACRAFT = "2021-02-15-datacraft.md"
VOID = {"img", "br", "hr", "source", "input", "meta", "link", "wbr"}


class Tree(HTMLParser):
    """A small DOM: enough to ask what is inside what."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root: dict = {"tag": "#root", "attrs": {}, "children": [], "text": []}
        self.stack = [self.root]
        self.all: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = {"tag": tag, "attrs": dict(attrs), "children": [], "text": []}
        self.stack[-1]["children"].append(node)
        self.all.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth]["tag"] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1]["children"].append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict]:
        return [
            n
            for n in self.all
            if n["tag"] == tag and (cls is None or cls in n["attrs"].get("class", "").split())
        ]


def text_of(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(text_of(child) for child in node["children"])


def squash(text: str) -> str:
    return " ".join(text.split())


def children(node, tag: str) -> list[dict]:
    return [c for c in node["children"] if isinstance(c, dict) and c["tag"] == tag]


def load(name: str):
    return frontmatter.loads((DATA / name).read_text(encoding="utf-8"))


def media(path: str) -> str:
    return "/media/news/" + path.removeprefix("./")


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[frontmatter.Post, RenderedPost]]:
    rendered = {}
    for name in (BINAIRE, DATACRAFT):
        post = load(name)
        rendered[name] = (
            post,
            render_post(post.content, image_url=media, title=post["title"], language="en"),
        )
    return rendered


# --------------------------------------------------------------------------- seed posts


@pytest.mark.parametrize("name", [BINAIRE, DATACRAFT])
def test_every_image_with_a_title_is_a_figure_with_a_visible_caption(seeds, name):
    post, rendered = seeds[name]
    titles = re.findall(r'^!\[[^\]]*\]\([^)\s]+ "([^"]+)"\)', post.content, re.M)
    assert titles, "the seed post has titled images"
    tree = Tree(rendered.html)
    captions = {
        squash(text_of(cap)) for fig in tree.find("figure") for cap in children(fig, "figcaption")
    }
    for title in titles:
        assert squash(title.strip("*")) in captions
    for figure in tree.find("figure", "post-figure"):
        assert children(figure, "img") and children(figure, "figcaption")
        # The caption is not hidden in a tooltip any more.
        assert "title" not in children(figure, "img")[0]["attrs"]


def test_raw_figures_are_kept_with_their_captions(seeds):
    tree = Tree(seeds[DATACRAFT][1].html)
    captions = [squash(text_of(c)) for c in tree.find("figcaption")]
    assert any(c.startswith("J\u2019ai rencontré Isabelle Hilali") for c in captions)
    # width="85%" height="500px" from the old site are dropped.
    assert all("width" not in img["attrs"] for img in tree.find("img"))


def test_citation_is_a_pull_quote_with_its_attribution_set_apart(seeds):
    tree = Tree(seeds[DATACRAFT][1].html)
    (citation,) = tree.find("figure", "citation")
    (quote,) = children(citation, "blockquote")
    (attribution,) = children(citation, "figcaption")
    assert "quote" in quote["attrs"]["class"]
    assert squash(text_of(quote)).startswith(
        '"J\u2019ai observé que l\u2019univers de la data science'
    )
    assert "Isabelle Hilali" not in text_of(quote)
    assert squash(text_of(attribution)) == "Isabelle Hilali \u2013 Datacraft"
    assert "citation-attribution" in attribution["attrs"]["class"]


def test_markdown_quotes_get_the_same_quotation_style(seeds):
    tree = Tree(seeds[DATACRAFT][1].html)
    quotes = tree.find("blockquote")
    assert len(quotes) == 7  # the citation + six "> ..." quotes
    assert all("quote" in q["attrs"].get("class", "") for q in quotes)


def test_youtube_embed_is_a_video_card_with_nothing_loaded_before_the_click(seeds):
    rendered = seeds[DATACRAFT][1]
    html = rendered.html
    tree = Tree(html)
    (card,) = tree.find("figure", "video-card")
    assert card["attrs"]["data-video-provider"] == "youtube"
    assert card["attrs"]["data-video-id"] == "0xtPrTo-13o"
    (title,) = [n for n in tree.find("span", "video-card-title")]
    assert text_of(title) == "Présentation de datacraft par Isabelle"
    assert text_of(tree.find("span", "video-card-label")[0]) == "Video"
    assert "Play the video" in text_of(tree.find("a", "video-card-link")[0])
    # No iframe, and nothing outside this site is fetched on load: every src is local,
    # the video host only appears as a link the reader may follow.
    assert "<iframe" not in html
    for node in tree.all:
        for name, value in node["attrs"].items():
            if name in ("src", "srcset", "poster", "data"):
                assert value.startswith("/"), (node["tag"], name, value)
    assert tree.find("a", "video-card-link")[0]["attrs"]["href"] == (
        "https://www.youtube.com/watch?v=0xtPrTo-13o"
    )
    assert rendered.videos == [
        {
            "provider": "youtube",
            "provider_name": "YouTube",
            "id": "0xtPrTo-13o",
            "title": "Présentation de datacraft par Isabelle",
            "url": "https://www.youtube.com/watch?v=0xtPrTo-13o",
            "embed_url": "https://www.youtube-nocookie.com/embed/0xtPrTo-13o",
            "start": None,
            "duration": None,
        }
    ]


@pytest.mark.parametrize("name", [BINAIRE, DATACRAFT])
@pytest.mark.parametrize(
    "leftover",
    [
        "Job :",
        "Job:",
        "Image here",
        "il manque une légende",
        ":::",
        "{{",
        "-->",
        "<!--",
        "<p>.</p>",
    ],
)
def test_no_editors_note_reaches_readers(seeds, name, leftover):
    rendered = seeds[name][1]
    assert leftover not in rendered.html
    assert leftover not in rendered.excerpt_html
    assert leftover not in rendered.text


def test_editors_jobs_are_returned_for_staff(seeds):
    datacraft = seeds[DATACRAFT][1].jobs
    assert datacraft[:4] == [
        "Voir si possible d'inclure l'audio de l'interview d'Isabelle.",
        "Travailler la présentation pour montrer que c'est une vidéo.",
        "Rendre visible les légendes des images.",
        "Changer le style des citations.",
    ]
    # The commented-out image and its note, the missing caption, the repeated picture.
    assert any(
        j.startswith("![image](./img/2021-02-15-datacraft/datacraft-scai.png") for j in datacraft
    )
    assert (
        "il manque une légende pour cette image (./img/2021-02-15-datacraft/datacraft-scai.png)"
        in datacraft
    )
    assert any(j.startswith("The same image appears 3 times") for j in datacraft)

    binaire = seeds[BINAIRE][1].jobs
    assert binaire[0] == "Rendre visible les légendes des images."
    for picture in ("Hiba", "Atelier", "INSEP"):
        path = f"./img/2021-03-23-binaire/{picture}.png"
        assert f"Image here ({path})" in binaire
        assert f"il manque une légende pour cette image ({path})" in binaire
    assert len(binaire) == 7


def test_bold_text_that_is_not_a_note_stays(seeds):
    html = seeds[BINAIRE][1].html
    assert "<strong>Datacraft</strong>, c\u2019est quoi ce « machin »" in html
    assert "<strong>[1]</strong>" in html


def test_excerpt_stops_at_truncate(seeds):
    for name in (BINAIRE, DATACRAFT):
        rendered = seeds[name][1]
        tree = Tree(rendered.excerpt_html)
        assert [n["tag"] for n in tree.all if n["tag"] not in ("a",)] == ["div", "p"]
        assert "initialement publié" in rendered.excerpt_html
        # The full body starts with the same paragraph, then the story.
        first = Tree(rendered.html).find("p")[0]
        assert squash(text_of(first)) == squash(text_of(tree.find("p")[0]))


def test_title_repeated_as_first_heading_is_dropped_and_headings_get_ids(seeds):
    tree = Tree(seeds[DATACRAFT][1].html)
    assert not tree.find("h1")
    h2 = tree.find("h2")
    assert (
        h2[0]["attrs"]["id"]
        == "datacraft-un-club-data-science-et-ia-installe-au-cur-de-la-sorbonne"
    )
    assert len({h["attrs"]["id"] for h in h2}) == len(h2) == 7


def test_the_separator_framing_the_removed_notes_is_gone(seeds):
    # Excerpt, then directly the first figure (binaire) / paragraph (datacraft): no <hr>.
    html = seeds[BINAIRE][1].html
    assert html.index("<figure") < html.index("<hr")  # only the footnotes' separator is left
    assert "<hr" not in seeds[DATACRAFT][1].html


def test_text_and_reading_time(seeds):
    rendered = seeds[DATACRAFT][1]
    assert rendered.text.startswith("Cet article a été initialement publié")
    assert "<" not in rendered.text and "Play the video" not in rendered.text
    words = len(rendered.text.split())
    assert 1500 < words < 2500
    assert rendered.reading_minutes == -(-words // 200)
    assert seeds[BINAIRE][1].reading_minutes >= 4


def test_images_point_to_media(seeds):
    tree = Tree(seeds[BINAIRE][1].html)
    sources = [img["attrs"]["src"] for img in tree.find("img")]
    assert sources == [
        "/media/news/img/2021-03-23-binaire/Hiba.png",
        "/media/news/img/2021-03-23-binaire/Atelier.png",
        "/media/news/img/2021-03-23-binaire/INSEP.png",
    ]
    raw = Tree(seeds[DATACRAFT][1].html).find("img")[0]["attrs"]["src"]
    assert raw == "/media/news/img/2021-02-15-datacraft/datacraft-scai.png"


def test_without_a_title_the_first_heading_is_kept_one_level_down():
    post = load(DATACRAFT)
    tree = Tree(render_post(post.content).html)
    assert not tree.find("h1")
    assert squash(text_of(tree.find("h2")[0])).startswith("Datacraft : un club dédié")
    assert len(tree.find("h3")) == 7


def test_the_interview_audio_is_an_accessible_player_after_the_excerpt():
    post = load(DATACRAFT)
    rendered = render_post(
        post.content,
        image_url=media,
        audio="./audio/isabelle.mp3",
        audio_transcript="/blog/datacraft/transcript/",
        language="en",
    )
    tree = Tree(rendered.html)
    (figure,) = tree.find("figure", "audio")
    (player,) = [n for n in tree.find("audio")]
    assert player["attrs"]["src"] == "/media/news/audio/isabelle.mp3"
    assert player["attrs"]["preload"] == "none" and "controls" in player["attrs"]
    assert player["attrs"]["aria-label"] == "Listen to the audio"
    links = {text_of(a): a["attrs"]["href"] for a in tree.find("a")}
    assert links["Read the transcript"] == "/blog/datacraft/transcript/"
    assert links["Download the audio"] == "/media/news/audio/isabelle.mp3"
    assert "Listen to the audio" in text_of(children(figure, "figcaption")[0])
    assert "<audio" not in rendered.excerpt_html
    assert rendered.html.index("initialement publié") < rendered.html.index('class="audio"')


# ------------------------------------------------------------------------------ rules


def render(text: str, **kwargs) -> RenderedPost:
    kwargs.setdefault("language", "en")
    return render_post(text, **kwargs)


def test_empty_post():
    rendered = render("")
    assert (rendered.html, rendered.excerpt_html, rendered.jobs, rendered.videos) == (
        "",
        "",
        [],
        [],
    )
    assert rendered.reading_minutes == 1
    assert isinstance(RENDERER_VERSION, int)


def test_image_with_title_becomes_a_figure():
    html = render('![A dog](dog.png "Rex, on holiday")').html
    assert '<figure class="post-figure"><img src="dog.png" alt="A dog"' in html
    assert "<figcaption>Rex, on holiday</figcaption></figure>" in html


def test_bold_caption_is_unwrapped_and_generic_alt_left_empty():
    html = render('![image](a.png "**Credit: Ada**")').html
    assert 'alt=""' in html and "<figcaption>Credit: Ada</figcaption>" in html


def test_italic_line_under_an_image_is_its_caption():
    html = render("![A chart](chart.png)\n*Sales by month*").html
    assert "<figcaption>Sales by month</figcaption>" in html
    html = render("![A chart](chart.png)\n\n*Sales by month*\n\nNext.").html
    assert "<figcaption>Sales by month</figcaption>" in html and "<em>" not in html


def test_italic_line_is_not_a_caption_when_the_image_has_a_title():
    html = render('![A](a.png "The caption")\n\n*An aside in italics.*').html
    assert "<figcaption>The caption</figcaption>" in html
    assert "<p><em>An aside in italics.</em></p>" in html


def test_image_in_a_sentence_stays_inline_and_lone_image_is_a_figure_without_caption():
    assert '<p>See <img src="x.png" alt="x"' in render("See ![x](x.png) here").html
    html = render("![A dog](dog.png)").html
    assert '<figure class="post-figure"><img' in html and "figcaption" not in html


def test_citation_attribution_forms():
    dashed = render(':::citation\n"Learn all the time."\n— Ada Lovelace\n:::').html
    assert '<figcaption class="citation-attribution">Ada Lovelace</figcaption>' in dashed
    info = render(':::citation Ada Lovelace \u2013 Analytical\n"Learn all the time."\n:::').html
    assert (
        '<figcaption class="citation-attribution">Ada Lovelace \u2013 Analytical</figcaption>'
        in info
    )
    paragraph = render(':::citation\n"Learn all the time."\n\nAda Lovelace\n:::').html
    assert '<figcaption class="citation-attribution">Ada Lovelace</figcaption>' in paragraph
    two_lines = render(':::citation\n"Learn all the time,\nand share."\n:::').html
    assert "figcaption" not in two_lines and "and share." in two_lines
    bare = render(":::citation\nLearn all the time.\n:::").html
    assert '<figure class="citation"><blockquote class="quote">' in bare
    assert "figcaption" not in bare


def test_markdown_quote_with_a_dash_line_gets_an_attribution():
    html = render("> To be or not to be\n> — Shakespeare").html
    assert '<figcaption class="citation-attribution">Shakespeare</figcaption>' in html
    plain = render("> One line\n> and another").html
    assert '<blockquote class="quote">' in plain and "figcaption" not in plain


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("note", "Note"),
        ("tip", "Tip"),
        ("info", "Info"),
        ("caution", "Caution"),
        ("danger", "Danger"),
    ],
)
def test_admonitions_are_labelled_asides(kind, label):
    html = render(f":::{kind}\nMind the **gap**.\n:::").html
    assert (
        f'<aside class="admonition admonition-{kind}"><p class="admonition-title">{label}</p>'
        in html
    )
    assert "<strong>gap</strong>" in html and ":::" not in html


def test_admonition_label_is_translated_and_can_be_replaced():
    assert (
        '<p class="admonition-title">Before you start</p>'
        in render(":::tip[Before you start]\nText\n:::").html
    )
    assert (
        '<p class="admonition-title">Before you start</p>'
        in render(":::tip Before you start\nText\n:::").html
    )


def test_unknown_container_keeps_its_text_not_its_markers():
    html = render(":::mystery\nInside\n:::\n\n:::").html
    assert "Inside" in html and ":::" not in html and "mystery" not in html


@pytest.mark.parametrize(
    "note",
    [
        "**Job : relire**",
        "**TODO: relire**",
        "TODO: relire",
        "FIXME - relire",
        "**Image here**",
        "*Image ici*",
        "**il manque une légende pour cette image**",
        "**Légende manquante**",
        "**À faire : relire**",
        "**Missing caption**",
    ],
)
def test_editors_notes_become_jobs(note):
    rendered = render(f"Intro.\n\n{note}\n\nBody.")
    assert rendered.html == '<div class="post-body">\n<p>Intro.</p>\n<p>Body.</p>\n</div>'
    assert len(rendered.jobs) == 1
    assert rendered.jobs[0] in ("relire", note.strip("*_"))


def test_a_note_inside_a_paragraph_only_removes_its_own_line():
    rendered = render("First line\n**Job : fix the chart**\nLast line")
    assert rendered.html == '<div class="post-body">\n<p>First line\nLast line</p>\n</div>'
    assert rendered.jobs == ["fix the chart"]


def test_ordinary_bold_and_sentences_mentioning_jobs_stay():
    text = "**Important:** read this.\n\nHer job: data scientist.\n\n**Image processing** works."
    rendered = render(text)
    assert rendered.jobs == []
    for kept in ("<strong>Important:</strong>", "Her job: data scientist.", "Image processing"):
        assert kept in rendered.html


def test_html_comments_are_jobs_and_truncate_marks_the_excerpt():
    rendered = render(
        "Intro.\n\n<!-- check the figures -->\n\n<!--truncate-->\n\nRest <!-- inline -->."
    )
    assert rendered.excerpt_html == '<div class="post-body post-excerpt"><p>Intro.</p></div>'
    assert "<!--" not in rendered.html and "-->" not in rendered.html
    assert "Rest ." in rendered.html
    assert rendered.jobs == ["check the figures", "inline"]


def test_excerpt_defaults_to_the_first_paragraph():
    rendered = render("## Heading\n\nFirst paragraph.\n\nSecond.")
    assert (
        rendered.excerpt_html == '<div class="post-body post-excerpt"><p>First paragraph.</p></div>'
    )


def test_mdx_leftovers_never_show():
    text = (
        "import Tabs from '@theme/Tabs';\n"
        "export const meta = {author: 'x'};\n\n"
        "<div style={{textAlign: 'center'}} className=\"hero\" width={500}>Centred</div>\n\n"
        "{/* MDX comment for editors */}\n\n"
        '<img src="a.png" style={{width: "50%"}} alt="A" />\n\n'
        "```js\nimport x from 'y';\nconst s = {{a: 1}};\n```\n\n"
        "Inline `className={x}` code.\n"
    )
    rendered = render(text)
    html = rendered.html
    assert "import Tabs" not in html and "export const" not in html
    assert "style=" not in html and "className" not in html.replace(
        "<code>className={x}</code>", ""
    )
    assert "{{textAlign" not in html and "width={500}" not in html
    assert "<div>Centred</div>" in html
    assert '<img src="a.png" alt="A"' in html
    # Code is code: left exactly as written.
    assert "import x from 'y';\nconst s = {{a: 1}};" in html.replace("&#x27;", "'")
    assert "<code>className={x}</code>" in html
    assert rendered.jobs == ["MDX comment for editors"]


@pytest.mark.parametrize(
    ("src", "provider", "video_id"),
    [
        ("https://www.youtube.com/embed/0xtPrTo-13o", "youtube", "0xtPrTo-13o"),
        ("https://www.youtube-nocookie.com/embed/0xtPrTo-13o?start=30", "youtube", "0xtPrTo-13o"),
        ("https://youtu.be/0xtPrTo-13o", "youtube", "0xtPrTo-13o"),
        ("https://www.youtube.com/watch?v=0xtPrTo-13o", "youtube", "0xtPrTo-13o"),
        ("//player.vimeo.com/video/76979871", "vimeo", "76979871"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
    ],
)
def test_allowed_video_hosts_become_cards(src, provider, video_id):
    rendered = render(f'<iframe src="{src}" title="Our workshop"></iframe>')
    assert f'data-video-provider="{provider}" data-video-id="{video_id}"' in rendered.html
    assert "<iframe" not in rendered.html
    assert rendered.videos[0]["title"] == "Our workshop"
    assert rendered.jobs == []


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/embed/0xtPrTo-13o",
        "https://www.youtube.com.evil.example/embed/0xtPrTo-13o",
        "javascript:alert(1)",
        "https://www.youtube.com/embed/<script>",
        "https://player.vimeo.com/video/abc",
    ],
)
def test_other_iframes_are_dropped_and_reported(src):
    rendered = render(f'Before\n\n<iframe src="{src}"></iframe>\n\nAfter')
    assert "<iframe" not in rendered.html and "video-card" not in rendered.html
    assert rendered.videos == []
    assert rendered.jobs[0].startswith("An embedded frame was replaced by a link")
    assert "javascript" not in rendered.html


def test_video_title_falls_back_to_the_heading_and_shows_the_duration():
    rendered = render(
        '## Our demo day\n\n<iframe src="https://youtu.be/0xtPrTo-13o" '
        'title="YouTube video player" data-duration="1:02:03"></iframe>'
    )
    assert rendered.videos[0]["title"] == "Our demo day"
    assert '<time datetime="PT1H2M3S">1:02:03</time>' in rendered.html


def test_audio_tag_becomes_the_player():
    html = render(
        '<audio src="talk.mp3" title="The interview" data-transcript="talk.txt"></audio>',
        image_url=media,
    ).html
    assert '<figure class="audio">' in html
    assert '<audio controls="" preload="none" src="/media/news/talk.mp3"' in html
    assert (
        '<a href="/media/news/talk.txt" rel="noopener noreferrer">Read the transcript</a>' in html
    )
    assert "<p>" not in html.split('<figure class="audio">')[0]


def test_missing_media_is_dropped_not_broken():
    rendered = render('![A](./gone.png "Caption")', image_url=lambda path: None, audio="./gone.mp3")
    assert "<audio" not in rendered.html and "src=" not in rendered.html
    assert "<figcaption>Caption</figcaption>" in rendered.html
    assert rendered.jobs == ["Audio file not found: ./gone.mp3"]


def test_audio_transcript_text_is_shown_in_a_disclosure():
    html = render(
        "Body", audio="https://cdn.example/a.mp3", audio_transcript="Q: Why?\n\nA: Because."
    ).html
    assert "<details><summary>Transcript</summary><p>Q: Why?</p>" in html


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="data:text/html,hi">x</a>', "data:"),
        ("![x](data:image/png;base64,AAAA)", "data:"),
        ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "data:"),
        ('<div style="position:fixed">x</div>', "style="),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "srcdoc"),
        ('<form action="https://evil.example"><input name="p"></form>', "<form"),
        ('<object data="x.swf"></object>', "<object"),
        ('<a href="https://x.example" target="_blank">x</a>', "target="),
        ('<p class="video-card-link admin">x</p>', "admin"),
    ],
)
def test_everything_else_is_sanitised(text, forbidden):
    assert forbidden not in render(text).html


def test_links_get_rel_and_keep_safe_schemes():
    html = render("[a](https://example.com) [b](mailto:a@example.com) [c](/blog/) [d](#top)").html
    assert '<a href="https://example.com" rel="noopener noreferrer">a</a>' in html
    assert (
        'href="mailto:a@example.com"' in html and 'href="/blog/"' in html and 'href="#top"' in html
    )


def test_headings_ids_are_unique_slugs():
    html = render("## Café crème\n\n## Café crème\n\n### L\u2019été 2021 !").html
    assert '<h2 id="cafe-creme">' in html and '<h2 id="cafe-creme-2">' in html
    assert '<h3 id="lete-2021">' in html


def test_footnotes():
    html = render("A claim[^1].\n\n[^1]: The source.").html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<li id="fn1" class="footnote-item">' in html


def test_labels_follow_the_post_language():
    french = render(":::note\nx\n:::", language="fr").html
    english = render(":::note\nx\n:::", language="en").html
    assert "admonition-title" in french and '<p class="admonition-title">Note</p>' in english


def test_assets_exist_and_the_partial_links_them():
    assert finders.find("news/post.css") and finders.find("news/video.js")
    html = render_to_string("news/rendering/assets.html")
    assert 'href="/static/news/post.css"' in html
    assert 'src="/static/news/video.js" defer' in html


def test_video_script_builds_only_privacy_friendly_players():
    script = Path(finders.find("news/video.js")).read_text()
    assert "https://www.youtube-nocookie.com/embed/" in script
    assert "https://player.vimeo.com/video/" in script and "dnt=1" in script
    assert "innerHTML" not in script
