#include "kernels/engine/kernel_library.hpp"

#include <algorithm>
#include <array>
#include <utility>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <bit>
#include <span>

#include "kernels/engine/shader_variants.hpp"
#include "kernels/glsl/include/k_quant_groups.glsl"
#include "kernels/glsl/include/push_constants.glsl"
#include "kernels/vk/shaders.hpp"

namespace infergrid::engine {

struct matmul_push { MATMUL_PUSH };

namespace {

using vk::binding_kind;
constexpr binding_kind storage = binding_kind::storage_buffer;
constexpr binding_kind texel = binding_kind::texel_buffer;

// Workgroup-count limit every device guarantees per dimension (maxComputeWorkGroupCount minimum).
constexpr std::uint32_t max_groups_per_dimension = 65535;
// Workgroup size for the element-wise kernels (no reductions, any size works).
constexpr std::uint32_t elementwise_block_size = 64;
// Fallback workgroup size where the subgroup size is unusable (not a power of two, or tiny).
constexpr std::uint32_t fallback_block_size = 32;
// The units of a weight group, which a split_columns lane reads together (the UNITS_PER_GROUP the
// shaders read from kernels/glsl/include/k_quant_groups.glsl); 1 for every other type.
constexpr std::array<std::pair<model::ggml_type, std::uint32_t>, 5> group_units_table = {{
    {model::ggml_type::q2_k, Q2_K_GROUP_UNITS},
    {model::ggml_type::q3_k, Q3_K_GROUP_UNITS},
    {model::ggml_type::q4_k, Q4_K_GROUP_UNITS},
    {model::ggml_type::q5_k, Q5_K_GROUP_UNITS},
    {model::ggml_type::q6_k, Q6_K_GROUP_UNITS}}};

// The shaders' device blocks are the quant-traits table's blocks padded to whole units.
static_assert(device_block_bytes(model::ggml_type::q2_k) == Q2_K_DEVICE_BLOCK_UNITS * weight_unit_bytes &&
              device_block_bytes(model::ggml_type::q3_k) == Q3_K_DEVICE_BLOCK_UNITS * weight_unit_bytes &&
              device_block_bytes(model::ggml_type::q4_k) == Q4_K_DEVICE_BLOCK_UNITS * weight_unit_bytes &&
              device_block_bytes(model::ggml_type::q5_k) == Q5_K_DEVICE_BLOCK_UNITS * weight_unit_bytes &&
              device_block_bytes(model::ggml_type::q6_k) == Q6_K_DEVICE_BLOCK_UNITS * weight_unit_bytes);

std::uint32_t group_units_of(model::ggml_type type) {
  for (const auto& [t, units] : group_units_table) {
    if (t == type) return units;
  }
  return 1;
}

// Widest argmax workgroup (shared-memory tree; every device allows at least 128 invocations).
constexpr std::uint32_t argmax_max_lanes = 256;
// Widest attention workgroup (keys scored at once; shared memory grows with it).
constexpr std::uint32_t attention_max_lanes = 128;

std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) { return (a + b - 1) / b; }

std::string type_name(model::ggml_type type) { return std::string(model::traits_of(type).cli_name); }

// Every name matmul() and embedding() can build, and the reduction suffixes, exist.
using shader_variants::every_type_has;
static_assert(every_type_has("matmul_", "_texel_subgroup") && every_type_has("matmul_", "_storage_subgroup"));
static_assert(every_type_has("matmul_", "_texel_shared") && every_type_has("matmul_", "_storage_shared"));
static_assert(every_type_has("matmul_", "_texel_subgroup_only") && every_type_has("matmul_", "_storage_subgroup_only"));
static_assert(every_type_has("matmul_", "_texel_row_per_lane") && every_type_has("matmul_", "_storage_row_per_lane"));
static_assert(every_type_has("matmul_", "_texel_row_per_lane_x_from_lanes") &&
              every_type_has("matmul_", "_storage_row_per_lane_x_from_lanes"));
static_assert(every_type_has("matmul_tiled_", "_texel") && every_type_has("matmul_tiled_", "_storage"));
static_assert(every_type_has("embedding_", "_texel") && every_type_has("embedding_", "_storage"));
static_assert(shader_variants::embedded("rms_norm", "_subgroup") && shader_variants::embedded("rms_norm", "_shared") &&
              shader_variants::embedded("rms_norm", "_subgroup_only"));
static_assert(shader_variants::embedded("attention", "_subgroup") && shader_variants::embedded("attention", "_shared") &&
              shader_variants::embedded("attention", "_subgroup_only"));

// Push-constant blocks: the same field lists the .comp files declare (kernels/glsl/include/push_constants.glsl).
struct embedding_push { EMBEDDING_PUSH };
struct rms_norm_push { RMS_NORM_PUSH };
struct rope_push { ROPE_PUSH };
struct qk_norm_push { QK_NORM_PUSH };
struct attention_push { ATTENTION_PUSH };
struct swiglu_push { SWIGLU_PUSH };
struct count_push { COUNT_PUSH };
// Every device offers at least 128 bytes of push constants (maxPushConstantsSize).
static_assert(sizeof(matmul_push) <= 128 && sizeof(embedding_push) <= 128 && sizeof(rms_norm_push) <= 128 &&
              sizeof(rope_push) <= 128 && sizeof(qk_norm_push) <= 128 && sizeof(attention_push) <= 128 &&
              sizeof(swiglu_push) <= 128 && sizeof(count_push) <= 128);

}  // namespace

