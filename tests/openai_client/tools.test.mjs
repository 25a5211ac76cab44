// Tool calling and structured outputs through the clients people use, against a live grid serving a
// model with Qwen3's real vocabulary and chat template (tests/tokenizer.cmake's qwen3-tiny.gguf:
// random weights, so whatever it says is only what the constraint lets it say). Forced tool calls
// (tool_choice required or a named function) and response_format json_schema are enforced by the
// worker's constrained sampler, so every call and object must parse and match its schema.
//   openai             chat.completions with tools (whole and streamed delta.tool_calls), a history
//                      with tool results, response_format json_schema via zodResponseFormat + parse()
//   @langchain/openai  bindTools + invoke / stream, withStructuredOutput
//   ai (AI SDK)        generateText with a required tool, streamText, generateObject
//   /v1/responses      the Responses API: function_call items (whole and streamed), a history with
//                      function_call_output, text.format json_schema, reasoning items; the AI SDK's
//                      OpenAI provider with a required tool
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, streamText, tool } from 'ai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';

import { serveFixture } from './fixture_grid.mjs';
import { devKey } from './grid.mjs';

const model = 'qwen3-tiny';
const live = serveFixture(model);

// Small value spaces keep a random model's forced output short: enums, bounded strings and integers.
const weatherParameters = {
  type: 'object',
  properties: {
    city: { type: 'string', enum: ['Paris', 'Oslo', 'Rome'] },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit', 'days'],
  additionalProperties: false,
};
const tools = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherParameters } },
  { type: 'function', function: { name: 'get_time', description: 'Time now', parameters: { type: 'object', properties: {} } } },
];
const weatherSchema = z.object({
  city: z.enum(['Paris', 'Oslo', 'Rome']),
  unit: z.enum(['celsius', 'fahrenheit']),
  days: z.number().int().min(1).max(7),
});

function assertWeatherArguments(text) {
  const parsed = JSON.parse(text);
  assert.deepEqual(weatherSchema.parse(parsed), parsed, text);
}


test('openai: a named tool_choice returns exactly that call with valid arguments', async () => {
  const reply = await live.client.chat.completions.create({
    model, messages: [{ role: 'user', content: 'Weather in Paris for 3 days?' }], tools, max_tokens: 400,
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
  });
  const choice = reply.choices[0];
  assert.equal(choice.message.content, null, JSON.stringify(choice));
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.match(call.id, /^call_[0-9a-f]{24}$/);
  assertWeatherArguments(call.function.arguments);
  assert.equal(choice.finish_reason, 'stop');
});

test('openai: tool_choice required, streamed as delta.tool_calls', async () => {
  const stream = await live.client.chat.completions.create({
    model, messages: [{ role: 'user', content: 'Use a tool.' }], tools, tool_choice: 'required', max_tokens: 400,
    stream: true,
  });
  const calls = [];
  const deltas = [];
  let finish = null;
  let content = '';
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta ?? {};
    deltas.push(delta);
    content += delta.content ?? '';
    for (const piece of delta.tool_calls ?? []) {
      calls[piece.index] ??= { id: '', name: '', arguments: '' };
      calls[piece.index].id += piece.id ?? '';
      calls[piece.index].name += piece.function?.name ?? '';
      calls[piece.index].arguments += piece.function?.arguments ?? '';
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'tool_calls');
  assert.equal(content, '');
  // As OpenAI streams a call: the opening delta is the role, content null and the call, and no
  // delta says content "" (a client that keeps "" would report empty text beside the call).
  assert.equal(deltas[0].role, 'assistant', JSON.stringify(deltas[0]));
  assert.equal(deltas[0].content, null, JSON.stringify(deltas[0]));
  assert.ok(deltas[0].tool_calls?.length, JSON.stringify(deltas[0]));
  assert.ok(deltas.every((delta) => delta.content !== ''), JSON.stringify(deltas));
  assert.equal(calls.length, 1, JSON.stringify(calls));
  assert.ok(['get_weather', 'get_time'].includes(calls[0].name), calls[0].name);
  if (calls[0].name === 'get_weather') assertWeatherArguments(calls[0].arguments);
  else assert.deepEqual(JSON.parse(calls[0].arguments), {});
});

