// Positions in the text of an expression, and the error messages that cite them.
//
// Tokens and syntax-tree nodes carry byte offsets only; line and column are computed when
// an error is reported, so the common path (no error) never pays for them.
#ifndef SERIN_ANALYSIS_EXPR_SOURCE_LOCATION_H_
#define SERIN_ANALYSIS_EXPR_SOURCE_LOCATION_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace serin::expr {

// A half-open byte range [begin, end) of the source.
struct SourceSpan {
  size_t begin = 0;
  size_t end = 0;
};

// 1-based line and column. Columns count Unicode code points (a tab is one column), so a
// caret under a UTF-8 source lines up in a terminal.
struct LineColumn {
  int line = 1;
  int column = 1;
};

// The line and column of byte `offset` (clamped to the end of `source`).
LineColumn lineColumnAt(std::string_view source, size_t offset);

// InvalidArgument "line L, column C: <what>": for syntax errors and exceeded limits.
absl::Status syntaxError(std::string_view source, size_t offset, std::string_view what);

// InvalidArgument "column C: <what>" for errors found while evaluating; "line L, column C:
// <what>" instead when the offset is past the first line of a multi-line expression.
absl::Status evaluationError(std::string_view source, size_t offset, std::string_view what);

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_SOURCE_LOCATION_H_
