#include "operator/kube/rest_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "operator/kube/api_status.h"
#include "tests/fake_clock.h"
#include "tests/fakes/fake_transport.h"

namespace serin::kube {
namespace {

using serin::testing::FakeTransport;
using serin::testing::jsonResponse;

class ClosedFence final : public WriteFence {
 public:
  absl::Status checkWrite() const override {
    return absl::FailedPreconditionError("not the leader");
  }
};

class RestClientTest : public ::testing::Test {
 protected:
  RestClientTest() {
    auto t = std::make_unique<FakeTransport>();
    auto w = std::make_unique<FakeTransport>();
    transport_ = t.get();
    watch_transport_ = w.get();
    ClusterConfig config;
    config.server = "https://127.0.0.1:6443";
    config.bearer_token = "sekret";
    RestClientOptions options;
    options.qps = 0;  // the limiter has its own test
    options.retry_initial = absl::Milliseconds(1);
    options.retry_max = absl::Milliseconds(2);
    options.user_agent = "serin-test";
    client_ = std::make_unique<RestClient>(std::move(t), std::move(w), config, options, clock_);
  }

  serin::testing::FakeClock clock_;
  FakeTransport* transport_;
  FakeTransport* watch_transport_;
  std::unique_ptr<RestClient> client_;
  const Resource rs_ = resources::replicaSets();
};

TEST_F(RestClientTest, GetSendsPathHeadersAndParsesBody) {
  transport_->onSend([](const HttpRequest&) {
    return jsonResponse(200, R"({"metadata":{"name":"web","namespace":"shop"}})");
  });
  auto obj = client_->get(rs_, "shop", "web");
  ASSERT_TRUE(obj.ok()) << obj.status();
  EXPECT_EQ((*obj)["metadata"]["name"], "web");
  auto reqs = transport_->requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/apis/apps/v1/namespaces/shop/replicasets/web");
  bool auth = false, agent = false;
  for (const auto& [k, v] : reqs[0].headers) {
    auth |= k == "Authorization" && v == "Bearer sekret";
    agent |= k == "User-Agent" && v == "serin-test";
  }
  EXPECT_TRUE(auth);
  EXPECT_TRUE(agent);
}

TEST_F(RestClientTest, NotFoundAndConflictAreDistinct) {
  transport_->onSend([](const HttpRequest& r) {
    if (r.method == "GET") {
      return jsonResponse(404, R"({"kind":"Status","reason":"NotFound","message":"nope"})");
    }
    return jsonResponse(409, R"({"kind":"Status","reason":"Conflict","message":"modified"})");
  });
  EXPECT_TRUE(absl::IsNotFound(client_->get(rs_, "a", "b").status()));
  nlohmann::json obj = {{"metadata", {{"name", "b"}, {"namespace", "a"}, {"resourceVersion", "1"}}}};
  auto updated = client_->update(rs_, obj);
  EXPECT_TRUE(absl::IsAborted(updated.status())) << updated.status();
  EXPECT_NE(updated.status().message().find("update replicasets a/b"), absl::string_view::npos);
}

TEST_F(RestClientTest, ThrottledRequestIsRetriedHonouringRetryAfter) {
  std::atomic<int> calls{0};
  transport_->onSend([&](const HttpRequest&) {
    if (calls++ == 0) {
      HttpResponse r = jsonResponse(429, R"({"kind":"Status","reason":"TooManyRequests"})");
      r.headers["retry-after"] = "0";
      return r;
    }
    return jsonResponse(201, R"({"metadata":{"name":"b"}})");
  });
  auto created = client_->create(rs_, "a", {{"metadata", {{"name", "b"}}}});
  EXPECT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(RestClientTest, ServerErrorsRetryReadsButNotWrites) {
  std::atomic<int> calls{0};
  transport_->onSend([&](const HttpRequest&) {
    ++calls;
    return jsonResponse(503, "busy");
  });
  EXPECT_TRUE(absl::IsUnavailable(client_->get(rs_, "a", "b").status()));
  EXPECT_EQ(calls.load(), 5);  // 1 + max_retries
  calls = 0;
  auto created = client_->create(rs_, "a", {{"metadata", {{"name", "b"}}}});
  EXPECT_TRUE(absl::IsUnavailable(created.status()));
  EXPECT_EQ(calls.load(), 1);  // a write that may have happened is not blindly repeated
}

TEST_F(RestClientTest, ConnectionErrorsRetryReads) {
  std::atomic<int> calls{0};
  transport_->onSend([&](const HttpRequest&) -> absl::StatusOr<HttpResponse> {
    if (calls++ < 2) return absl::UnavailableError("connection refused");
    return jsonResponse(200, "{}");
  });
  EXPECT_TRUE(client_->get(rs_, "a", "b").ok());
  EXPECT_EQ(calls.load(), 3);
}

TEST_F(RestClientTest, InvalidJsonBodyIsAnError) {
  transport_->onSend([](const HttpRequest&) { return jsonResponse(200, "<html>proxy</html>"); });
  auto got = client_->get(rs_, "a", "b");
  EXPECT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("not JSON"), absl::string_view::npos);
}

TEST_F(RestClientTest, ListFollowsContinueTokens) {
  transport_->onSend([](const HttpRequest& r) {
    if (r.target.find("continue=") == std::string::npos) {
      return jsonResponse(200, R"({"metadata":{"continue":"page 2","resourceVersion":"5"},
                                   "items":[{"metadata":{"name":"a"}}]})");
    }
    EXPECT_NE(r.target.find("continue=page%202"), std::string::npos);
    return jsonResponse(200, R"({"metadata":{"resourceVersion":"7"},
                                 "items":[{"metadata":{"name":"b"}},{"metadata":{"name":"c"}}]})");
  });
  ListOptions options;
  options.label_selector = "app=web,tier!=db";
  options.page_size = 1;
  auto list = client_->list(rs_, options);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->items.size(), 3u);
  EXPECT_EQ(list->items[2]["metadata"]["name"], "c");
  EXPECT_EQ(list->resource_version, "7");
  auto reqs = transport_->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_NE(reqs[0].target.find("labelSelector=app%3Dweb%2Ctier%21%3Ddb"), std::string::npos);
  EXPECT_NE(reqs[0].target.find("limit=1"), std::string::npos);
}

