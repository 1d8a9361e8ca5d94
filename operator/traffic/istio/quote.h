// Quoting text taken from cluster objects into error messages and events. A hostile object
// (a megabyte-long host name) must not make a megabyte-long condition message, and a cut
// must not split a UTF-8 sequence (the message is later written as JSON).
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_QUOTE_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_QUOTE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace serin::traffic::istio {

// `text` cut to about `max` bytes at a character boundary, "..." marking a cut.
inline std::string clip(std::string_view text, size_t max = 120) {
  if (text.size() <= max) return std::string(text);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

// `"text"`, clipped.
inline std::string quote(std::string_view text) { return "\"" + clip(text) + "\""; }

// A JSON value as text for a message, clipped; never throws on odd strings.
inline std::string clipJson(const nlohmann::json& value, size_t max = 40) {
  return clip(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max);
}

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_QUOTE_H_
