// Builtins on single values: numbers, strings, nil. See builtins.h for the contracts.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "analysis/expr/builtin_functions.h"
#include "analysis/expr/numbers.h"
#include "common/strings.h"

namespace serin::expr::builtins {
namespace {

using Kind = Value::Kind;

constexpr std::string_view kAsciiSpace = " \t\n\r\v\f";

bool isFloatNaN(const Value& v) { return v.kind() == Kind::kFloat && std::isnan(v.asFloat()); }

absl::Status expected(CallContext& call, std::string_view function, std::string_view what,
                      const Value& got) {
  return call.fail(strCat(function, " expects ", what, ", got ", describeValue(got)));
}

}  // namespace

absl::StatusOr<Value> len(Args args, CallContext& call) {
  const Value& v = args[0];
  switch (v.kind()) {
    case Kind::kString:
      return Value(static_cast<int64_t>(v.asString().size()));
    case Kind::kList:
      return Value(static_cast<int64_t>(v.asList().size()));
    case Kind::kMap:
      return Value(static_cast<int64_t>(v.asMap().size()));
    default:
      return expected(call, "len", "a string, list or map", v);
  }
}

absl::StatusOr<Value> isNaN(Args args, CallContext& call) {
  if (!args[0].isNumber()) return expected(call, "isNaN", "a number", args[0]);
  return Value(isFloatNaN(args[0]));
}

absl::StatusOr<Value> isInf(Args args, CallContext& call) {
  if (!args[0].isNumber()) return expected(call, "isInf", "a number", args[0]);
  double sign = 0;
  if (args.size() > 1) {
    if (!args[1].isNumber()) return expected(call, "isInf", "a number as sign", args[1]);
    sign = args[1].toDouble();
  }
  if (args[0].kind() != Kind::kFloat) return Value(false);
  double x = args[0].asFloat();
  return Value((sign >= 0 && x == INFINITY) || (sign <= 0 && x == -INFINITY));
}

absl::StatusOr<Value> isNil(Args args, CallContext&) { return Value(args[0].isNil()); }

// Argo Rollouts' default(): a missing value (nil) and "no data" (a NaN, what Prometheus
// returns for 0/0) both take the default, so `default(result[0], 0) >= 1` decides even
// when a query has no traffic to divide.
absl::StatusOr<Value> defaultValue(Args args, CallContext&) {
  if (args[0].isNil() || isFloatNaN(args[0])) return args[1];
  return args[0];
}

absl::StatusOr<Value> asInt(Args args, CallContext& call) {
  const Value& v = args[0];
  Value number = v;
  if (v.kind() == Kind::kString) {
    std::optional<Value> parsed = parseNumber(v.asString());
    if (!parsed) return call.fail(strCat("cannot convert ", describeValue(v), " to int"));
    number = *parsed;
  }
  if (number.kind() == Kind::kInt) return number;
  if (number.kind() != Kind::kFloat) {
    return expected(call, "int conversion", "a number or a numeric string", v);
  }
  std::optional<int64_t> truncated = truncateToInt(number.asFloat());
  if (!truncated) return call.fail(strCat("cannot convert ", describeValue(v), " to int"));
  return Value(*truncated);
}

absl::StatusOr<Value> asFloat(Args args, CallContext& call) {
  const Value& v = args[0];
  if (v.isNumber()) return Value(v.toDouble());
  if (v.kind() == Kind::kString) {
    std::optional<Value> parsed = parseNumber(v.asString());
    if (!parsed) return call.fail(strCat("cannot convert ", describeValue(v), " to float"));
    return Value(parsed->toDouble());
  }
  return expected(call, "float conversion", "a number or a numeric string", v);
}

absl::StatusOr<Value> toString(Args args, CallContext& call) {
  if (args[0].kind() == Kind::kString) return args[0];
  std::string text = args[0].debugString();
  if (absl::Status s = call.charge(static_cast<int64_t>(text.size())); !s.ok()) return s;
  return Value(std::move(text));
}

absl::StatusOr<Value> abs(Args args, CallContext& call) {
  const Value& v = args[0];
  if (v.kind() == Kind::kFloat) return Value(std::fabs(v.asFloat()));
  if (v.kind() != Kind::kInt) return expected(call, "abs", "a number", v);
  if (v.asInt() == std::numeric_limits<int64_t>::min()) {
    return call.fail("integer overflow in abs");
  }
  return Value(v.asInt() < 0 ? -v.asInt() : v.asInt());
}

absl::StatusOr<Value> lower(Args args, CallContext& call) {
  if (args[0].kind() != Kind::kString) return expected(call, "lower", "a string", args[0]);
  std::string s = args[0].asString();
  if (absl::Status st = call.charge(static_cast<int64_t>(s.size())); !st.ok()) return st;
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Value(std::move(s));
}

absl::StatusOr<Value> upper(Args args, CallContext& call) {
  if (args[0].kind() != Kind::kString) return expected(call, "upper", "a string", args[0]);
  std::string s = args[0].asString();
  if (absl::Status st = call.charge(static_cast<int64_t>(s.size())); !st.ok()) return st;
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return Value(std::move(s));
}

absl::StatusOr<Value> trim(Args args, CallContext& call) {
  if (args[0].kind() != Kind::kString) return expected(call, "trim", "a string", args[0]);
  std::string_view cutset = kAsciiSpace;
  if (args.size() > 1) {
    if (args[1].kind() != Kind::kString) {
      return expected(call, "trim", "a string of characters to cut", args[1]);
    }
    cutset = args[1].asString();
  }
  std::string_view s = args[0].asString();
  if (absl::Status st = call.charge(static_cast<int64_t>(s.size())); !st.ok()) return st;
  size_t begin = s.find_first_not_of(cutset);
  if (begin == std::string_view::npos) return Value("");
  size_t end = s.find_last_not_of(cutset);
  return Value(std::string(s.substr(begin, end - begin + 1)));
}

}  // namespace serin::expr::builtins
