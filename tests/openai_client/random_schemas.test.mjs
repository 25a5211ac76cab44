// Every structured output parses and validates against its schema: 100 random schemas from a seeded
// generator (schema_generator.mjs) as response_format json_schema, and 20 forced calls of tools
// with random (flat) parameters, through the real `openai` package against a live grid serving a model
// with Qwen3's real vocabulary and random weights (so the output is whatever the worker's
// constrained sampler allows). Validated with Ajv, an independent JSON Schema implementation; and
// bounds written past a double's precision, sent as raw JSON and checked in exact decimal arithmetic.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import Ajv from 'ajv';

import { serveFixture } from './fixture_grid.mjs';
import { devKey } from './grid.mjs';
import { allRequired, randomFlatObjectSchema, randomObjectSchema, randomSource } from './schema_generator.mjs';

const model = 'qwen3-tiny';
const ajv = new Ajv({ strict: false });
const live = serveFixture(model);


// Runs `work(i)` for i in [0, count) with `width` requests in flight (the worker batches them).
async function inParallel(count, width, work) {
  let next = 0;
  const lanes = Array.from({ length: width }, async () => {
    while (next < count) await work(next++);
  });
  await Promise.all(lanes);
}

function assertValid(schema, text, where) {
  let document;
  assert.doesNotThrow(() => (document = JSON.parse(text)), `${where}: not JSON: ${text}`);
  const validate = ajv.compile(schema);
  assert.ok(validate(document), `${where}: ${ajv.errorsText(validate.errors)}\nschema ${JSON.stringify(schema)}\noutput ${text}`);
}

test('100 random schemas as response_format json_schema: every answer validates', async () => {
  const rng = randomSource(20261204);
  const schemas = Array.from({ length: 100 }, () => randomObjectSchema(rng));
  await inParallel(schemas.length, 4, async (i) => {
    const schema = schemas[i];
    const reply = await live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Fill in the form.' }], max_tokens: 1500, temperature: 1, seed: i,
      response_format: { type: 'json_schema', json_schema: { name: `form_${i}`, schema, strict: allRequired(schema) } },
    });
    const choice = reply.choices[0];
    assert.equal(choice.finish_reason, 'stop', `schema ${i} ran out of tokens: ${JSON.stringify(schema)}`);
    assertValid(schema, choice.message.content, `schema ${i}`);
  });
});

test('20 forced calls of tools with random parameters: every call is valid', async () => {
  const rng = randomSource(4242);
  await inParallel(20, 4, async (i) => {
    // One tool per request: the tool section of the prompt must fit the fixture's 512-token context.
    const forced = { type: 'function', function: { name: `tool_${i}`, description: 'A random tool', parameters: randomFlatObjectSchema(rng) } };
    const tools = [forced];
    const reply = await live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Call the tool.' }], tools, max_tokens: 1500, temperature: 1, seed: i,
      tool_choice: { type: 'function', function: { name: forced.function.name } },
    });
    const calls = reply.choices[0].message.tool_calls ?? [];
    assert.equal(calls.length, 1, JSON.stringify(reply.choices[0]));
    assert.equal(calls[0].function.name, forced.function.name);
    assertValid(forced.function.parameters, calls[0].function.arguments, `tool call ${i}`);
  });
});

// Bounds and steps written with more digits than a double holds, as a client with exact decimals
// (Python's Decimal, a hand-written body) sends them: the `openai` package cannot (JavaScript numbers
// are doubles), so these go as raw JSON text, and the answers are checked in exact decimal arithmetic
// on the numbers' texts. Rounded to doubles, `zero` would allow 1 and `tenth` any tenth, `one`
// (exclusiveMinimum 0.99…9 and maximum 1) would be refused as allowing no integer, and `above`
// would allow 0.1.
const exactRules = {
  zero: { type: 'integer', minimum: '-0.0000000000000000001', maximum: '0.9999999999999999999999' },
  tenth: { type: 'number', multipleOf: '0.1000000000000000000001', minimum: '-1', maximum: '1' },
  one: { type: 'integer', exclusiveMinimum: '0.9999999999999999999999', maximum: '1' },
  above: { type: 'number', minimum: '0.1000000000000000000001', exclusiveMaximum: '0.1000000000001' },
};
const boundKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