test('openai: a forced call of a tool whose parameters are {} is a call with arguments {}', async () => {
  // OpenAI: arguments are always an object; {} (like no parameters) is an empty parameter list.
  const emptyTools = [{ type: 'function', function: { name: 'get_time', description: 'Time now', parameters: {} } }];
  for (const tool_choice of ['required', { type: 'function', function: { name: 'get_time' } }]) {
    for (const seed of [1, 2, 3]) {
      const answer = (await live.client.chat.completions.create({
        model, seed, messages: [{ role: 'user', content: 'What time is it?' }], tools: emptyTools, tool_choice, max_tokens: 120,
      })).choices[0];
      assert.equal(answer.message.tool_calls?.length, 1, JSON.stringify(answer));
      assert.deepEqual(JSON.parse(answer.message.tool_calls[0].function.arguments), {});
    }
  }
});

test('openai: a forced call of a tool whose parameters are a top-level anyOf or $ref has object arguments', async () => {
  // Arguments are always one JSON object: of such parameters only the alternatives' objects are
  // allowed (a random model picked the string alternative, and the reply had no call at all).
  const unit = { type: 'object', properties: { unit: { enum: ['celsius', 'fahrenheit'] } }, required: ['unit'],
    additionalProperties: false };
  const unions = {
    anyOf: { anyOf: [{ type: 'string', maxLength: 3 }, unit] },
    $ref: { $ref: '#/$defs/Choice', $defs: { Choice: { anyOf: [{ type: 'integer', minimum: 0, maximum: 9 }, unit] } } },
  };
  for (const [what, parameters] of Object.entries(unions)) {
    for (const seed of [1, 2, 3]) {
      const answer = (await live.client.chat.completions.create({
        model, seed, messages: [{ role: 'user', content: 'Set the unit.' }], max_tokens: 120, tool_choice: 'required',
        tools: [{ type: 'function', function: { name: 'set_unit', parameters } }],
      })).choices[0];
      assert.equal(answer.message.tool_calls?.length, 1, `${what}, seed ${seed}: ${JSON.stringify(answer)}`);
      assert.deepEqual(Object.keys(JSON.parse(answer.message.tool_calls[0].function.arguments)), ['unit']);
    }
  }
  // Parameters that allow no object at all are the client's to fix: 400 naming tools.
  const error = await live.client.chat.completions.create({
    model, messages: [{ role: 'user', content: 'x' }], max_tokens: 8, tool_choice: 'required',
    tools: [{ type: 'function', function: { name: 'f', parameters: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } }],
  }).then(() => null, (e) => e);
  assert.equal(error?.status, 400, String(error));
  assert.equal(error.param, 'tools');
});

test('openai: a forced call cut short by max_tokens leaves no markup in content, whole or streamed', async () => {
  const request = {
    model, messages: [{ role: 'user', content: 'Weather?' }], tools, tool_choice: 'required', max_tokens: 3,
  };
  const whole = (await live.client.chat.completions.create(request)).choices[0];
  assert.equal(whole.finish_reason, 'length');
  assert.equal(whole.message.content, null, JSON.stringify(whole));
  assert.equal(whole.message.tool_calls, undefined, JSON.stringify(whole));
  let content = '';
  let finish = null;
  for await (const chunk of await live.client.chat.completions.create({ ...request, stream: true })) {
    content += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(chunk.choices[0]?.delta?.tool_calls, undefined, JSON.stringify(chunk));
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'length');
  assert.equal(content, '');
});

test('openai: stop with a forced call or JSON output is a 400 naming stop, streamed or not', async () => {
  for (const constrained of [{ tools, tool_choice: 'required' }, { response_format: { type: 'json_object' } }]) {
    for (const stream of [false, true]) {
      const error = await live.client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'x' }], max_tokens: 8, stop: ['}'], stream, ...constrained })
        .then(() => null, (e) => e);
      assert.equal(error?.status, 400, String(error));
      assert.equal(error.param, 'stop');
    }
  }
});

test('openai: a streamed prompt beyond the context is a 400 before the stream, as a whole one is', async () => {
  const error = await live.client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'hello '.repeat(5000) }], max_tokens: 4, stream: true })
    .then(() => null, (e) => e);
  assert.equal(error?.status, 400, String(error));
  assert.equal(error.code, 'context_length_exceeded');
});

test('openai: a history with a tool call and its result is accepted; tool_choice none answers text', async () => {
  const reply = await live.client.chat.completions.create({
    model, max_tokens: 8, tools, tool_choice: 'none',
    messages: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function',
        function: { name: 'get_weather', arguments: '{"city": "Rome", "unit": "celsius", "days": 1}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 21}' },
    ],
  });
  assert.equal(reply.choices[0].message.tool_calls, undefined);
  assert.equal(typeof reply.choices[0].message.content, 'string');
});

