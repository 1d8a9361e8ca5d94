// Builtins on lists and maps, including those taking a predicate. See builtins.h.
#include <cmath>
#include <cstdint>
#include <string>

#include "analysis/expr/builtin_functions.h"
#include "analysis/expr/numbers.h"
#include "common/strings.h"

namespace serin::expr::builtins {
namespace {

using Kind = Value::Kind;

absl::StatusOr<const Value::List*> listArgument(Args args, CallContext& call,
                                                std::string_view function) {
  if (args[0].kind() != Kind::kList) {
    return call.fail(strCat(function, " expects a list, got ", describeValue(args[0])));
  }
  return &args[0].asList();
}

absl::StatusOr<const Value::Map*> mapArgument(Args args, CallContext& call,
                                              std::string_view function) {
  if (args[0].kind() != Kind::kMap) {
    return call.fail(strCat(function, " expects a map, got ", describeValue(args[0])));
  }
  return &args[0].asMap();
}

// Runs the predicate on one element and insists on a bool: expr is strict here, and a
// predicate that returns a number is almost always a mistake worth reporting.
absl::StatusOr<bool> testElement(CallContext& call, std::string_view function, const Value& element,
                                 size_t index) {
  absl::StatusOr<Value> result = call.callClosure(element, static_cast<int64_t>(index));
  if (!result.ok()) return result.status();
  if (result->kind() != Kind::kBool) {
    return call.fail(
        strCat("the predicate of ", function, " must return a bool, got ", describeValue(*result)));
  }
  return result->asBool();
}

// The element itself, or what the optional closure maps it to.
absl::StatusOr<Value> mapped(CallContext& call, const Value& element, size_t index) {
  if (!call.hasClosure()) return element;
  return call.callClosure(element, static_cast<int64_t>(index));
}

absl::StatusOr<Value> extremum(Args args, CallContext& call, std::string_view function,
                               bool want_max) {
  // min(a, b, c) or min(list).
  std::span<const Value> items = args;
  if (args.size() == 1 && args[0].kind() == Kind::kList) items = args[0].asList();
  if (items.empty()) return call.fail(strCat(function, " of an empty list"));
  if (absl::Status s = call.charge(static_cast<int64_t>(items.size())); !s.ok()) return s;
  const Value* best = nullptr;
  for (const Value& item : items) {
    if (!item.isNumber()) {
      return call.fail(strCat(function, " expects numbers, got ", describeValue(item)));
    }
    // NaN poisons the result, as with math.Min: "no data" must not read as a minimum.
    if (item.kind() == Kind::kFloat && std::isnan(item.asFloat())) return item;
    if (best == nullptr) {
      best = &item;
      continue;
    }
    std::partial_ordering order = compareNumbers(item, *best);
    if (want_max ? order > 0 : order < 0) best = &item;
  }
  return *best;
}

// Sums numbers exactly while they are ints; the first float makes the sum a float.
class NumberSum {
 public:
  absl::Status add(const Value& v, CallContext& call, std::string_view function) {
    if (!v.isNumber()) {
      return call.fail(strCat(function, " expects numbers, got ", describeValue(v)));
    }
    if (!is_float_ && v.kind() == Kind::kInt) {
      if (__builtin_add_overflow(int_sum_, v.asInt(), &int_sum_)) {
        return call.fail(strCat("integer overflow in ", function));
      }
      return absl::OkStatus();
    }
    if (!is_float_) {
      is_float_ = true;
      float_sum_ = static_cast<double>(int_sum_);
    }
    float_sum_ += v.toDouble();
    return absl::OkStatus();
  }
  Value total() const { return is_float_ ? Value(float_sum_) : Value(int_sum_); }
  double totalAsDouble() const { return is_float_ ? float_sum_ : static_cast<double>(int_sum_); }

 private:
  bool is_float_ = false;
  int64_t int_sum_ = 0;
  double float_sum_ = 0;
};

absl::StatusOr<NumberSum> sumOf(Args args, CallContext& call, std::string_view function,
                                size_t* count) {
  absl::StatusOr<const Value::List*> list = listArgument(args, call, function);
  if (!list.ok()) return list.status();
  if (absl::Status s = call.charge(static_cast<int64_t>((*list)->size())); !s.ok()) return s;
  NumberSum sum;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    absl::StatusOr<Value> v = mapped(call, (**list)[i], i);
    if (!v.ok()) return v.status();
    if (absl::Status s = sum.add(*v, call, function); !s.ok()) return s;
  }
  *count = (*list)->size();
  return sum;
}

// all/any/none/one: how many elements pass, stopping once the answer is known.
enum class Quantifier { kAll, kAny, kNone, kOne };

absl::StatusOr<Value> quantify(Args args, CallContext& call, std::string_view function,
                               Quantifier quantifier) {
  absl::StatusOr<const Value::List*> list = listArgument(args, call, function);
  if (!list.ok()) return list.status();
  size_t passed = 0;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    absl::StatusOr<bool> pass = testElement(call, function, (**list)[i], i);
    if (!pass.ok()) return pass.status();
    if (*pass) ++passed;
    switch (quantifier) {
      case Quantifier::kAll:
        if (!*pass) return Value(false);
        break;
      case Quantifier::kAny:
        if (*pass) return Value(true);
        break;
      case Quantifier::kNone:
        if (*pass) return Value(false);
        break;
      case Quantifier::kOne:
        if (passed > 1) return Value(false);
        break;
    }
  }
  switch (quantifier) {
    case Quantifier::kAll:
      return Value(true);
    case Quantifier::kAny:
      return Value(false);
    case Quantifier::kNone:
      return Value(true);
    case Quantifier::kOne:
      return Value(passed == 1);
  }
  return Value(false);
}

}  // namespace