TEST_F(RestClientTest, ListHandsOverEveryItemOfAPageInOrder) {
  // Items are handed over while the page is parsed; whatever the page holds around them
  // (metadata before or after, nested arrays, odd elements) must come through unchanged.
  transport_->onSend([](const HttpRequest&) {
    return jsonResponse(200, R"({"items":[{"metadata":{"name":"a"},"spec":{"x":[{"y":1}]}},
                                          {"metadata":{"name":"b","managedFields":[{}]}},
                                          [1,2],
                                          "odd"],
                                 "kind":"ReplicaSetList",
                                 "metadata":{"resourceVersion":"9","items":[{"no":"deliver"}]}})");
  });
  std::vector<nlohmann::json> got;
  auto rv = client_->listEach(rs_, {}, [&](nlohmann::json&& item) { got.push_back(item); });
  ASSERT_TRUE(rv.ok()) << rv.status();
  EXPECT_EQ(*rv, "9");
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], nlohmann::json::parse(R"({"metadata":{"name":"a"},"spec":{"x":[{"y":1}]}})"));
  EXPECT_EQ(got[1]["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(got[2], nlohmann::json::parse("[1,2]"));
  EXPECT_EQ(got[3], "odd");
}

TEST_F(RestClientTest, ListPageWithoutItemsListIsAnError) {
  transport_->onSend([](const HttpRequest&) {
    return jsonResponse(200, R"({"metadata":{"resourceVersion":"9"},"items":{"a":{"b":1}}})");
  });
  int delivered = 0;
  auto rv = client_->listEach(rs_, {}, [&](nlohmann::json&&) { ++delivered; });
  ASSERT_FALSE(rv.ok());
  EXPECT_NE(rv.status().message().find("items is not a list"), absl::string_view::npos);
  EXPECT_EQ(delivered, 0);

  transport_->onSend([](const HttpRequest&) {
    return jsonResponse(200, R"({"metadata":{"resourceVersion":"9"},"items":null})");
  });
  rv = client_->listEach(rs_, {}, [&](nlohmann::json&&) { ++delivered; });
  ASSERT_TRUE(rv.ok()) << rv.status();
  EXPECT_EQ(delivered, 0);
}

TEST_F(RestClientTest, ClosedFenceStopsWritesBeforeTheyAreSent) {
  ClosedFence fence;
  client_->setFence(&fence);
  transport_->onSend([](const HttpRequest&) { return jsonResponse(200, "{}"); });
  EXPECT_TRUE(client_->get(rs_, "a", "b").ok());  // reads are not fenced
  auto created = client_->create(rs_, "a", {{"metadata", {{"name", "b"}}}});
  EXPECT_TRUE(absl::IsFailedPrecondition(created.status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      client_->patch(rs_, "a", "b", PatchType::kMerge, {{"spec", {{"replicas", 1}}}}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(client_->remove(rs_, "a", "b")));
  EXPECT_EQ(transport_->requests().size(), 1u);  // only the GET went out
}

TEST_F(RestClientTest, PatchAndDeleteRequests) {
  transport_->onSend([](const HttpRequest&) { return jsonResponse(200, "{}"); });
  ASSERT_TRUE(client_->patch(rs_, "a", "b", PatchType::kJson,
                             nlohmann::json::array({{{"op", "add"}, {"path", "/x"}, {"value", 1}}}),
                             "scale")
                  .ok());
  DeleteOptions del;
  del.precondition_uid = "u1";
  ASSERT_TRUE(client_->remove(rs_, "a", "b", del).ok());
  auto reqs = transport_->requests();
  EXPECT_EQ(reqs[0].method, "PATCH");
  EXPECT_EQ(reqs[0].target, "/apis/apps/v1/namespaces/a/replicasets/b/scale");
  bool json_patch = false;
  for (const auto& [k, v] : reqs[0].headers) json_patch |= v == "application/json-patch+json";
  EXPECT_TRUE(json_patch);
  EXPECT_EQ(reqs[1].method, "DELETE");
  EXPECT_NE(reqs[1].body.find("\"uid\":\"u1\""), std::string::npos);
}

// ---- watch ----

TEST_F(RestClientTest, WatchDeliversEventsInOrderAndBuildsTheQuery) {
  watch_transport_->onStream([](const HttpRequest& r, const LineHandler& on_line, CancelToken&) {
    EXPECT_NE(r.target.find("watch=1"), std::string::npos);
    EXPECT_NE(r.target.find("resourceVersion=42"), std::string::npos);
    EXPECT_NE(r.target.find("allowWatchBookmarks=true"), std::string::npos);
    on_line(R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"43"}}})");
    on_line(R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"44"}}})");
    on_line(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"50"}}})");
    on_line(R"({"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"51"}}})");
    return jsonResponse(200, "");
  });
  std::vector<WatchEvent::Type> types;
  CancelToken cancel;
  WatchOptions options;
  options.resource_version = "42";
  absl::Status s = client_->watch(rs_, options, [&](WatchEvent&& e) {
    types.push_back(e.type);
    return true;
  }, cancel);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(types, (std::vector<WatchEvent::Type>{WatchEvent::Type::kAdded,
                                                  WatchEvent::Type::kModified,
                                                  WatchEvent::Type::kBookmark,
                                                  WatchEvent::Type::kDeleted}));
}

