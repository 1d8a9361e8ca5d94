#include "analysis/providers/prometheus/response.h"

#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <system_error>

#include "analysis/providers/body_excerpt.h"
#include "analysis/providers/prometheus/answer_json.h"
#include "common/json_fields.h"
#include "common/strings.h"
#include "nlohmann/json.hpp"

namespace serin::analysis::prometheus {

using providers::bodyExcerpt;

namespace {

using json = nlohmann::json;

constexpr std::string_view kAggregateHint = "aggregate the query (e.g. with sum() or topk())";

bool is2xx(int status) { return status >= 200 && status < 300; }

absl::Status unexpected(std::string_view what) {
  return absl::UnknownError(strCat("Prometheus answered an unexpected response: ", what));
}

// An answer that did not come from Prometheus' API handlers (a proxy, a load balancer,
// the wrong server): its status and the start of its body are all a user can go on.
absl::Status httpError(int status, std::string_view body) {
  std::string_view hint;
  absl::StatusCode code = absl::StatusCode::kFailedPrecondition;
  if (status == 401) {
    code = absl::StatusCode::kUnauthenticated;
    hint = " (check the credentials in provider.prometheus.headers)";
  } else if (status == 403) {
    code = absl::StatusCode::kPermissionDenied;
    hint = " (check the credentials in provider.prometheus.headers)";
  } else if (status == 404) {
    code = absl::StatusCode::kNotFound;
    hint = " (check the path in provider.prometheus.address)";
  } else if (status == 429 || status >= 500) {
    code = absl::StatusCode::kUnavailable;
  } else if (status >= 300 && status < 400) {
    hint = " (redirects are not followed: use the address it redirects to)";
  }
  const std::string excerpt = bodyExcerpt(body);
  return absl::Status(code, strCat("Prometheus answered HTTP ", status, hint,
                                   excerpt.empty() ? " with an empty body" : ": ", excerpt));
}

// Prometheus' own error object: {"status":"error","errorType":"bad_data","error":"..."}.
absl::Status apiError(const json& doc) {
  const std::string type = jsonString(doc, "errorType");
  const std::string error = jsonString(doc, "error");
  absl::StatusCode code = absl::StatusCode::kUnknown;
  if (type == "bad_data") {
    code = absl::StatusCode::kInvalidArgument;
  } else if (type == "timeout") {
    code = absl::StatusCode::kDeadlineExceeded;
  } else if (type == "unavailable" || type == "canceled") {
    code = absl::StatusCode::kUnavailable;
  } else if (type == "not_found") {
    code = absl::StatusCode::kNotFound;
  }
  std::string msg = "Prometheus: ";
  if (!type.empty()) strAppend(&msg, bodyExcerpt(type, 64), ": ");
  strAppend(&msg,
            error.empty() ? std::string("an error without a message") : bodyExcerpt(error, 1000));
  return absl::Status(code, msg);
}

// A sample value: Prometheus sends a string ("0.95", "NaN", "+Inf", "-Inf"); a bare JSON
// number, which some compatible servers send, is taken too.
absl::StatusOr<double> sampleValue(const json& v, std::string_view where) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return unexpected(strCat(where, " is not a number"));
  const std::string& text = v.get_ref<const std::string&>();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return unexpected(strCat(where, " \"", bodyExcerpt(text, 40), "\" is not a number"));
  }
  return value;
}

// [<unix time>, "<value>"]: the shape of a scalar result and of a vector sample's value.
absl::StatusOr<double> timedValue(const json& pair, std::string_view where) {
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number()) {
    return unexpected(strCat(where, " is not a [timestamp, value] pair"));
  }
  return sampleValue(pair[1], where);
}