result<kernel_library> kernel_library::create(const vk::device& dev, const kernel_options& options) {
  kernel_library out;
  out.device_ = &dev;
  const vk::device_info& info = dev.info();
  // Texel buffers on CPU devices (lavapipe vectorises texel fetches, see lavapipe.md); storage
  // buffers on GPUs (kernels_bench 4096^2 on an H100: F16 1.86 vs 1.71 TB/s, Q8_0 0.65 vs 0.58,
  // Q4_0 0.82 vs 0.44; the same order on an H200).
  out.access_ = options.access.value_or(info.is_cpu() ? weight_access::texel : weight_access::storage);
  out.use_subgroups_ = options.use_subgroups.value_or(info.subgroup_arithmetic) && info.subgroup_arithmetic;
  const std::uint32_t subgroup = info.subgroup_size;
  const bool usable = std::has_single_bit(subgroup) && subgroup >= 4 && subgroup <= info.max_workgroup_invocations;
  out.block_size_ = usable ? subgroup : fallback_block_size;
  // One subgroup per workgroup is certain only where the subgroup size is fixed (CPU devices).
  const bool guaranteed = info.is_cpu() && usable && subgroup >= 8 && info.subgroup_shuffle && out.use_subgroups_;
  out.subgroup_only_ = options.subgroup_only.value_or(guaranteed) && guaranteed;
  // CPU devices (lavapipe) gain from several rows per workgroup (lavapipe.md); GPUs from more groups.
  // bench/kernels_bench on lavapipe: 8 rows per lane runs each kernel ~10% faster than 4, but its
  // compiled code adds ~80 MB resident (decode_bench), so 4.
  out.matmul_rows_ = options.matmul_rows != 0 ? options.matmul_rows : (info.is_cpu() ? 4 : 2);
  out.layout_ = options.layout.value_or(info.is_cpu() ? matmul_layout::row_per_lane : matmul_layout::split_columns);
  out.lane_units_ = options.lane_units;
  out.matmul_tokens_ = std::clamp<std::uint32_t>(options.matmul_tokens, 1, 16);
  out.fuse_matmul_inputs_ = options.fuse_matmul_inputs.value_or(true);
  out.tiled_ = options.tiled_matmul.value_or(tiled_matmul_shape_for(info.is_cpu()));
  if (options.tiled_min_tokens) out.tiled_.min_tokens = *options.tiled_min_tokens;
  if (!out.tiled_.valid() || out.tiled_.lanes() > info.max_workgroup_invocations) {
    return make_error(error_code::invalid_argument,
                      "tiled matmul shape: tile rows and tokens must be multiples of a lane's rows and tokens, "
                      "in at most " + std::to_string(info.max_workgroup_invocations) + " lanes");
  }
  return out;
}

