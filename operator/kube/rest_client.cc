#include "operator/kube/rest_client.h"

#include <atomic>
#include <thread>
#include <utility>

#include "common/json_fields.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/kube/api_status.h"
#include "operator/kube/backoff.h"
#include "operator/kube/bounded_queue.h"
#include "operator/kube/watch_event.h"

namespace serin::kube {
namespace {

constexpr absl::Duration kTokenRereadInterval = absl::Minutes(1);

std::string objectName(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : strCat(ns, "/", name);
}

std::string contentTypeOf(PatchType type) {
  switch (type) {
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kJson: return "application/json-patch+json";
    case PatchType::kStrategicMerge: return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

void addQuery(std::string& target, std::string_view key, std::string_view value) {
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += key;
  target += '=';
  target += urlEncode(value);
}

absl::StatusOr<nlohmann::json> parseBody(const HttpResponse& response, std::string_view what) {
  auto j = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return absl::UnavailableError(strCat(what, ": the server answered HTTP ", response.status,
                                         " with a body that is not JSON"));
  }
  return j;
}

// Parses one page of a list, handing each element of `items` to `on_item` as soon as it is
// complete and dropping it from the page: a page of 500 objects never exists as one tree
// (about 7 times its text), only one object at a time. Returns the rest of the page (kind,
// metadata).
absl::StatusOr<nlohmann::json> parseListPage(const HttpResponse& response, std::string_view what,
                                             const std::function<void(nlohmann::json&&)>& on_item) {
  using Event = nlohmann::json::parse_event_t;
  bool in_items = false;     // the page's key being parsed is "items"
  bool items_array = false;  // ... and its value is an array
  // nlohmann's depths: 1 for the page's keys and the start of its values, 2 for the
  // completion of an element of a top-level array.
  nlohmann::json::parser_callback_t callback = [&](int depth, Event event,
                                                   nlohmann::json& parsed) {
    if (depth == 1 && event == Event::key) {
      in_items = parsed.is_string() && parsed.get_ref<const std::string&>() == "items";
      items_array = false;
    } else if (depth == 1 && event == Event::array_start) {
      items_array = in_items;
    } else if (items_array && depth == 2 &&
               (event == Event::object_end || event == Event::array_end ||
                event == Event::value)) {
      on_item(std::move(parsed));
      return false;  // and drop it from the page
    }
    return true;
  };
  auto page = nlohmann::json::parse(response.body, callback, /*allow_exceptions=*/false);
  if (page.is_discarded()) {
    return absl::UnavailableError(strCat(what, ": the server answered HTTP ", response.status,
                                         " with a body that is not JSON"));
  }
  if (!page.is_object()) return absl::UnavailableError(strCat(what, ": not an object"));
  auto items = page.find("items");
  if (items != page.end() && !items->is_array() && !items->is_null()) {
    return absl::UnavailableError(strCat(what, ": items is not a list"));
  }
  return page;
}

}  // namespace

RestClient::RestClient(std::unique_ptr<HttpTransport> transport,
                       std::unique_ptr<HttpTransport> watch_transport, ClusterConfig config,
                       RestClientOptions options, const Clock& clock, const WriteFence* fence,
                       RequestMetrics* metrics)
    : transport_(std::move(transport)),
      watch_transport_(std::move(watch_transport)),
      config_(std::move(config)),
      options_(std::move(options)),
      clock_(clock),
      limiter_(options_.qps, options_.burst, clock),
      metrics_(metrics),
      fence_(fence),
      token_read_at_(clock.now()) {}

void RestClient::setFence(const WriteFence* fence) {
  std::lock_guard<std::mutex> lock(mu_);
  fence_ = fence;
}

void RestClient::authorize(HttpRequest& request) {
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time now = clock_.now();
    if (!config_.token_file.empty() && now - token_read_at_ > kTokenRereadInterval) {
      currentBearerToken(config_);
      token_read_at_ = now;
    }
    token = config_.bearer_token;
  }
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", options_.user_agent);
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
}

absl::StatusOr<HttpResponse> RestClient::execute(HttpRequest request, const Call& call) {
  request.timeout = options_.request_timeout;
  authorize(request);
  Backoff backoff(options_.retry_initial, options_.retry_max);
  const bool idempotent = !call.mutating;
  for (int attempt = 0;; ++attempt) {
    limiter_.acquire();
    if (call.mutating) {
      // Checked after the rate limiter's wait and before every attempt: the last moment
      // before the request leaves this process.
      absl::Status allowed;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (fence_ != nullptr) allowed = fence_->checkWrite();
      }
      if (!allowed.ok()) {
        return absl::FailedPreconditionError(strCat(call.what, ": not sent: ", allowed.message()));
      }
    }
    const absl::Time start = clock_.now();
    absl::StatusOr<HttpResponse> response = transport_->send(request);
    if (metrics_ != nullptr) {
      metrics_->record(call.resource->plural, call.ns, call.verb,
                       response.ok() ? response->status : 0, clock_.now() - start);
    }
    const bool last = attempt >= options_.max_retries;
    if (!response.ok()) {
      if (!idempotent || last) {
        return absl::Status(response.status().code(),
                            strCat(call.what, ": ", response.status().message()));
      }
      absl::SleepFor(backoff.next());
      continue;
    }
    const int code = response->status;
    const std::optional<absl::Duration> wait = retryAfter(*response);
    const bool retryable = code == 429 || (code >= 500 && (idempotent || wait.has_value()));
    if (retryable && !last) {
      absl::SleepFor(wait.value_or(backoff.next()));
      continue;
    }
    return response;
  }
}

