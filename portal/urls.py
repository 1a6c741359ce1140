from django.urls import path, re_path

from portal import feeds, views, views_feedback, views_manage

app_name = "portal"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("xa/", views.communes, name="communes"),
    path("xa/<str:ref>/", views.commune, name="commune"),
    path("du-lieu/", views.data_index, name="data"),
    re_path(r"^du-lieu/(?P<name>[a-z-]+)\.(?P<fmt>csv|xlsx)$", views.open_data, name="open_data"),
    path("tin-tuc/", views.news, name="news"),
    path("tin-tuc/atom.xml", feeds.NewsFeed(), name="feed"),
    path("tin-tuc/<int:pk>/", views.article, name="article"),
    path("anh/<int:pk>.jpg", views.image, name="image"),
    path("van-ban/", views.documents, name="documents"),
    path("van-ban/<int:pk>/tai-ve", views.document_file, name="document_file"),
    path("thong-ke/", views.statistics, name="statistics"),
    re_path(r"^(?P<kind>xa)/(?P<key>[\w.-]+)/phan-anh/$", views_feedback.feedback_form, name="feedback_commune"),
    re_path(r"^(?P<kind>tin-tuc)/(?P<key>\d+)/phan-anh/$", views_feedback.feedback_form, name="feedback_article"),
    path("phan-anh/da-gui/", views_feedback.feedback_sent, name="feedback_sent"),
    path("v.gif", views.beacon, name="beacon"),
    path("v/<int:pk>.gif", views.beacon, name="beacon_article"),
    # The coordination office (login and permissions).
    path("quan-ly/", views_manage.index, name="manage"),
    path("quan-ly/tin/moi/", views_manage.edit, name="article_new"),
    path("quan-ly/tin/<int:pk>/", views_manage.edit, name="article_edit"),
    path("quan-ly/tin/<int:pk>/<slug:action>/", views_manage.act, name="article_act"),
    path("quan-ly/van-ban/moi/", views_manage.upload_document, name="document_new"),
    path("quan-ly/cai-dat/", views_manage.configure, name="configure"),
    path("quan-ly/phan-anh/", views_feedback.queue, name="feedback_queue"),
    path("quan-ly/phan-anh/<int:pk>/<slug:action>/", views_feedback.moderate, name="feedback_act"),
    path("quan-ly/cong-bo/<slug:code>/", views_manage.publish_period, name="publish_period"),
]
