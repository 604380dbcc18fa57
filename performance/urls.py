"""Quarterly returns (return_urls) and the dashboards, overview and data exchange
(insight_urls), all in the "performance" namespace."""

from performance import insight_urls, return_urls

app_name = "performance"

urlpatterns = return_urls.urlpatterns + insight_urls.urlpatterns