absl::StatusOr<nlohmann::json> RestClient::executeJson(HttpRequest request, const Call& call) {
  ASSIGN_OR_RETURN(HttpResponse response, execute(std::move(request), call));
  RETURN_IF_ERROR(statusFromResponse(response, call.what));
  return parseBody(response, call.what);
}

absl::StatusOr<nlohmann::json> RestClient::get(const Resource& resource, std::string_view ns,
                                               std::string_view name) {
  HttpRequest req;
  req.target = resource.objectPath(ns, name);
  return executeJson(std::move(req), {&resource, std::string(ns), "Get", false,
                                      strCat("get ", resource.plural, " ", objectName(ns, name))});
}

absl::StatusOr<std::string> RestClient::listEach(
    const Resource& resource, const ListOptions& options,
    const std::function<void(nlohmann::json&&)>& on_item) {
  const Call call{&resource, options.ns, "List", false,
                  strCat("list ", resource.plural,
                         options.ns.empty() ? "" : strCat(" in ", options.ns))};
  std::string continue_token;
  for (;;) {
    HttpRequest req;
    req.target = resource.collectionPath(options.ns);
    if (options.page_size > 0) addQuery(req.target, "limit", std::to_string(options.page_size));
    if (!continue_token.empty()) addQuery(req.target, "continue", continue_token);
    if (!options.label_selector.empty()) addQuery(req.target, "labelSelector", options.label_selector);
    if (!options.field_selector.empty()) addQuery(req.target, "fieldSelector", options.field_selector);
    ASSIGN_OR_RETURN(HttpResponse response, execute(std::move(req), call));
    RETURN_IF_ERROR(statusFromResponse(response, call.what));
    ASSIGN_OR_RETURN(nlohmann::json page, parseListPage(response, call.what, on_item));
    const nlohmann::json& meta = jsonObject(page, "metadata");
    continue_token = jsonString(meta, "continue");
    if (continue_token.empty()) return jsonString(meta, "resourceVersion");
  }
}

absl::StatusOr<nlohmann::json> RestClient::create(const Resource& resource, std::string_view ns,
                                                  const nlohmann::json& object) {
  HttpRequest req;
  req.method = "POST";
  req.target = resource.collectionPath(ns);
  req.body = object.dump();
  req.headers.emplace_back("Content-Type", "application/json");
  const std::string name = jsonString(jsonObject(object, "metadata"), "name");
  return executeJson(std::move(req), {&resource, std::string(ns), "Create", true,
                                      strCat("create ", resource.plural, " ", objectName(ns, name))});
}

absl::StatusOr<nlohmann::json> RestClient::update(const Resource& resource,
                                                  const nlohmann::json& object,
                                                  std::string_view subresource) {
  const nlohmann::json& meta = jsonObject(object, "metadata");
  const std::string ns = jsonString(meta, "namespace");
  const std::string name = jsonString(meta, "name");
  if (name.empty()) {
    return absl::InvalidArgumentError(strCat("update ", resource.plural, ": metadata.name is empty"));
  }
  HttpRequest req;
  req.method = "PUT";
  req.target = resource.objectPath(ns, name, subresource);
  req.body = object.dump();
  req.headers.emplace_back("Content-Type", "application/json");
  return executeJson(std::move(req),
                     {&resource, ns, "Update", true,
                      strCat("update ", resource.plural, subresource.empty() ? "" : "/",
                             subresource, " ", objectName(ns, name))});
}

