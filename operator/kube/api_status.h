// Turning API server answers into absl::Status values the controller can act on:
//   404 NotFound            409 AlreadyExists (create) / Aborted (conflict: re-read, replan)
//   410 OutOfRange (Gone: the resource version is too old; re-list)
//   422/400 InvalidArgument (with the server's field causes)   401 Unauthenticated
//   403 PermissionDenied    429 ResourceExhausted   5xx Unavailable / DeadlineExceeded
// Every such status carries the HTTP code as a payload (httpStatusOf).
#ifndef SERIN_OPERATOR_KUBE_API_STATUS_H_
#define SERIN_OPERATOR_KUBE_API_STATUS_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "operator/kube/http_transport.h"

namespace serin::kube {

// OK for 2xx. Otherwise a status whose message starts with `what` (e.g. "update
// replicasets shop/web") and then the server's message, including each field cause of a
// 422 ("spec.replicas: Invalid value: -1: must be greater than or equal to 0").
absl::Status statusFromResponse(const HttpResponse& response, std::string_view what);

// The HTTP status code a Status came from, if it came from a response.
std::optional<int> httpStatusOf(const absl::Status& status);

// True for 410 Gone and for a watch ERROR event saying the resource version is too old.
bool isGone(const absl::Status& status);

// The server's Retry-After, when present and sane (0..10 min).
std::optional<absl::Duration> retryAfter(const HttpResponse& response);

// Builds the status for a watch ERROR event's object (a metav1.Status as JSON text).
absl::Status statusFromWatchError(std::string_view status_json, std::string_view what);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_API_STATUS_H_
