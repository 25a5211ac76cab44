#pragma once
// actor_kind_registry: config names an actor's `kind`; each actor folder registers its kind once:
//
//   struct health_state {
//     health_state(actor_context& ctx, const settings& config);   // or a static create(), below
//     handler_table handlers();
//     void on_start();                                           // optional: arm timers, say hello
//   };
//   IG_REGISTER_ACTOR_KIND("health", health_state);
//
// A kind whose actor records what the others send as they stop (the settlement actor: a bridge
// settles or refunds each escrow it drains) registers with IG_REGISTER_ACTOR_KIND_STOPPING_LAST:
// a node stops it only after all its other actors have stopped.
//
// If the state can fail to build from its settings, give it
//   static result<std::unique_ptr<health_state>> create(actor_context&, const settings&);
// The runtime re-creates the state (through the same path) when a handler throws.
//
// Each kind names the function that reads and validates its settings (the one create() uses):
//   static constexpr auto read_settings = &read_health_config;   // result<T> or status (const settings&)
// A node checks every actor's settings through it before it starts any (runtime/actor_settings_check.hpp),
// so a bad value in the last actor's settings is reported, with every other, before the first starts.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/settings.hpp"

namespace infergrid {

// The type-erased state the runtime holds.
class actor_state {
 public:
  virtual ~actor_state() = default;
  virtual handler_table handlers() = 0;
  virtual void on_start() {}
  virtual void on_wake() {}  // an actor_waker was woken (runtime/actor_waker.hpp)
};

using actor_factory = result<std::unique_ptr<actor_state>> (*)(actor_context&, const settings&);

template <class State>
class actor_state_holder final : public actor_state {
 public:
  explicit actor_state_holder(std::unique_ptr<State> state) : state_(std::move(state)) {}
  handler_table handlers() override { return state_->handlers(); }
  void on_start() override {
    if constexpr (requires(State& s) { s.on_start(); }) state_->on_start();
  }
  void on_wake() override {
    if constexpr (requires(State& s) { s.on_wake(); }) state_->on_wake();
  }
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

template <class State>
result<std::unique_ptr<actor_state>> make_actor_state(actor_context& ctx, const settings& config) {
  if constexpr (requires { State::create(ctx, config); }) {
    auto created = State::create(ctx, config);
    if (!created.ok()) return created.err();
    return std::unique_ptr<actor_state>(new actor_state_holder<State>(std::move(*created)));
  } else {
    return std::unique_ptr<actor_state>(new actor_state_holder<State>(std::make_unique<State>(ctx, config)));
  }
}

// Reads an actor's settings as its state would, starting nothing, noting every error in `errors`.
using settings_check = void (*)(const settings&, settings_errors& errors);

template <class State>
void check_settings_of(const settings& config, settings_errors& errors) {
  static_assert(requires { State::read_settings(config); },
                "an actor kind names the reader of its settings: static constexpr auto read_settings = &read_..._config;");
  auto read = State::read_settings(config.listing_errors_in(errors));
  if (!read.ok()) errors.push_back(read.err());  // an error the reader did not read on from
}

enum class stop_phase { with_others, last };

void register_actor_kind(std::string_view kind, actor_factory factory, stop_phase phase = stop_phase::with_others,
                         settings_check check = nullptr);
actor_factory find_actor_kind(std::string_view kind);
stop_phase actor_kind_stop_phase(std::string_view kind);  // with_others for unknown kinds
settings_check actor_kind_settings_check(std::string_view kind);  // nullptr: nothing to check before start
std::vector<std::string> actor_kinds();

struct actor_kind_registration {
  actor_kind_registration(std::string_view kind, actor_factory factory, stop_phase phase = stop_phase::with_others,
                          settings_check check = nullptr) {
    register_actor_kind(kind, factory, phase, check);
  }
};

}  // namespace infergrid

#define IG_ACTOR_KIND_CAT2(a, b) a##b
#define IG_ACTOR_KIND_CAT(a, b) IG_ACTOR_KIND_CAT2(a, b)
#define IG_REGISTER_ACTOR_KIND(kind, State)                                                           \
  static ::infergrid::actor_kind_registration IG_ACTOR_KIND_CAT(ig_actor_kind_, __LINE__) {                      \
    kind, &::infergrid::make_actor_state<State>, ::infergrid::stop_phase::with_others,                          \
        &::infergrid::check_settings_of<State>                                                                  \
  }
#define IG_REGISTER_ACTOR_KIND_STOPPING_LAST(kind, State)                                                     \
  static ::infergrid::actor_kind_registration IG_ACTOR_KIND_CAT(ig_actor_kind_, __LINE__) {                      \
    kind, &::infergrid::make_actor_state<State>, ::infergrid::stop_phase::last, &::infergrid::check_settings_of<State> \
  }
