// Reading the answer of Prometheus' instant-query API (/api/v1/query) into the value a
// condition sees as `result`. Pure: no I/O, so every answer a server or a proxy in front of
// it can give is tested from recorded text.
#ifndef SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_RESPONSE_H_
#define SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_RESPONSE_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "analysis/expr/value.h"

namespace serin::analysis::prometheus {

// Bounds on what is read, so a hostile or misdirected server cannot exhaust memory, stack
// or time. A real answer is nested 6 levels deep; a vector of more than kMaxSeries series
// cannot be judged sensibly by `result[0]`-style conditions anyway. Parsing is linear in
// the body's size and stops at the first bound crossed (answer_json.h).
inline constexpr size_t kMaxResponseBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxNestingDepth = 32;
inline constexpr size_t kMaxSeries = 10000;

// `http_status` and `body` of the answer to a query, as:
//   - a scalar: Value(double)
//   - an instant vector: Value(List) of the samples' values, as doubles, in the order
//     Prometheus listed them; empty when no series matched. Labels are ignored.
// Sample values "NaN", "+Inf" and "-Inf" become IEEE NaN and infinities, unjudged.
// Warnings are ignored. Errors, each with a message a user can act on:
//   - Prometheus' own error (any HTTP status): "Prometheus: bad_data: parse error at ..."
//     (InvalidArgument for bad_data, DeadlineExceeded for timeout, Unavailable for
//     unavailable/canceled, NotFound for not_found, else Unknown)
//   - anything else at a non-2xx status: "Prometheus answered HTTP 502: <excerpt>"
//     (Unavailable for 429 and 5xx, Unauthenticated 401, PermissionDenied 403, NotFound
//     404, FailedPrecondition for other 3xx/4xx)
//   - a 2xx body that is not JSON: "Prometheus answered HTTP 200 with a body that is not
//     JSON (at byte 57): <excerpt>"
//   - a range vector: "range vector results are not supported: use an instant vector (e.g.
//     wrap the query in sum())"; a string result: "string results are not supported: ..."
//   - any other unexpected shape: "Prometheus answered an unexpected response: <what>"
//     (Unknown)
//   - beyond the bounds above (ResourceExhausted): "Prometheus returned more than 10000
//     series: aggregate the query (e.g. with sum() or topk())"
// Never throws.
absl::StatusOr<expr::Value> parsePrometheusResponse(int http_status, std::string_view body);

}  // namespace serin::analysis::prometheus

#endif  // SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_RESPONSE_H_
