#pragma once
// schema_graph: the checks a compiled schema needs once all its nodes exist. Computes each node's
// min_depth (the nesting its shortest value needs; $ref cycles make this a fixpoint), refuses a
// schema whose every value nests deeper than schema_depth_max (e.g. a required self-reference), and
// refuses anyOf/$ref cycles that consume no byte (a $ref to itself), which no value can resolve,
// and flattens nested anyOf/$ref aliases: an any_of's alternatives are never any_of themselves.
#include "kernels/model/compiled_schema.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

status finish_schema_graph(compiled_schema& schema);

}  // namespace infergrid::model