test('openai: response_format json_schema parsed by the zod helper', async () => {
  const reply = await live.client.chat.completions.parse({
    model, messages: [{ role: 'user', content: 'Forecast?' }], max_tokens: 400,
    response_format: zodResponseFormat(weatherSchema, 'forecast'),
  });
  const parsed = reply.choices[0].message.parsed;
  assert.ok(parsed, JSON.stringify(reply.choices[0]));
  assert.deepEqual(weatherSchema.parse(parsed), parsed);
});

test('openai: an unsupported schema keyword is a 400 naming it, not unconstrained output', async () => {
  await assert.rejects(
    live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'x' }], max_tokens: 8,
      response_format: { type: 'json_schema', json_schema: { name: 'p',
        schema: { type: 'object', properties: { id: { type: 'string', pattern: '^(?=a)[a-z]+$' } } } } },
    }),
    (error) => error.status === 400 && /'pattern' at #\/properties\/id\/pattern: lookarounds/.test(error.message),
  );
  await assert.rejects(
    live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'x' }], max_tokens: 8,
      response_format: { type: 'json_schema', json_schema: { name: 'p',
        schema: { type: 'object', properties: { n: { type: 'integer', multipleOf: 0 } } } } },
    }),
    (error) => error.status === 400 && /'multipleOf' must be a number greater than 0 at #\/properties\/n\/multipleOf/.test(error.message),
  );
});

// The number's text as written (JSON.parse would round 0.07 to a double).
function numberText(content, key) {
  const found = new RegExp(`"${key}"\\s*:\\s*(-?[0-9.]+)`).exec(content);
  assert.ok(found, `${key} in ${content}`);
  return found[1];
}

// multipleOf as pydantic's conint(multiple_of=5) and condecimal(decimal_places=2) write it, and a
// binary step: a random model's numbers are multiples, within their ranges.
test('openai: response_format json_schema with multipleOf comes back with multiples', async () => {
  const schema = {
    type: 'object',
    properties: {
      count: { type: 'integer', multipleOf: 5, minimum: 10, maximum: 95 },
      half: { type: 'number', multipleOf: 0.5, exclusiveMinimum: 0, maximum: 20 },
      price: { type: 'number', multipleOf: 0.01, minimum: 0, maximum: 1000 },
    },
    required: ['count', 'half', 'price'],
    additionalProperties: false,
  };
  for (let i = 0; i < 3; ++i) {
    const reply = await live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: `Order ${i}?` }], max_tokens: 200, temperature: 1, seed: i,
      response_format: { type: 'json_schema', json_schema: { name: 'order', strict: true, schema } },
    });
    const text = reply.choices[0].message.content;
    assert.equal(reply.choices[0].finish_reason, 'stop', text);
    const parsed = JSON.parse(text);
    assert.ok(Number.isInteger(parsed.count) && parsed.count % 5 === 0 && parsed.count >= 10 && parsed.count <= 95, text);
    assert.ok(Number.isInteger(parsed.half * 2) && parsed.half > 0 && parsed.half <= 20, text);
    assert.ok(parsed.price >= 0 && parsed.price <= 1000, text);
    assert.match(numberText(text, 'price'), /^-?(0|[1-9][0-9]*)(\.[0-9]{1,2}0*)?$/, text);  // whole cents
  }
});

// pattern and format are enforced by the constrained sampler: a random model's strings match them.
test('openai: response_format json_schema with pattern, format date and a length beside a pattern comes back matching', async () => {
  const schema = {
    type: 'object',
    properties: {
      code: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{2}$' },
      day: { type: 'string', format: 'date' },
      tag: { type: 'string', pattern: '^(red|green)$' },
      word: { type: 'string', pattern: '^[a-z]+$', minLength: 2, maxLength: 5 },
    },
    required: ['code', 'day', 'tag', 'word'],
    additionalProperties: false,
  };
  for (let i = 0; i < 3; ++i) {
    const reply = await live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: `Booking ${i}?` }], max_tokens: 200, temperature: 1, seed: i,
      response_format: { type: 'json_schema', json_schema: { name: 'booking', strict: true, schema } },
    });
    const text = reply.choices[0].message.content;
    assert.equal(reply.choices[0].finish_reason, 'stop', text);
    const parsed = JSON.parse(text);
    assert.deepEqual(Object.keys(parsed), ['code', 'day', 'tag', 'word'], text);
    assert.match(parsed.code, /^[A-Z]{3}-[0-9]{2}$/, text);
    assert.match(parsed.day, /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, text);
    assert.match(parsed.tag, /^(red|green)$/, text);
    assert.match(parsed.word, /^[a-z]{2,5}$/, text);
  }
});