result<const vk::compute_pipeline*> kernel_library::pipeline(const std::string& name,
                                                             std::vector<vk::binding_kind> bindings,
                                                             std::uint32_t push_bytes,
                                                             std::vector<std::uint32_t> specialization) {
  std::string key = name;
  for (std::uint32_t value : specialization) key += "/" + std::to_string(value);
  if (auto found = pipelines_.find(key); found != pipelines_.end()) return &found->second;
  const auto spirv = vk::find_shader(name);
  if (!spirv) return make_error(error_code::internal, "shader variant '" + name + "' is not embedded");
  auto created = vk::compute_pipeline::create(*device_, {*spirv, std::move(bindings), push_bytes, std::move(specialization)});
  if (!created) return created.err();
#ifdef __GLIBC__
  // A CPU driver compiles the pipeline with LLVM on this thread; give the memory it freed back to
  // the system (lavapipe, 100M Q8_0 decode_bench with an empty shader cache: 1.37x -> 1.29x resident).
  if (device_->info().is_cpu()) malloc_trim(0);
#endif
  return &pipelines_.emplace(key, std::move(*created)).first->second;
}

std::uint32_t kernel_library::wide_workgroup(std::uint32_t most) const {
  const std::uint32_t widest = std::min(most, std::bit_floor(device_->info().max_workgroup_invocations));
  return std::max(std::bit_ceil(block_size_), widest);
}

template <class Push>
status kernel_library::record(recorder& rec, const std::string& name, const vk::compute_pipeline& pipeline,
                              std::initializer_list<vk::resource> resources, const Push& push,
                              std::uint32_t groups_x, std::uint32_t groups_y, std::uint32_t groups_z) {
  auto set = rec.pool.make_set(pipeline, std::span(resources.begin(), resources.size()));
  if (!set) return set.err();
  rec.commands.dispatch(pipeline, *set, std::as_bytes(std::span(&push, 1)), groups_x, groups_y, groups_z);
  rec.commands.barrier();
  if (rec.profile != nullptr) return rec.profile->mark(rec.commands.handle(), std::string(rec.stage) + " " + name);
  return {};
}

status kernel_library::matmul(recorder& rec, const device_weight& weight, const vk::buffer_view& x,
                              std::uint32_t x_offset_vec4, const vk::buffer& y, std::uint32_t y_offset,
                              std::uint32_t y_stride, std::uint32_t n_tokens, bool accumulate,
                              const matmul_input& input, matmul_output output) {
  if (n_tokens == 0) return {};
  const bool swiglu = output == matmul_output::swiglu;
  if (swiglu && (accumulate || swiglu_pair_rows() == 0 || weight.rows() % (2 * swiglu_pair_rows()) != 0)) {
    return make_error(error_code::invalid_argument,
                      "a swiglu matmul output needs no accumulate, a kernel layout with swiglu pairs and whole "
                      "groups of gate and up rows");
  }
  if (input.what == matmul_input::kind::rms_norm && input.norm_weight == nullptr) {
    return make_error(error_code::invalid_argument, "an rms_norm matmul input needs its norm weight");
  }
  // Tokens per workgroup: the next power of two up to the configured most, so small batches do
  // not compute padding and big ones reuse every weight read matmul_tokens times.
  const std::uint32_t tokens = std::min(std::bit_ceil(n_tokens), std::bit_floor(matmul_tokens_));
  const binding_kind weight_kind = access_ == weight_access::texel ? texel : storage;
  const bool row_per_lane = layout_ == matmul_layout::row_per_lane;
  // x read once per workgroup span and shared by shuffles (X_FROM_LANES): needs the workgroup to be
  // one subgroup and a span to hold a whole unit and the units its block scale multiplies (kept
  // K-quant blocks apply their scales while dequantizing: a unit is enough).
  const model::type_traits& traits = model::traits_of(weight.type());
  const std::size_t span_weights =
      traits.layout == model::device_layout::blocks ? traits.unit_weights : std::max(traits.unit_weights, traits.block_weights);
  const bool x_from_lanes = row_per_lane && subgroup_only_ && span_weights / 4 <= block_size_;
  const std::string name = "matmul_" + type_name(weight.type()) +
                           (access_ == weight_access::texel ? "_texel" : "_storage") +
                           (row_per_lane ? (x_from_lanes ? "_row_per_lane_x_from_lanes" : "_row_per_lane")
                                         : reduction_suffix());
  auto p = pipeline(name, {weight_kind, weight_kind, texel, storage, storage}, sizeof(matmul_push),
                    {block_size_, matmul_rows_, tokens, static_cast<std::uint32_t>(input.what),
                     static_cast<std::uint32_t>(output), row_per_lane ? 0u : lane_units_for(weight)});
  if (!p) return p.err();
  const auto cols4 = static_cast<std::uint32_t>(weight.cols() / 4);
  const matmul_push push{static_cast<std::uint32_t>(weight.rows()),
                         static_cast<std::uint32_t>(weight.cols()),
                         static_cast<std::uint32_t>(weight.row_units()),
                         static_cast<std::uint32_t>(weight.row_group()),
                         n_tokens,
                         x_offset_vec4,
                         input.what == matmul_input::kind::swiglu ? 2 * cols4 : cols4,
                         input.eps,
                         y_offset,
                         y_stride != 0 ? y_stride : static_cast<std::uint32_t>(swiglu ? weight.rows() / 2 : weight.rows()),
                         accumulate ? 1u : 0u};
  if (runs_tiled(n_tokens, input, output)) return record_tiled_matmul(rec, weight, x, y, push, input, output);
  const std::uint32_t row_blocks = ceil_div(push.rows, rows_per_workgroup());
  const std::uint32_t groups_x = std::min(row_blocks, max_groups_per_dimension);
  // Binding 4 is read only for rms_norm input; y stands in otherwise.
  const vk::buffer& norm = input.norm_weight != nullptr ? *input.norm_weight : y;
  return record(rec, name, **p,
                {weight.data_binding(), weight.scales_binding(), vk::texel(x), vk::storage(y), vk::storage(norm)}, push,
                groups_x, ceil_div(n_tokens, tokens), ceil_div(row_blocks, groups_x));
}