absl::StatusOr<expr::Value> readVector(const json& result) {
  if (!result.is_array()) return unexpected("data.result of a vector is not a list");
  expr::Value::List values;
  values.reserve(result.size());
  for (size_t i = 0; i < result.size(); ++i) {
    const json& sample = result[i];
    const std::string where = strCat("data.result[", i, "].value");
    if (const json* pair = jsonMember(sample, "value"); pair != nullptr) {
      absl::StatusOr<double> v = timedValue(*pair, where);
      if (!v.ok()) return v.status();
      values.emplace_back(*v);
    } else if (jsonMember(sample, "histogram") != nullptr) {
      return absl::InvalidArgumentError(
          "native histogram samples are not supported: query a number, e.g. with "
          "histogram_quantile() or histogram_count()");
    } else {
      return unexpected(strCat("data.result[", i, "] has no value"));
    }
  }
  return expr::Value(std::move(values));
}

absl::StatusOr<expr::Value> readResult(const json& data) {
  const std::string type = jsonString(data, "resultType");
  const json* result = jsonMember(data, "result");
  if (type.empty()) return unexpected("no data.resultType");
  if (result == nullptr) return unexpected("no data.result");
  if (type == "scalar") {
    absl::StatusOr<double> v = timedValue(*result, "data.result");
    if (!v.ok()) return v.status();
    return expr::Value(*v);
  }
  if (type == "vector") return readVector(*result);
  if (type == "matrix") {
    return absl::InvalidArgumentError(
        "range vector results are not supported: use an instant vector (e.g. wrap the query "
        "in sum())");
  }
  if (type == "string") {
    return absl::InvalidArgumentError(
        "string results are not supported: the query must return a number or an instant "
        "vector");
  }
  return unexpected(strCat("unknown result type \"", bodyExcerpt(type, 40), "\""));
}

}  // namespace

absl::StatusOr<expr::Value> parsePrometheusResponse(int http_status, std::string_view body) {
  if (body.size() > kMaxResponseBytes) {
    return absl::ResourceExhaustedError(
        strCat("Prometheus answered HTTP ", http_status, " with ", body.size(),
               " bytes, more than the ", kMaxResponseBytes, " serin reads: ", kAggregateHint));
  }
  AnswerJson answer = readAnswerJson(body, {kMaxNestingDepth, kMaxSeries});
  const json& doc = answer.doc;
  if (answer.outcome != AnswerJson::Outcome::kOk || !doc.is_object()) {
    if (!is2xx(http_status)) return httpError(http_status, body);
    switch (answer.outcome) {
      case AnswerJson::Outcome::kTooDeep:
        return unexpected(strCat("JSON nested deeper than ", kMaxNestingDepth, " levels"));
      case AnswerJson::Outcome::kTooLong:
        if (answer.long_array == "data.result") {
          return absl::ResourceExhaustedError(
              strCat("Prometheus returned more than ", kMaxSeries, " series: ", kAggregateHint));
        }
        return absl::ResourceExhaustedError(strCat("Prometheus answered more than ", kMaxSeries,
                                                   " elements in ", answer.long_array, ": ",
                                                   kAggregateHint));
      case AnswerJson::Outcome::kSyntaxError: {
        const std::string excerpt = bodyExcerpt(body);
        return absl::UnknownError(strCat("Prometheus answered HTTP ", http_status,
                                         " with a body that is not JSON (error at byte ",
                                         answer.error_byte, ")", excerpt.empty() ? "" : ": ",
                                         excerpt));
      }
      case AnswerJson::Outcome::kOk:
        break;
    }
    return unexpected("the body is not a JSON object");
  }
  const std::string status = jsonString(doc, "status");
  // Prometheus' API errors come with 400, 422 or 503; proxies may relay them with others.
  if (status == "error") return apiError(doc);
  if (!is2xx(http_status)) return httpError(http_status, body);
  if (status != "success") {
    return unexpected(status.empty() ? std::string("no \"status\"")
                                     : strCat("status \"", bodyExcerpt(status, 40), "\""));
  }
  const json* data = jsonMember(doc, "data");
  if (data == nullptr || !data->is_object()) return unexpected("no \"data\" object");
  return readResult(*data);
}

}  // namespace serin::analysis::prometheus
