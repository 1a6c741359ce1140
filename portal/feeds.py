from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from portal.models import ArticleVersion


class NewsFeed(Feed):
    """Atom feed of published news: the latest version of each article."""

    feed_type = Atom1Feed
    title = _("New Rural Development: news")
    subtitle = _("News and announcements of the province's coordination office.")

    def link(self):
        return reverse("portal:news")

    def items(self):
        latest = {}
        for v in ArticleVersion.objects.order_by("-published_at")[:200]:
            latest.setdefault(v.article_id, v)
        return list(latest.values())[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or strip_tags(item.body_html)[:500]

    def item_link(self, item):
        return reverse("portal:article", args=[item.article_id])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
