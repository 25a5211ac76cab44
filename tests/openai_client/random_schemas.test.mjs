// Every structured output parses and validates against its schema: 100 random schemas from a seeded
// generator (schema_generator.mjs) as response_format json_schema, and 20 forced calls of tools
// with random (flat) parameters, through the real `openai` package against a live grid serving a model
// with Qwen3's real vocabulary and random weights (so the output is whatever the worker's
// constrained sampler allows). Validated with Ajv, an independent JSON Schema implementation.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import Ajv from 'ajv';

import { serveFixture } from './fixture_grid.mjs';
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
