// Parsing the JSON of a Prometheus API answer within bounds, in time linear in its size.
//
// nlohmann's parse() with a callback (the library's way to drop parts of a document) is
// quadratic for arrays of objects: after every object it rescans the enclosing array for
// dropped values, so 600,000 samples took 144 s here. A plain parse() keeps every series'
// labels, the bulk of an answer, that serin never reads. This reader is a SAX handler
// instead: it skips labels, and stops at the first array or nesting beyond its limits.
#ifndef SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_ANSWER_JSON_H_
#define SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_ANSWER_JSON_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace serin::analysis::prometheus {

struct AnswerJsonLimits {
  size_t max_depth = 32;              // arrays and objects nested in one another
  size_t max_array_elements = 10000;  // in any one array
};

struct AnswerJson {
  enum class Outcome {
    kOk,
    kSyntaxError,  // not JSON: see error_byte
    kTooDeep,      // nested deeper than max_depth
    kTooLong,      // an array longer than max_array_elements: see long_array
  };
  Outcome outcome = Outcome::kOk;
  // The document (kOk only), without the "metric" (labels) object of any sample: the
  // member "metric" of objects inside data.result is dropped.
  nlohmann::json doc;
  size_t error_byte = 0;   // kSyntaxError: 1-based position of the error
  std::string long_array;  // kTooLong: its path, e.g. "data.result"
};

// Never throws.
AnswerJson readAnswerJson(std::string_view body, const AnswerJsonLimits& limits = {});

}  // namespace serin::analysis::prometheus

#endif  // SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_ANSWER_JSON_H_
