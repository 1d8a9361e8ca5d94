#include "operator/kube/api_status.h"

#include <gtest/gtest.h>

namespace serin::kube {
namespace {

HttpResponse answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string statusJson(int code, const std::string& reason, const std::string& message) {
  return R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":)" +
         std::to_string(code) + R"(,"reason":")" + reason + R"(","message":")" + message + R"("})";
}

struct MappingCase {
  int http;
  std::string reason;
  absl::StatusCode want;
};

class StatusMappingTest : public ::testing::TestWithParam<MappingCase> {};

TEST_P(StatusMappingTest, MapsHttpCodeAndReason) {
  const auto& c = GetParam();
  absl::Status s = statusFromResponse(answer(c.http, statusJson(c.http, c.reason, "boom")), "get x");
  EXPECT_EQ(s.code(), c.want) << c.http << " " << c.reason;
  EXPECT_EQ(httpStatusOf(s), c.http);
  EXPECT_NE(s.message().find("get x: HTTP " + std::to_string(c.http)), absl::string_view::npos);
  EXPECT_NE(s.message().find("boom"), absl::string_view::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, StatusMappingTest,
    ::testing::Values(MappingCase{400, "BadRequest", absl::StatusCode::kInvalidArgument},
                      MappingCase{401, "Unauthorized", absl::StatusCode::kUnauthenticated},
                      MappingCase{403, "Forbidden", absl::StatusCode::kPermissionDenied},
                      MappingCase{404, "NotFound", absl::StatusCode::kNotFound},
                      MappingCase{405, "MethodNotAllowed", absl::StatusCode::kUnimplemented},
                      MappingCase{409, "AlreadyExists", absl::StatusCode::kAlreadyExists},
                      MappingCase{409, "Conflict", absl::StatusCode::kAborted},
                      MappingCase{410, "Expired", absl::StatusCode::kOutOfRange},
                      MappingCase{422, "Invalid", absl::StatusCode::kInvalidArgument},
                      MappingCase{429, "TooManyRequests", absl::StatusCode::kResourceExhausted},
                      MappingCase{500, "InternalError", absl::StatusCode::kInternal},
                      MappingCase{502, "", absl::StatusCode::kUnavailable},
                      MappingCase{503, "ServiceUnavailable", absl::StatusCode::kUnavailable},
                      MappingCase{504, "Timeout", absl::StatusCode::kDeadlineExceeded},
                      MappingCase{418, "", absl::StatusCode::kFailedPrecondition}));

TEST(ApiStatusTest, SuccessIsOk) {
  EXPECT_TRUE(statusFromResponse(answer(200, "{}"), "x").ok());
  EXPECT_TRUE(statusFromResponse(answer(201, ""), "x").ok());
}

TEST(ApiStatusTest, InvalidCarriesFieldCausesWhenNoMessage) {
  const std::string body = R"({"kind":"Status","code":422,"reason":"Invalid","details":{"causes":[
      {"field":"spec.replicas","message":"must be greater than or equal to 0"},
      {"field":"spec.strategy","message":"Required value"}]}})";
  absl::Status s = statusFromResponse(answer(422, body), "create rollouts a/b");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("spec.replicas: must be greater than or equal to 0"),
            absl::string_view::npos);
  EXPECT_NE(s.message().find("spec.strategy: Required value"), absl::string_view::npos);
}

TEST(ApiStatusTest, HostileBodiesNeverCrash) {
  for (const std::string& body :
       {std::string(""), std::string("not json"), std::string("[1,2]"),
        std::string(R"({"kind":"Status","reason":42,"message":["x"],"details":{"causes":7}})"),
        std::string(R"({"kind":"Status","details":{"causes":[1,"x",null,{"field":3}]}})"),
        std::string(10000, '{'), std::string("\xff\xfe\x00", 3)}) {
    absl::Status s = statusFromResponse(answer(500, body), "x");
    EXPECT_FALSE(s.ok());
    EXPECT_LT(s.message().size(), 1000u);
  }
}

TEST(ApiStatusTest, GoneFromWatchErrorEvents) {
  EXPECT_TRUE(isGone(statusFromWatchError(
      R"x({"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 5 (90)"})x",
      "watch pods")));
  EXPECT_TRUE(isGone(statusFromWatchError(R"({"kind":"Status","reason":"Gone"})", "w")));
  absl::Status other = statusFromWatchError(R"({"kind":"Status","code":500,"message":"etcd"})", "w");
  EXPECT_FALSE(isGone(other));
  EXPECT_EQ(other.code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(isGone(statusFromWatchError("garbage", "w")));
  EXPECT_FALSE(isGone(absl::OutOfRangeError("not from http")));
}

TEST(ApiStatusTest, RetryAfter) {
  HttpResponse r = answer(429, "");
  EXPECT_FALSE(retryAfter(r).has_value());
  r.headers["retry-after"] = "3";
  EXPECT_EQ(retryAfter(r), absl::Seconds(3));
  r.headers["retry-after"] = "-1";
  EXPECT_FALSE(retryAfter(r).has_value());
  r.headers["retry-after"] = "Wed, 21 Oct 2015 07:28:00 GMT";
  EXPECT_FALSE(retryAfter(r).has_value());
  r.headers["retry-after"] = "99999";
  EXPECT_FALSE(retryAfter(r).has_value());
}

}  // namespace
}  // namespace serin::kube