// A pattern beside a format (both hold) and a maxLength far beyond what a product of automaton
// states and counts could hold: both used to be 400s.
test('openai: response_format json_schema with pattern and format together, and a pattern with a large maxLength', async () => {
  const schema = {
    type: 'object',
    properties: {
      day: { type: 'string', format: 'date', pattern: '^2026-' },
      note: { type: 'string', pattern: '^[a-z ]+$', minLength: 3, maxLength: 100000 },
    },
    required: ['day', 'note'],
    additionalProperties: false,
  };
  for (let i = 0; i < 3; ++i) {
    const reply = await live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: `Booking ${i}?` }], max_tokens: 200, temperature: 1, seed: i,
      response_format: { type: 'json_schema', json_schema: { name: 'booking', strict: true, schema } },
      logit_bias: { 1: 10 },  // '"': the note ends soon after its 3 characters
    });
    const text = reply.choices[0].message.content;
    assert.equal(reply.choices[0].finish_reason, 'stop', text);
    const parsed = JSON.parse(text);
    assert.match(parsed.day, /^2026-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, text);
    assert.match(parsed.note, /^[a-z ]{3,}$/, text);
  }
});

// Qwen3 thinks before it answers; text about tool calls inside its <think> block is reasoning, not
// a call, and with parallel_tool_calls false a `</tool_call>` there does not end the reply (only the
// first call in the answer does). Random weights never write these by themselves: logit_bias makes
// every token one of <think>, <tool_call>, </tool_call>.
test('openai: a <think> block holding <tool_call> and </tool_call> is reasoning, and ends nothing', async () => {
  const tags = { 151667: 100, 151657: 100, 151658: 100 };
  let thought = 0;
  for (let seed = 0; seed < 8; ++seed) {
    const reply = await live.client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, parallel_tool_calls: false,
      max_tokens: 12, temperature: 1, seed, logit_bias: tags,
    });
    const choice = reply.choices[0];
    if (!choice.message.reasoning_content) continue;  // the first token was not <think>: no block
    ++thought;
    assert.equal(choice.message.tool_calls, undefined, JSON.stringify(choice));
    assert.equal(choice.message.content, '', JSON.stringify(choice));
    assert.equal(choice.finish_reason, 'length', JSON.stringify(choice));
    assert.equal(reply.usage.completion_tokens, 12, JSON.stringify(reply.usage));
    assert.match(choice.message.reasoning_content, /<\/tool_call>/, JSON.stringify(choice));
  }
  assert.ok(thought > 0, 'no seed opened a <think> block');
});

test('langchain: bindTools with a forced tool, invoke and stream', async () => {
  const chat = new ChatOpenAI({ model, apiKey: devKey, configuration: { baseURL: live.grid.baseURL }, maxRetries: 0,
    maxTokens: 400, temperature: 0 });
  const bound = chat.bindTools([{ type: 'function', function: tools[0].function }], { tool_choice: 'get_weather' });
  const message = await bound.invoke('Weather in Oslo?');
  assert.equal(message.tool_calls.length, 1, JSON.stringify(message));
  assert.equal(message.tool_calls[0].name, 'get_weather');
  assert.deepEqual(weatherSchema.parse(message.tool_calls[0].args), message.tool_calls[0].args);
  let merged;
  for await (const chunk of await bound.stream('Weather in Rome?')) merged = merged ? merged.concat(chunk) : chunk;
  assert.equal(merged.tool_calls.length, 1, JSON.stringify(merged.tool_call_chunks));
  assert.deepEqual(weatherSchema.parse(merged.tool_calls[0].args), merged.tool_calls[0].args);
});

test('langchain: withStructuredOutput returns a schema-valid object', async () => {
  const chat = new ChatOpenAI({ model, apiKey: devKey, configuration: { baseURL: live.grid.baseURL }, maxRetries: 0,
    maxTokens: 400, temperature: 0 });
  for (const method of ['jsonSchema', 'functionCalling']) {
    const result = await chat.withStructuredOutput(weatherSchema, { name: 'forecast', method }).invoke('Forecast?');
    assert.deepEqual(weatherSchema.parse(result), result, method);
  }
});

