#include "actors/http_bridge/cors.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

httplib::Request preflight_from(const std::string& origin) {
  httplib::Request req;
  req.method = "OPTIONS";
  req.path = "/v1/chat/completions";
  req.set_header("Origin", origin);
  req.set_header("Access-Control-Request-Method", "POST");
  req.set_header("Access-Control-Request-Headers", "authorization, content-type, x-stainless-os");
  return req;
}

TEST(Cors, AnyOriginIsAStar) {
  const std::vector<std::string> any = {"*"};
  EXPECT_EQ(allowed_origin(any, "https://app.example.com"), "*");
  EXPECT_EQ(allowed_origin(any, ""), "*");
  httplib::Response res;
  answer_preflight(any, preflight_from("https://app.example.com"), res);
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.get_header_value("Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
  EXPECT_EQ(res.get_header_value("Access-Control-Allow-Headers"),
            "Authorization, Content-Type, authorization, content-type, x-stainless-os");
  EXPECT_EQ(res.get_header_value("Access-Control-Max-Age"), std::to_string(cors_preflight_max_age_s));
  add_cors_headers(any, preflight_from("https://app.example.com"), res);
  EXPECT_EQ(res.get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(res.get_header_value("Access-Control-Expose-Headers"), "Retry-After");
  EXPECT_FALSE(res.has_header("Vary"));
}

TEST(Cors, ListedOriginsAreEchoedOthersGetNone) {
  const std::vector<std::string> listed = {"https://app.example.com", "http://localhost:5173"};
  EXPECT_EQ(allowed_origin(listed, "http://localhost:5173"), "http://localhost:5173");
  EXPECT_EQ(allowed_origin(listed, "https://evil.example.com"), std::nullopt);
  EXPECT_EQ(allowed_origin(listed, ""), std::nullopt);
  httplib::Response ok;
  answer_preflight(listed, preflight_from("https://app.example.com"), ok);
  add_cors_headers(listed, preflight_from("https://app.example.com"), ok);
  EXPECT_EQ(ok.get_header_value("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(ok.get_header_value("Vary"), "Origin");
  httplib::Response refused;
  answer_preflight(listed, preflight_from("https://evil.example.com"), refused);
  add_cors_headers(listed, preflight_from("https://evil.example.com"), refused);
  EXPECT_EQ(refused.status, 204);  // a browser refuses the call: no Access-Control-Allow-* at all
  EXPECT_FALSE(refused.has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(refused.has_header("Access-Control-Allow-Methods"));
  EXPECT_EQ(refused.get_header_value("Vary"), "Origin");
}

TEST(Cors, NoOriginsIsCorsOff) {
  const std::vector<std::string> none;
  httplib::Response res;
  answer_preflight(none, preflight_from("https://app.example.com"), res);
  add_cors_headers(none, preflight_from("https://app.example.com"), res);
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.get_header_value("Allow"), "GET, POST, OPTIONS");
  for (const auto& [name, value] : res.headers) EXPECT_FALSE(name.starts_with("Access-Control-")) << name;
  EXPECT_FALSE(res.has_header("Vary"));
}

}  // namespace
}  // namespace infergrid::http
