from django.urls import path

from articles import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<str:slug>/", views.article_detail, name="article_detail"),
    path("authors/<str:slug>/", views.author_detail, name="author_detail"),
    path("sections/<str:slug>/", views.section_detail, name="section_detail"),
]