function exactSchemaText(rules) {
  const properties = Object.entries(rules).map(([name, rule]) =>
    `"${name}":{"type":"${rule.type}"${boundKeywords.filter((k) => rule[k]).map((k) => `,"${k}":${rule[k]}`).join('')}}`);
  const names = Object.keys(rules).map((name) => `"${name}"`).join(',');
  return `{"type":"object","properties":{${properties.join(',')}},"required":[${names}],"additionalProperties":false}`;
}

// A JSON number's text as integer * 10^exponent, exactly.
function decimal(text) {
  const [, sign, whole, fraction = '', exponent = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  return { integer: BigInt(sign + whole + fraction), exponent: Number(exponent) - fraction.length };
}
function atCommonExponent(a, b) {
  const x = decimal(a), y = decimal(b);
  const common = Math.min(x.exponent, y.exponent);
  return [x.integer * 10n ** BigInt(x.exponent - common), y.integer * 10n ** BigInt(y.exponent - common)];
}
const compare = (a, b) => { const [x, y] = atCommonExponent(a, b); return x < y ? -1 : x > y ? 1 : 0; };
const isMultiple = (value, step) => { const [x, y] = atCommonExponent(value, step); return x % y === 0n; };

function assertExactlyValid(rules, text, where) {
  assert.doesNotThrow(() => JSON.parse(text), `${where}: not JSON: ${text}`);
  const written = Object.fromEntries([...text.matchAll(/"(\w+)"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(Object.keys(written).sort(), Object.keys(rules).sort(), `${where}: ${text}`);
  for (const [name, rule] of Object.entries(rules)) {
    const value = written[name];
    const why = `${where}: ${name} = ${value} breaks ${JSON.stringify(rule)} in ${text}`;
    if (rule.type === 'integer') assert.ok(isMultiple(value, '1'), why);
    if (rule.minimum) assert.ok(compare(value, rule.minimum) >= 0, why);
    if (rule.maximum) assert.ok(compare(value, rule.maximum) <= 0, why);
    if (rule.exclusiveMinimum) assert.ok(compare(value, rule.exclusiveMinimum) > 0, why);
    if (rule.exclusiveMaximum) assert.ok(compare(value, rule.exclusiveMaximum) < 0, why);
    if (rule.multipleOf) assert.ok(isMultiple(value, rule.multipleOf), why);
  }
}

async function postChat(bodyText) {
  const res = await fetch(`${live.grid.baseURL}/chat/completions`, {
    method: 'POST', headers: { Authorization: `Bearer ${devKey}`, 'Content-Type': 'application/json' }, body: bodyText,
  });
  const reply = await res.text();
  assert.equal(res.status, 200, reply);
  return JSON.parse(reply).choices[0];
}

test('bounds and multipleOf past a double\'s precision hold exactly, in response_format and in forced tool calls', async () => {
  const schema = exactSchemaText(exactRules);
  await inParallel(8, 4, async (i) => {
    const common = `"model":"${model}","max_tokens":400,"temperature":1,"seed":${i}`;
    const formatted = await postChat(`{${common},"messages":[{"role":"user","content":"Fill in the form."}],` +
      `"response_format":{"type":"json_schema","json_schema":{"name":"exact","schema":${schema}}}}`);
    assert.equal(formatted.finish_reason, 'stop', JSON.stringify(formatted));
    assertExactlyValid(exactRules, formatted.message.content, `response_format ${i}`);
    const called = await postChat(`{${common},"messages":[{"role":"user","content":"Call the tool."}],` +
      `"tools":[{"type":"function","function":{"name":"exact","parameters":${schema}}}],"tool_choice":"required"}`);
    const calls = called.message.tool_calls ?? [];
    assert.equal(calls.length, 1, JSON.stringify(called));
    assertExactlyValid(exactRules, calls[0].function.arguments, `tool call ${i}`);
  });
});
