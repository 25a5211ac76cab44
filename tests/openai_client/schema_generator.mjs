// Random JSON Schemas in OpenAI's structured-output subset, deterministic from a seed: nested
// objects (required and optional properties), arrays with item bounds, enums of strings and
// numbers, integers and numbers with ranges, booleans, nullable values (type arrays and anyOf).
// Strings and arrays are bounded so that a model with random weights, which says only what the
// constraint lets it say, still ends within a few hundred tokens.

// mulberry32: a small, well-known 32-bit PRNG.
export function randomSource(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    below: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

const words = ['red', 'green', 'blue', 'north', 'south', 'alpha', 'beta', 'gamma', 'yes', 'no', 'maybe'];

function leaf(rng) {
  switch (rng.below(7)) {
    case 0: {
      const minLength = rng.below(3);
      return { type: 'string', minLength, maxLength: minLength + 1 + rng.below(8) };
    }
    case 1: {
      const minimum = rng.below(2000) - 1000;
      return { type: 'integer', minimum, maximum: minimum + rng.below(500) };
    }
    case 2: {
      const minimum = (rng.below(2000) - 1000) / 8;
      return { type: 'number', minimum, maximum: minimum + 1 + rng.below(100) / 4 };
    }
    case 3:
      return { type: 'boolean' };
    case 4: {
      const values = [...new Set(Array.from({ length: 1 + rng.below(4) }, () => rng.pick(words)))];
      return { type: 'string', enum: values };
    }
    case 5:
      return { enum: [rng.below(10), rng.pick(words), null] };
    default:
      return rng.chance(0.5)
        ? { type: ['string', 'null'], maxLength: 1 + rng.below(5) }
        : { anyOf: [{ type: 'integer', minimum: 0, maximum: 99 }, { type: 'null' }] };
  }
}

function value(rng, depth) {
  if (depth >= 3 || rng.chance(0.55)) return leaf(rng);
  if (rng.chance(0.5)) {
    const minItems = rng.below(2);
    return { type: 'array', items: value(rng, depth + 1), minItems, maxItems: minItems + 1 + rng.below(2) };
  }
  return object(rng, depth + 1);
}

function object(rng, depth) {
  const count = 1 + rng.below(4);
  const properties = {};
  for (let i = 0; i < count; ++i) properties[`${rng.pick(words)}_${i}`] = value(rng, depth);
  const names = Object.keys(properties);
  const required = names.filter(() => rng.chance(0.7));
  return { type: 'object', properties, required, additionalProperties: false };
}

// A schema whose root is an object (what response_format json_schema and tool parameters take).
export function randomObjectSchema(rng) {
  return object(rng, 0);
}

// An object of leaves only (tool parameters: a tool's JSON goes into the prompt, which must fit a
// small model's context).
export function randomFlatObjectSchema(rng) {
  return object(rng, 3);
}

// OpenAI's strict mode needs every property required; we enforce any schema, strict or not.
export function allRequired(schema) {
  if (schema.type !== 'object') return true;
  return Object.keys(schema.properties).length === schema.required.length &&
    Object.values(schema.properties).every((child) => child.type !== 'object' || allRequired(child));
}
