// Decoding one line of a watch stream. The API server sends one JSON object per line,
// {"type": "ADDED", "object": {...}}; this turns a line into a WatchEvent. Pure (no I/O),
// so it is unit-tested and fuzzed on its own (tests/operator/kube/watch_event_fuzz.cc).
#ifndef SERIN_OPERATOR_KUBE_WATCH_EVENT_H_
#define SERIN_OPERATOR_KUBE_WATCH_EVENT_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "operator/kube/kube_client.h"

namespace serin::kube {

// The event on `line`. InvalidArgument when the line is not a JSON object, its "type" is
// not one of ADDED, MODIFIED, DELETED, BOOKMARK, ERROR, or (for all but ERROR) its
// "object" is not an object. For ERROR, `object` is whatever the server sent (a
// metav1.Status; null when absent): statusFromWatchError() reads it. Never throws.
absl::StatusOr<WatchEvent> decodeWatchEvent(std::string_view line);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_WATCH_EVENT_H_