absl::StatusOr<nlohmann::json> RestClient::patch(const Resource& resource, std::string_view ns,
                                                 std::string_view name, PatchType type,
                                                 const nlohmann::json& patch,
                                                 std::string_view subresource) {
  HttpRequest req;
  req.method = "PATCH";
  req.target = resource.objectPath(ns, name, subresource);
  req.body = patch.dump();
  req.headers.emplace_back("Content-Type", contentTypeOf(type));
  return executeJson(std::move(req),
                     {&resource, std::string(ns), "Patch", true,
                      strCat("patch ", resource.plural, subresource.empty() ? "" : "/",
                             subresource, " ", objectName(ns, name))});
}

absl::Status RestClient::remove(const Resource& resource, std::string_view ns,
                                std::string_view name, const DeleteOptions& options) {
  HttpRequest req;
  req.method = "DELETE";
  req.target = resource.objectPath(ns, name);
  nlohmann::json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"},
                         {"propagationPolicy", options.propagation_policy}};
  if (!options.precondition_uid.empty()) body["preconditions"] = {{"uid", options.precondition_uid}};
  req.body = body.dump();
  req.headers.emplace_back("Content-Type", "application/json");
  const Call call{&resource, std::string(ns), "Delete", true,
                  strCat("delete ", resource.plural, " ", objectName(ns, name))};
  ASSIGN_OR_RETURN(HttpResponse response, execute(std::move(req), call));
  return statusFromResponse(response, call.what);
}

absl::Status RestClient::watch(const Resource& resource, const WatchOptions& options,
                               const std::function<bool(WatchEvent&&)>& on_event,
                               CancelToken& cancel) {
  const std::string what = strCat("watch ", resource.plural,
                                  options.ns.empty() ? "" : strCat(" in ", options.ns));
  HttpRequest req;
  req.target = resource.collectionPath(options.ns);
  addQuery(req.target, "watch", "1");
  if (!options.resource_version.empty()) {
    addQuery(req.target, "resourceVersion", options.resource_version);
  }
  if (options.bookmarks) addQuery(req.target, "allowWatchBookmarks", "true");
  addQuery(req.target, "timeoutSeconds",
           std::to_string(absl::ToInt64Seconds(options.server_timeout)));
  if (!options.label_selector.empty()) addQuery(req.target, "labelSelector", options.label_selector);
  authorize(req);
  // Silence longer than the server's own timeout (plus slack) means a dead connection.
  req.timeout = options.server_timeout + absl::Seconds(30);

  limiter_.acquire();
  // The reader thread only moves lines off the connection into a bounded queue, so the
  // socket is drained promptly; this thread decodes and delivers them.
  BoundedQueue<std::string> lines(options_.watch_queue_lines);
  CancelToken stream_cancel;
  cancel.onCancel([&stream_cancel] { stream_cancel.cancel(); });
  std::atomic<bool> overflow{false};
  absl::StatusOr<HttpResponse> streamed = absl::UnknownError("watch did not run");
  const absl::Time start = clock_.now();
  std::thread reader([&] {
    streamed = watch_transport_->stream(
        req,
        [&](std::string_view line) {
          if (lines.push(std::string(line), options_.watch_queue_stall)) return true;
          overflow = true;
          return false;
        },
        stream_cancel);
    lines.close();
  });

  absl::Status result = absl::OkStatus();
  bool stopped = false;
  while (std::optional<std::string> line = lines.pop()) {
    if (stopped) continue;  // drain until the reader ends
    absl::StatusOr<WatchEvent> event = decodeWatchEvent(*line);
    if (!event.ok()) {
      result = absl::UnavailableError(strCat(what, ": the server sent a line that is not a watch "
                                                   "event: ", event.status().message()));
      stopped = true;
    } else if (event->type == WatchEvent::Type::kError) {
      result = statusFromWatchError(event->object.dump(), what);
      on_event(*std::move(event));
      stopped = true;
    } else if (!on_event(*std::move(event))) {
      stopped = true;
    }
    if (stopped) {
      stream_cancel.cancel();
      lines.close();
    }
  }
  reader.join();
  cancel.clearHook();
  if (metrics_ != nullptr) {
    metrics_->record(resource.plural, options.ns, "Watch", streamed.ok() ? streamed->status : 0,
                     clock_.now() - start);
  }
  if (stopped) return result;
  if (overflow) {
    return absl::UnavailableError(strCat(what, ": events arrived faster than they were handled; "
                                               "the watch was dropped to bound memory"));
  }
  if (cancel.cancelled()) return absl::CancelledError(strCat(what, ": cancelled"));
  if (!streamed.ok()) {
    return absl::Status(streamed.status().code(), strCat(what, ": ", streamed.status().message()));
  }
  return statusFromResponse(*streamed, what);
}

}  // namespace serin::kube