TEST_F(RestClientTest, WatchErrorEventForExpiredVersionIsGone) {
  watch_transport_->onStream([](const HttpRequest&, const LineHandler& on_line, CancelToken&) {
    on_line(R"x({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 1 (100)"}})x");
    return jsonResponse(200, "");
  });
  CancelToken cancel;
  int errors = 0;
  absl::Status s = client_->watch(rs_, {}, [&](WatchEvent&& e) {
    errors += e.type == WatchEvent::Type::kError;
    return true;
  }, cancel);
  EXPECT_TRUE(isGone(s)) << s;
  EXPECT_EQ(errors, 1);
}

TEST_F(RestClientTest, WatchHttp410IsGone) {
  watch_transport_->onStream([](const HttpRequest&, const LineHandler&, CancelToken&) {
    return jsonResponse(410, R"({"kind":"Status","code":410,"reason":"Gone"})");
  });
  CancelToken cancel;
  EXPECT_TRUE(isGone(client_->watch(rs_, {}, [](WatchEvent&&) { return true; }, cancel)));
}

TEST_F(RestClientTest, WatchGarbageLineEndsTheWatchWithAnError) {
  watch_transport_->onStream([](const HttpRequest&, const LineHandler& on_line, CancelToken&) {
    on_line(R"({"type":"ADDED","object":{}})");
    on_line("{not json");
    on_line(R"({"type":"ADDED","object":{}})");
    return jsonResponse(200, "");
  });
  CancelToken cancel;
  int seen = 0;
  absl::Status s = client_->watch(rs_, {}, [&](WatchEvent&&) { return ++seen, true; }, cancel);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_EQ(seen, 1);
}

TEST_F(RestClientTest, WatchCancelFromAnotherThread) {
  watch_transport_->onStream([](const HttpRequest&, const LineHandler& on_line, CancelToken& c) {
    while (!c.cancelled()) {
      on_line(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"1"}}})");
      absl::SleepFor(absl::Milliseconds(1));
    }
    return absl::StatusOr<HttpResponse>(absl::CancelledError("cancelled"));
  });
  CancelToken cancel;
  std::thread stopper([&] {
    absl::SleepFor(absl::Milliseconds(30));
    cancel.cancel();
  });
  absl::Status s = client_->watch(rs_, {}, [](WatchEvent&&) { return true; }, cancel);
  stopper.join();
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
}

TEST_F(RestClientTest, WatchWhoseConsumerStallsIsDroppedNotBuffered) {
  ClusterConfig config;
  config.server = "https://x";
  RestClientOptions options;
  options.qps = 0;
  options.watch_queue_lines = 4;
  options.watch_queue_stall = absl::Milliseconds(20);
  auto w = std::make_unique<FakeTransport>();
  w->onStream([](const HttpRequest&, const LineHandler& on_line, CancelToken&) {
    for (int i = 0; i < 1000; ++i) {
      if (!on_line(R"({"type":"ADDED","object":{"metadata":{"name":"x"}}})")) break;
    }
    return jsonResponse(200, "");
  });
  RestClient client(std::make_unique<FakeTransport>(), std::move(w), config, options, clock_);
  CancelToken cancel;
  int seen = 0;
  absl::Status s = client.watch(rs_, {}, [&](WatchEvent&&) {
    if (++seen == 1) absl::SleepFor(absl::Milliseconds(200));  // a slow handler
    return true;
  }, cancel);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_LT(seen, 1000);
}

}  // namespace
}  // namespace serin::kube