std::uint32_t kernel_library::lane_units_for(const device_weight& weight) const {
  const std::uint32_t group_units = group_units_of(weight.type());
  if (group_units == 1) return 0;
  const bool idle_lanes = weight.row_units() / group_units < block_size_;
  return lane_units_.value_or(idle_lanes) ? 1 : 0;
}

bool kernel_library::runs_tiled(std::uint32_t n_tokens, const matmul_input& input, matmul_output output) const {
  if (tiled_.min_tokens == 0 || n_tokens < tiled_.min_tokens) return false;
  if (input.what != matmul_input::kind::plain && input.what != matmul_input::kind::rms_norm) return false;
  if (output == matmul_output::plain) return true;
  const std::uint32_t pair = swiglu_pair_rows();
  return pair != 0 && tiled_.tile_rows % (2 * pair) == 0 && pair % tiled_.row_lanes() == 0;
}

status kernel_library::record_tiled_matmul(recorder& rec, const device_weight& weight, const vk::buffer_view& x,
                                           const vk::buffer& y, const matmul_push& push, const matmul_input& input,
                                           matmul_output output) {
  const binding_kind weight_kind = access_ == weight_access::texel ? texel : storage;
  const std::string name =
      "matmul_tiled_" + type_name(weight.type()) + (access_ == weight_access::texel ? "_texel" : "_storage");
  const std::uint32_t pair = output == matmul_output::swiglu ? swiglu_pair_rows() : 1;
  auto p = pipeline(name, {weight_kind, weight_kind, texel, storage, storage}, sizeof(matmul_push),
                    {tiled_.lanes(), tiled_.tile_rows, tiled_.tile_tokens, static_cast<std::uint32_t>(input.what),
                     static_cast<std::uint32_t>(output), tiled_.lane_rows, tiled_.lane_tokens, pair});
  if (!p) return p.err();
  const std::uint32_t row_tiles = ceil_div(push.rows, tiled_.tile_rows);
  const std::uint32_t groups_x = std::min(row_tiles, max_groups_per_dimension);
  const vk::buffer& norm = input.norm_weight != nullptr ? *input.norm_weight : y;  // read for rms_norm only
  return record(rec, name, **p,
                {weight.data_binding(), weight.scales_binding(), vk::texel(x), vk::storage(y), vk::storage(norm)}, push,
                groups_x, ceil_div(push.n_tokens, tiled_.tile_tokens), ceil_div(row_tiles, groups_x));
}

