#pragma once
// dashboard_assets: the dashboard's static files (actors/http_bridge/dashboard/), embedded in the
// binary at build time (dashboard/embed_assets.cmake writes dashboard_assets.cpp in the build tree):
// no CDN, nothing read from disk at run time.
#include <span>
#include <string_view>

namespace infergrid::http {

struct dashboard_asset {
  std::string_view name;          // "index.html", "app.js", ...
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view body;
};

std::span<const dashboard_asset> dashboard_assets();

}  // namespace infergrid::http
