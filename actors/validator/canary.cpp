#include "actors/validator/canary.hpp"

#include <sodium.h>

#include <array>

namespace infergrid::validator {
namespace {

constexpr std::array<const char*, 8> openings = {
    "Once upon a time, {name} found {thing} in the garden.",
    "One day, {name} wanted to share {thing} with a friend.",
    "{name} was very happy because of {thing}.",
    "The little dog and {name} played with {thing} all day.",
    "It was a sunny morning when {name} saw {thing}.",
    "{name} looked at {thing} and smiled.",
    "Mom gave {name} {thing} for the trip.",
    "In the park, {name} lost {thing}.",
};
constexpr std::array<const char*, 12> names = {"Lily", "Tom", "Ben", "Mia", "Sam", "Anna",
                                               "Max", "Sue", "Tim", "Lucy", "Jack", "Zoe"};
constexpr std::array<const char*, 12> things = {"a red ball", "a big box", "a shiny stone", "a kite",
                                                "a small cat", "a blue hat", "a toy car", "a book",
                                                "a cake", "a flower", "a boat", "a key"};
constexpr std::array<float, 3> temperatures = {0.0f, 0.7f, 1.0f};

template <class T, std::size_t N>
const T& pick(const std::array<T, N>& options) {
  return options[randombytes_uniform(static_cast<std::uint32_t>(N))];
}

std::string fill(std::string text, const std::string& key, const std::string& value) {
  if (const auto at = text.find(key); at != std::string::npos) text.replace(at, key.size(), value);
  return text;
}

}  // namespace

inference_request make_canary(const std::string& model, const std::string& node, std::uint32_t max_tokens) {
  inference_request r;
  r.request_id = node + "/gateway#" + std::to_string(randombytes_uniform(1u << 30));
  r.model = model;
  r.prompt = fill(fill(pick(openings), "{name}", pick(names)), "{thing}", pick(things));
  r.max_tokens = max_tokens / 2 + randombytes_uniform(max_tokens / 2 + 1);
  r.sampling.temperature = pick(temperatures);
  randombytes_buf(&r.sampling.seed, sizeof(r.sampling.seed));
  return r;
}

}  // namespace infergrid::validator