status kernel_library::embedding(recorder& rec, const device_weight& table, const vk::buffer& tokens,
                                 std::uint32_t token_offset, std::uint32_t n_tokens, const vk::buffer& out,
                                 std::uint32_t first_row) {
  if (n_tokens == 0) return {};
  const binding_kind weight_kind = access_ == weight_access::texel ? texel : storage;
  const std::string name =
      "embedding_" + type_name(table.type()) + (access_ == weight_access::texel ? "_texel" : "_storage");
  auto p = pipeline(name, {weight_kind, weight_kind, storage, storage}, sizeof(embedding_push), {block_size_});
  if (!p) return p.err();
  const embedding_push push{static_cast<std::uint32_t>(table.cols()), static_cast<std::uint32_t>(table.row_units()),
                            static_cast<std::uint32_t>(table.row_group()), static_cast<std::uint32_t>(table.rows()),
                            token_offset, first_row};
  return record(rec, name, **p, {table.data_binding(), table.scales_binding(), vk::storage(tokens), vk::storage(out)}, push,
                1, n_tokens);
}

status kernel_library::rms_norm(recorder& rec, const vk::buffer& x, const vk::buffer& weight, const vk::buffer& out,
                                std::uint32_t width, std::uint32_t n_rows, float eps, const vk::buffer* row_list) {
  if (n_rows == 0) return {};
  auto p = pipeline("rms_norm" + reduction_suffix(), {storage, storage, storage, storage}, sizeof(rms_norm_push),
                    {block_size_});
  if (!p) return p.err();
  const rms_norm_push push{width, eps, row_list != nullptr ? 1u : 0u};
  // Without a row list, binding 3 is never read; any buffer satisfies the layout.
  const vk::buffer& rows = row_list != nullptr ? *row_list : weight;
  return record(rec, "rms_norm", **p, {vk::storage(x), vk::storage(weight), vk::storage(out), vk::storage(rows)}, push, n_rows);
}

status kernel_library::rope_kv(recorder& rec, const vk::buffer& qkv, const token_inputs& tokens,
                               const vk::buffer& k_cache, const vk::buffer& v_cache, const attention_shape& shape,
                               const rope_parameters& rope, std::uint32_t n_tokens, bool f16_cache) {
  if (n_tokens == 0) return {};
  const std::string_view variant = f16_cache ? shader_variants::checked("rope_kv_f16") : shader_variants::checked("rope_kv");
  auto p = pipeline(std::string(variant), {storage, storage, storage, storage, storage, storage, storage}, sizeof(rope_push),
                    {elementwise_block_size});
  if (!p) return p.err();
  const rope_push push{shape.n_heads,
                       shape.n_kv_heads,
                       shape.head_dim,
                       rope.rope_dims,
                       shape.n_ctx,
                       tokens.token_offset,
                       rope.theta_base,
                       rope.freq_scale,
                       static_cast<std::uint32_t>(rope.style),
                       rope.freq_factors != nullptr ? 1u : 0u,
                       rope.qkv_bias != nullptr ? 1u : 0u};
  const std::uint32_t pairs = (shape.n_heads + shape.n_kv_heads) * shape.head_dim / 2;
  // Bindings 5 and 6 are read only when used; the positions stand in otherwise.
  const vk::buffer& factors = rope.freq_factors != nullptr ? *rope.freq_factors : tokens.positions;
  const vk::buffer& bias = rope.qkv_bias != nullptr ? *rope.qkv_bias : tokens.positions;
  return record(rec, "rope_kv", **p,
                {vk::storage(qkv), vk::storage(tokens.positions), vk::storage(tokens.slots), vk::storage(k_cache),
                 vk::storage(v_cache), vk::storage(factors), vk::storage(bias)},
                push, ceil_div(pairs, elementwise_block_size), n_tokens);
}

status kernel_library::qk_norm(recorder& rec, const vk::buffer& qkv, const vk::buffer& q_norm,
                               const vk::buffer& k_norm, const attention_shape& shape, float eps,
                               std::uint32_t n_tokens) {
  if (n_tokens == 0) return {};
  auto p = pipeline("qk_norm", {storage, storage, storage}, sizeof(qk_norm_push), {elementwise_block_size});
  if (!p) return p.err();
  const qk_norm_push push{shape.n_heads, shape.n_kv_heads, shape.head_dim, eps};
  return record(rec, "qk_norm", **p, {vk::storage(qkv), vk::storage(q_norm), vk::storage(k_norm)}, push,
                ceil_div(shape.n_heads + shape.n_kv_heads, elementwise_block_size), n_tokens);
}

