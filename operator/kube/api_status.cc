#include "operator/kube/api_status.h"

#include <charconv>
#include <string>

#include "absl/strings/cord.h"
#include "common/json_fields.h"
#include "common/strings.h"
#include "nlohmann/json.hpp"

namespace serin::kube {
namespace {

constexpr char kHttpPayload[] = "serin.io/http-status";

absl::StatusCode codeFor(int http, std::string_view reason) {
  switch (http) {
    case 400: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 405: return absl::StatusCode::kUnimplemented;
    case 409:
      return reason == "AlreadyExists" ? absl::StatusCode::kAlreadyExists
                                       : absl::StatusCode::kAborted;
    case 410: return absl::StatusCode::kOutOfRange;
    case 413: return absl::StatusCode::kInvalidArgument;
    case 415: return absl::StatusCode::kInvalidArgument;
    case 422: return absl::StatusCode::kInvalidArgument;
    case 429: return absl::StatusCode::kResourceExhausted;
    case 500: return absl::StatusCode::kInternal;
    case 504: return absl::StatusCode::kDeadlineExceeded;
    default: break;
  }
  if (http >= 500) return absl::StatusCode::kUnavailable;
  if (http >= 400) return absl::StatusCode::kFailedPrecondition;
  return absl::StatusCode::kUnknown;
}

// The message, reason and causes of a metav1.Status body; the raw text when it is not one.
struct ServerAnswer {
  std::string reason;
  std::string message;
};

ServerAnswer parseAnswer(std::string_view body) {
  ServerAnswer answer;
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (jsonString(j, "kind") == "Status") {
    answer.reason = jsonString(j, "reason");
    answer.message = jsonString(j, "message");
    if (answer.message.empty()) {
      for (const auto& c : jsonArray(jsonObject(j, "details"), "causes")) {
        if (!answer.message.empty()) answer.message += "; ";
        answer.message += jsonString(c, "field");
        answer.message += ": ";
        answer.message += jsonString(c, "message");
      }
    }
    return answer;
  }
  std::string text(body.substr(0, 500));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  answer.message = text;
  return answer;
}

absl::Status withHttp(absl::Status status, int http) {
  status.SetPayload(kHttpPayload, absl::Cord(std::to_string(http)));
  return status;
}

}  // namespace

absl::Status statusFromResponse(const HttpResponse& response, std::string_view what) {
  if (response.status >= 200 && response.status < 300) return absl::OkStatus();
  const ServerAnswer answer = parseAnswer(response.body);
  std::string message = strCat(what, ": HTTP ", response.status);
  if (!answer.reason.empty()) strAppend(&message, " ", answer.reason);
  if (!answer.message.empty()) strAppend(&message, ": ", answer.message);
  return withHttp(absl::Status(codeFor(response.status, answer.reason), message), response.status);
}

std::optional<int> httpStatusOf(const absl::Status& status) {
  auto payload = status.GetPayload(kHttpPayload);
  if (!payload) return std::nullopt;
  const std::string text(*payload);
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

bool isGone(const absl::Status& status) { return httpStatusOf(status) == 410; }

std::optional<absl::Duration> retryAfter(const HttpResponse& response) {
  auto it = response.headers.find("retry-after");
  if (it == response.headers.end()) return std::nullopt;
  int seconds = 0;
  const std::string& v = it->second;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec != std::errc() || seconds < 0 || seconds > 600) return std::nullopt;
  return absl::Seconds(seconds);
}

absl::Status statusFromWatchError(std::string_view status_json, std::string_view what) {
  auto j = nlohmann::json::parse(status_json, nullptr, false);
  int code = 500;
  if (auto c = jsonInt(j, "code"); c && *c >= 100 && *c <= 599) code = static_cast<int>(*c);
  // "Expired" / "Gone" both mean: the resource version is too old.
  const std::string reason = jsonString(j, "reason");
  if (reason == "Expired" || reason == "Gone") code = 410;
  HttpResponse fake;
  fake.status = code;
  fake.body = std::string(status_json);
  return statusFromResponse(fake, what);
}

}  // namespace serin::kube