test('openai: completions with a suffix fill in the middle (Qwen vocabulary: <|fim_prefix|> p <|fim_suffix|> s <|fim_middle|>)', async () => {
  const count = async (prompt) => (await live.client.completions.create({ model, prompt, max_tokens: 1 })).usage.prompt_tokens;
  const prefix = 'def add(a, b):\n';
  const suffix = '\n    return total\n';
  const filled = await live.client.completions.create({ model, prompt: prefix, suffix, max_tokens: 4, temperature: 0 });
  assert.equal(filled.object, 'text_completion');
  assert.ok(filled.usage.completion_tokens > 0);
  // The three FIM tokens are single tokens around the two texts.
  assert.equal(filled.usage.prompt_tokens, (await count(prefix)) + (await count(suffix)) + 3);
});

test('openai: a thinking model\'s <think> block is reasoning_content, its tokens reasoning_tokens', async () => {
  // Random weights never open the block by themselves: logit_bias makes every token <think> (151667).
  const think = { 151667: 100 };
  const messages = [{ role: 'user', content: 'Think.' }];
  const whole = await live.client.chat.completions.create({ model, messages, max_tokens: 5, logit_bias: think });
  const message = whole.choices[0].message;
  assert.equal(message.content, '');
  assert.equal(message.reasoning_content, '<think>'.repeat(4), JSON.stringify(message));
  assert.equal(whole.usage.completion_tokens_details.reasoning_tokens, 5);
  let reasoning = '';
  let content = '';
  let usage = null;
  for await (const chunk of await live.client.chat.completions.create({ model, messages, max_tokens: 5, logit_bias: think,
    stream: true, stream_options: { include_usage: true } })) {
    reasoning += chunk.choices[0]?.delta?.reasoning_content ?? '';
    content += chunk.choices[0]?.delta?.content ?? '';
    usage = chunk.usage ?? usage;
  }
  assert.equal(reasoning, message.reasoning_content);
  assert.equal(content, '');
  assert.equal(usage.completion_tokens_details.reasoning_tokens, 5);
  // Without the block: all content, no reasoning tokens.
  const plain = await live.client.chat.completions.create({ model, messages, max_tokens: 5, logit_bias: { 151667: -100 }, temperature: 0 });
  assert.equal(plain.choices[0].message.reasoning_content, undefined);
  assert.equal(plain.usage.completion_tokens_details.reasoning_tokens, 0);
  assert.equal(typeof plain.choices[0].message.content, 'string');
});

test('AI SDK: generateText with a required tool, streamText, generateObject', async () => {
  const provider = createOpenAICompatible({ name: 'infergrid', baseURL: live.grid.baseURL, apiKey: devKey,
    supportsStructuredOutputs: true });
  const getWeather = tool({ description: 'Weather in a city', inputSchema: weatherSchema });
  const called = await generateText({ model: provider(model), prompt: 'Weather in Paris?', maxOutputTokens: 400,
    tools: { get_weather: getWeather }, toolChoice: 'required', maxRetries: 0 });
  assert.equal(called.toolCalls.length, 1, JSON.stringify(called.content));
  assert.equal(called.toolCalls[0].toolName, 'get_weather');
  assert.deepEqual(weatherSchema.parse(called.toolCalls[0].input), called.toolCalls[0].input);
  const streamed = streamText({ model: provider(model), prompt: 'Hello', maxOutputTokens: 6, maxRetries: 0 });
  let text = '';
  for await (const part of streamed.textStream) text += part;
  assert.equal(typeof text, 'string');
  assert.ok((await streamed.finishReason) !== undefined);
  const { object } = await generateObject({ model: provider(model), schema: weatherSchema, prompt: 'Forecast?',
    maxOutputTokens: 400, maxRetries: 0 });
  assert.deepEqual(weatherSchema.parse(object), object);
});

// The Responses API's flat function tools.
const responseTools = tools.map(({ function: f }) => ({ type: 'function', ...f }));