status kernel_library::attention(recorder& rec, const vk::buffer_view& q, std::uint32_t q_stride,
                                 const vk::buffer_view& k_cache, const vk::buffer_view& v_cache,
                                 const token_inputs& tokens, const vk::buffer& out, const attention_shape& shape,
                                 float scale, std::uint32_t n_tokens) {
  if (n_tokens == 0) return {};
  if (shape.head_dim % 4 != 0 || shape.head_dim > 256 || q_stride % 4 != 0 || shape.n_kv_heads == 0 ||
      shape.n_heads % shape.n_kv_heads != 0) {
    return make_error(error_code::unsupported, "attention needs head_dim a multiple of 4 up to 256, a query stride "
                                               "a multiple of 4 and n_heads a multiple of n_kv_heads");
  }
  // One workgroup per head and token: on GPUs a wide one, so a decode step's few workgroups
  // still fill the device (32 lanes per head took 22 us per layer on an H100, a third of decode).
  // On CPU devices (subgroup_only) one subgroup per KV head and token serves its group of query
  // heads, specialised to the head shape (lavapipe, 100M F16 decode_bench --profile: attention 1.78 ->
  // 1.32 ms per step; decode batch 1 ~75 -> ~78 tok/s, Q8_0 batch 8 ~263 -> ~284).
  const std::uint32_t lanes = subgroup_only_ ? block_size_ : wide_workgroup(attention_max_lanes);
  const std::uint32_t group = shape.n_heads / shape.n_kv_heads, dim4 = shape.head_dim / 4;
  const std::vector<std::uint32_t> specialization =
      subgroup_only_ ? std::vector<std::uint32_t>{lanes, group, dim4, ceil_div(dim4, lanes)}
                     : std::vector<std::uint32_t>{lanes};
  auto p = pipeline("attention" + reduction_suffix(), {texel, texel, texel, storage, storage, storage},
                    sizeof(attention_push), specialization);
  if (!p) return p.err();
  const attention_push push{shape.n_heads, shape.n_kv_heads, shape.head_dim, shape.n_ctx, q_stride,
                            tokens.token_offset, scale};
  return record(rec, "attention", **p,
                {vk::texel(q), vk::texel(k_cache), vk::texel(v_cache), vk::storage(tokens.positions),
                 vk::storage(tokens.slots), vk::storage(out)},
                push, subgroup_only_ ? shape.n_kv_heads : shape.n_heads, n_tokens);
}

status kernel_library::swiglu(recorder& rec, const vk::buffer& gate_up, const vk::buffer& out, std::uint32_t width,
                              std::uint32_t n_tokens) {
  if (n_tokens == 0) return {};
  auto p = pipeline(std::string(shader_variants::checked("swiglu")), {storage, storage}, sizeof(swiglu_push), {elementwise_block_size});
  if (!p) return p.err();
  return record(rec, "swiglu", **p, {vk::storage(gate_up), vk::storage(out)}, swiglu_push{width, n_tokens},
                ceil_div(width, elementwise_block_size), n_tokens);
}

status kernel_library::add(recorder& rec, const vk::buffer& a, const vk::buffer& b, const vk::buffer& out,
                           std::uint32_t count) {
  if (count == 0) return {};
  auto p = pipeline(std::string(shader_variants::checked("add")), {storage, storage, storage}, sizeof(count_push), {elementwise_block_size});
  if (!p) return p.err();
  const std::uint32_t groups = ceil_div(count, elementwise_block_size);
  const std::uint32_t groups_x = std::min(groups, max_groups_per_dimension);
  return record(rec, "add", **p, {vk::storage(a), vk::storage(b), vk::storage(out)}, count_push{count}, groups_x,
                ceil_div(groups, groups_x));
}

status kernel_library::argmax(recorder& rec, const vk::buffer& logits, const vk::buffer& ids, std::uint32_t width,
                              std::uint32_t rows) {
  if (rows == 0) return {};
  // One workgroup scans a whole row (32000+ logits): on GPUs a wide one (a 32-lane workgroup took
  // 0.29 ms per row on an H100, a quarter of a 100M model's decode step).
  const std::uint32_t lanes = wide_workgroup(argmax_max_lanes);
  auto p = subgroup_only_ ? pipeline(std::string(shader_variants::checked("argmax_subgroup_only")), {storage, storage}, sizeof(count_push), {block_size_})
                          : pipeline(std::string(shader_variants::checked("argmax")), {storage, storage}, sizeof(count_push), {lanes});
  if (!p) return p.err();
  return record(rec, "argmax", **p, {vk::storage(logits), vk::storage(ids)}, count_push{width}, rows);
}

}  // namespace infergrid::engine
