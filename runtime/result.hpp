#pragma once
// result<T>: a value or an error (expected-style, C++20). Errors are values inside the core.
#include <cassert>
#include <utility>
#include <variant>

#include "runtime/error.hpp"

namespace infergrid {

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  result(error err) : state_(std::in_place_index<1>, std::move(err)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& err() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, error> state_;
};

// result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error err) : err_(std::move(err)), failed_(true) {}
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const error& err() const { assert(failed_); return err_; }

 private:
  error err_;
  bool failed_ = false;
};

using status = result<void>;

}  // namespace infergrid

// Propagate an error from an expression returning result<...>.
#define IG_TRY(expr)                                  \
  do {                                                \
    auto ig_try_result_ = (expr);                     \
    if (!ig_try_result_.ok()) return ig_try_result_.err(); \
  } while (0)
