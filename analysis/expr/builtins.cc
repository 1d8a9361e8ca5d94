#include "analysis/expr/builtins.h"

#include "analysis/expr/builtin_functions.h"

namespace serin::expr {
namespace {

using Closure = Builtin::Closure;
constexpr int kVariadic = Builtin::kVariadic;

// The one table of functions. Argument counts exclude the predicate.
constexpr Builtin kBuiltins[] = {
    {"len", 1, 1, Closure::kNone, builtins::len},
    {"isNaN", 1, 1, Closure::kNone, builtins::isNaN},
    {"isInf", 1, 2, Closure::kNone, builtins::isInf},
    {"isNil", 1, 1, Closure::kNone, builtins::isNil},
    {"default", 2, 2, Closure::kNone, builtins::defaultValue},
    {"asInt", 1, 1, Closure::kNone, builtins::asInt},
    {"int", 1, 1, Closure::kNone, builtins::asInt},
    {"asFloat", 1, 1, Closure::kNone, builtins::asFloat},
    {"float", 1, 1, Closure::kNone, builtins::asFloat},
    {"string", 1, 1, Closure::kNone, builtins::toString},
    {"abs", 1, 1, Closure::kNone, builtins::abs},
    {"lower", 1, 1, Closure::kNone, builtins::lower},
    {"upper", 1, 1, Closure::kNone, builtins::upper},
    {"trim", 1, 2, Closure::kNone, builtins::trim},
    {"min", 1, kVariadic, Closure::kNone, builtins::min},
    {"max", 1, kVariadic, Closure::kNone, builtins::max},
    {"sum", 1, 1, Closure::kOptional, builtins::sum},
    {"mean", 1, 1, Closure::kOptional, builtins::mean},
    {"all", 1, 1, Closure::kRequired, builtins::all},
    {"any", 1, 1, Closure::kRequired, builtins::any},
    {"none", 1, 1, Closure::kRequired, builtins::none},
    {"one", 1, 1, Closure::kRequired, builtins::one},
    {"filter", 1, 1, Closure::kRequired, builtins::filter},
    {"map", 1, 1, Closure::kRequired, builtins::map},
    {"count", 1, 1, Closure::kOptional, builtins::count},
    {"first", 1, 1, Closure::kNone, builtins::first},
    {"last", 1, 1, Closure::kNone, builtins::last},
    {"keys", 1, 1, Closure::kNone, builtins::keys},
    {"values", 1, 1, Closure::kNone, builtins::values},
};

}  // namespace

const Builtin* findBuiltin(std::string_view name) {
  for (const Builtin& builtin : kBuiltins) {
    if (builtin.name == name) return &builtin;
  }
  return nullptr;
}

}  // namespace serin::expr