test('responses: a required tool is a function_call item with valid arguments, whole and streamed', async () => {
  const whole = await live.client.responses.create({
    model, input: 'Weather in Paris for 3 days?', tools: responseTools, max_output_tokens: 400,
    tool_choice: { type: 'function', name: 'get_weather' },
  });
  assert.equal(whole.status, 'completed', JSON.stringify(whole));
  const calls = whole.output.filter((item) => item.type === 'function_call');
  assert.equal(calls.length, 1, JSON.stringify(whole.output));
  assert.equal(calls[0].name, 'get_weather');
  assert.match(calls[0].call_id, /^call_/);
  assert.match(calls[0].id, /^fc_/);
  assertWeatherArguments(calls[0].arguments);
  assert.equal(whole.output.some((item) => item.type === 'message'), false, JSON.stringify(whole.output));
  assert.deepEqual(whole.tools.map((t) => t.name), ['get_weather', 'get_time']);

  const stream = live.client.responses.stream({
    model, input: 'Use a tool.', tools: responseTools, tool_choice: 'required', max_output_tokens: 400,
  });
  const types = [];
  let argumentsDone = null;
  let final = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.function_call_arguments.done') argumentsDone = event;
    if (event.type === 'response.completed') final = event.response;
  }
  assert.ok(argumentsDone, types.join(' '));
  assert.deepEqual(types.filter((t) => t.includes('function_call') || t.includes('output_item')),
    ['response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done',
      'response.output_item.done']);
  const [call] = final.output;
  assert.equal(call.type, 'function_call');
  assert.equal(call.arguments, argumentsDone.arguments);
  if (call.name === 'get_weather') assertWeatherArguments(call.arguments);
  else assert.deepEqual(JSON.parse(call.arguments), {});
  // The SDK's own snapshot holds the same call.
  const snapshot = await stream.finalResponse();
  assert.equal(snapshot.output[0].arguments, call.arguments);
});

test('responses: a history with function_call and function_call_output items; tool_choice none answers text', async () => {
  const answer = await live.client.responses.create({
    model, max_output_tokens: 8, tools: responseTools, tool_choice: 'none',
    input: [
      { role: 'user', content: 'Weather in Rome?' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city": "Rome", "unit": "celsius", "days": 1}' },
      { type: 'function_call_output', call_id: 'call_1', output: '{"temp": 21}' },
    ],
  });
  assert.deepEqual(answer.output.map((item) => item.type), ['message']);
  assert.equal(typeof answer.output_text, 'string');
});

test('responses: text.format json_schema returns schema-valid JSON', async () => {
  const schema = JSON.parse(JSON.stringify(weatherParameters));
  const answer = await live.client.responses.create({
    model, input: 'Forecast?', max_output_tokens: 400,
    text: { format: { type: 'json_schema', name: 'forecast', schema, strict: true } },
  });
  assert.equal(answer.status, 'completed');
  assertWeatherArguments(answer.output_text);
  assert.equal(answer.text.format.name, 'forecast');
});

test('responses: a thinking model\'s <think> block is a reasoning item, its tokens reasoning_tokens', async () => {
  const think = { 151667: 100 };  // every token <think> (random weights never open the block)
  const whole = await live.client.responses.create({ model, input: 'Think.', max_output_tokens: 5, logit_bias: think });
  assert.deepEqual(whole.output.map((item) => item.type), ['reasoning', 'message'], JSON.stringify(whole.output));
  assert.equal(whole.output[0].content[0].type, 'reasoning_text');
  assert.equal(whole.output[0].content[0].text, '<think>'.repeat(4));
  assert.equal(whole.usage.output_tokens_details.reasoning_tokens, 5);
  let reasoning = '';
  for await (const event of live.client.responses.stream({ model, input: 'Think.', max_output_tokens: 5, logit_bias: think })) {
    if (event.type === 'response.reasoning_text.delta') reasoning += event.delta;
  }
  assert.equal(reasoning, whole.output[0].content[0].text);
});

test("responses: the AI SDK's OpenAI provider calls a required tool", async () => {
  const openai = createOpenAI({ baseURL: live.grid.baseURL, apiKey: devKey });
  const getWeather = tool({ description: 'Weather in a city', inputSchema: weatherSchema });
  const called = await generateText({ model: openai.responses(model), prompt: 'Weather in Paris?', maxOutputTokens: 400,
    tools: { get_weather: getWeather }, toolChoice: 'required', maxRetries: 0 });
  assert.equal(called.toolCalls.length, 1, JSON.stringify(called.content));
  assert.equal(called.toolCalls[0].toolName, 'get_weather');
  assert.deepEqual(weatherSchema.parse(called.toolCalls[0].input), called.toolCalls[0].input);
});