absl::StatusOr<Value> min(Args args, CallContext& call) {
  return extremum(args, call, "min", false);
}

absl::StatusOr<Value> max(Args args, CallContext& call) {
  return extremum(args, call, "max", true);
}

absl::StatusOr<Value> sum(Args args, CallContext& call) {
  size_t count = 0;
  absl::StatusOr<NumberSum> total = sumOf(args, call, "sum", &count);
  if (!total.ok()) return total.status();
  return total->total();
}

absl::StatusOr<Value> mean(Args args, CallContext& call) {
  size_t count = 0;
  absl::StatusOr<NumberSum> total = sumOf(args, call, "mean", &count);
  if (!total.ok()) return total.status();
  if (count == 0) return call.fail("mean of an empty list");
  return Value(total->totalAsDouble() / static_cast<double>(count));
}

absl::StatusOr<Value> all(Args args, CallContext& call) {
  return quantify(args, call, "all", Quantifier::kAll);
}

absl::StatusOr<Value> any(Args args, CallContext& call) {
  return quantify(args, call, "any", Quantifier::kAny);
}

absl::StatusOr<Value> none(Args args, CallContext& call) {
  return quantify(args, call, "none", Quantifier::kNone);
}

absl::StatusOr<Value> one(Args args, CallContext& call) {
  return quantify(args, call, "one", Quantifier::kOne);
}

absl::StatusOr<Value> filter(Args args, CallContext& call) {
  absl::StatusOr<const Value::List*> list = listArgument(args, call, "filter");
  if (!list.ok()) return list.status();
  Value::List kept;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    absl::StatusOr<bool> pass = testElement(call, "filter", (**list)[i], i);
    if (!pass.ok()) return pass.status();
    if (*pass) kept.push_back((**list)[i]);
  }
  return Value(std::move(kept));
}

absl::StatusOr<Value> map(Args args, CallContext& call) {
  absl::StatusOr<const Value::List*> list = listArgument(args, call, "map");
  if (!list.ok()) return list.status();
  Value::List out;
  out.reserve((*list)->size());
  for (size_t i = 0; i < (*list)->size(); ++i) {
    absl::StatusOr<Value> v = call.callClosure((**list)[i], static_cast<int64_t>(i));
    if (!v.ok()) return v.status();
    out.push_back(*std::move(v));
  }
  return Value(std::move(out));
}

absl::StatusOr<Value> count(Args args, CallContext& call) {
  absl::StatusOr<const Value::List*> list = listArgument(args, call, "count");
  if (!list.ok()) return list.status();
  if (absl::Status s = call.charge(static_cast<int64_t>((*list)->size())); !s.ok()) return s;
  int64_t passed = 0;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const Value& element = (**list)[i];
    if (!call.hasClosure()) {
      // count(list) counts true elements, as in expr.
      if (element.kind() != Kind::kBool) {
        return call.fail(
            strCat("count without a predicate expects bools, got ", describeValue(element)));
      }
      passed += element.asBool() ? 1 : 0;
      continue;
    }
    absl::StatusOr<bool> pass = testElement(call, "count", element, i);
    if (!pass.ok()) return pass.status();
    passed += *pass ? 1 : 0;
  }
  return Value(passed);
}

absl::StatusOr<Value> first(Args args, CallContext& call) {
  absl::StatusOr<const Value::List*> list = listArgument(args, call, "first");
  if (!list.ok()) return list.status();
  return (*list)->empty() ? Value() : (*list)->front();
}

absl::StatusOr<Value> last(Args args, CallContext& call) {
  absl::StatusOr<const Value::List*> list = listArgument(args, call, "last");
  if (!list.ok()) return list.status();
  return (*list)->empty() ? Value() : (*list)->back();
}

absl::StatusOr<Value> keys(Args args, CallContext& call) {
  absl::StatusOr<const Value::Map*> map = mapArgument(args, call, "keys");
  if (!map.ok()) return map.status();
  if (absl::Status s = call.charge(static_cast<int64_t>((*map)->size())); !s.ok()) return s;
  Value::List out;
  out.reserve((*map)->size());
  for (const auto& [key, value] : **map) out.emplace_back(key);
  return Value(std::move(out));
}

absl::StatusOr<Value> values(Args args, CallContext& call) {
  absl::StatusOr<const Value::Map*> map = mapArgument(args, call, "values");
  if (!map.ok()) return map.status();
  if (absl::Status s = call.charge(static_cast<int64_t>((*map)->size())); !s.ok()) return s;
  Value::List out;
  out.reserve((*map)->size());
  for (const auto& [key, value] : **map) out.push_back(value);
  return Value(std::move(out));
}

}  // namespace serin::expr::builtins
