#include "analysis/providers/prometheus/answer_json.h"

#include <exception>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace serin::analysis::prometheus {
namespace {

using json = nlohmann::json;

// Builds the tree from SAX events. Returning false stops the parse at once.
class BoundedBuilder {
 public:
  BoundedBuilder(const AnswerJsonLimits& limits, AnswerJson& out) : limits_(limits), out_(out) {}

  bool null() { return add(json(nullptr)); }
  bool boolean(bool v) { return add(json(v)); }
  bool number_integer(json::number_integer_t v) { return add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return add(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return add(json(v)); }
  bool string(json::string_t& v) { return add(json(std::move(v))); }
  bool binary(json::binary_t&) { return add(json(nullptr)); }  // not in JSON text

  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& k) {
    if (skipping_ > 0) return true;
    // A sample's labels: never read, and most of an answer's size.
    skip_next_ = k == "metric" && stack_.back().is_result_sample;
    key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    out_.outcome = AnswerJson::Outcome::kSyntaxError;
    out_.error_byte = position;
    return false;
  }

 private:
  struct Frame {
    json* value;
    std::string path;               // "data.result[3]"; "" for the root
    size_t count = 0;               // elements so far (arrays)
    bool is_result_sample = false;  // an element of data.result
  };

  // Where a new value goes; false when it must not be kept.
  bool place(json&& v, json** placed, std::string* path, bool* result_sample) {
    if (stack_.empty()) {
      out_.doc = std::move(v);
      *placed = &out_.doc;
      return true;
    }
    Frame& top = stack_.back();
    if (top.value->is_array()) {
      if (++top.count > limits_.max_array_elements) {
        out_.outcome = AnswerJson::Outcome::kTooLong;
        out_.long_array = top.path.empty() ? "the document" : top.path;
        return false;
      }
      if (path != nullptr) {
        *path = strCat(top.path, "[", top.count - 1, "]");
        *result_sample = top.path == "data.result";
      }
      top.value->push_back(std::move(v));
      *placed = &top.value->back();
    } else {
      if (path != nullptr) *path = top.path.empty() ? key_ : strCat(top.path, ".", key_);
      json& slot = (*top.value)[key_];
      slot = std::move(v);
      *placed = &slot;
    }
    return true;
  }

  bool add(json&& v) {
    if (skipping_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    json* placed = nullptr;
    return place(std::move(v), &placed, nullptr, nullptr);
  }

  bool open(json&& container) {
    if (stack_.size() + skipping_ + 1 > limits_.max_depth) {
      out_.outcome = AnswerJson::Outcome::kTooDeep;
      return false;
    }
    if (skipping_ > 0 || skip_next_) {
      skip_next_ = false;
      ++skipping_;
      return true;
    }
    Frame frame{nullptr, "", 0, false};
    if (!place(std::move(container), &frame.value, &frame.path, &frame.is_result_sample)) {
      return false;
    }
    stack_.push_back(std::move(frame));
    return true;
  }

  bool close() {
    if (skipping_ > 0) {
      --skipping_;
    } else if (!stack_.empty()) {
      stack_.pop_back();
    }
    return true;
  }

  const AnswerJsonLimits& limits_;
  AnswerJson& out_;
  std::vector<Frame> stack_;
  std::string key_;
  bool skip_next_ = false;  // the next value is a sample's labels
  size_t skipping_ = 0;     // depth inside a skipped value
};

}  // namespace

AnswerJson readAnswerJson(std::string_view body, const AnswerJsonLimits& limits) {
  AnswerJson out;
  BoundedBuilder builder(limits, out);
  try {
    const bool ok = json::sax_parse(body.begin(), body.end(), &builder);
    if (!ok && out.outcome == AnswerJson::Outcome::kOk) {
      out.outcome = AnswerJson::Outcome::kSyntaxError;
    }
  } catch (const std::exception&) {
    // sax_parse reports syntax errors through the handler; anything else (out of memory
    // while building) is an unreadable answer all the same.
    if (out.outcome == AnswerJson::Outcome::kOk) out.outcome = AnswerJson::Outcome::kSyntaxError;
  }
  if (out.outcome != AnswerJson::Outcome::kOk) out.doc = nullptr;
  return out;
}

}  // namespace serin::analysis::prometheus
