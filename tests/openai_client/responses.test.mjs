// POST /v1/responses (OpenAI's Responses API) through the clients that use it — the `openai` package's
// responses.create / responses.stream and the AI SDK's OpenAI provider (whose default model API it
// is) — against a live `infergrid up` on stories260k (tests/http.cmake runs it), and kept responses
// (retrieve, previous_response_id, delete). Tools and
// structured outputs through this API are in tools.test.mjs (a model with a tool-calling template).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';

import { rejection, sourceDir, startGrid } from './grid.mjs';

const model = 'stories260k';
let grid;
let client;

before(async () => {
  grid = await startGrid({ keysFile: path.join(sourceDir, 'tests/openai_client/test-keys.yaml') });
  client = new OpenAI({ apiKey: 'sk-test-rich', baseURL: grid.baseURL, maxRetries: 0, timeout: 60000 });
});

after(async () => {
  if (!grid) return;
  const exit = await grid.stop();
  assert.equal(exit.code, 0, `infergrid up did not exit cleanly: ${JSON.stringify(exit)}\n${grid.output()}`);
});

const instructions = 'You tell short stories.';
const input = 'Once upon a time';

test('responses.create answers with a response object, its text and usage', async () => {
  const response = await client.responses.create({ model, instructions, input, max_output_tokens: 8, temperature: 0 });
  assert.equal(response.object, 'response');
  assert.match(response.id, /^resp_[0-9a-f]{32}$/);
  assert.equal(response.model, model);
  assert.equal(response.store, true);
  assert.equal(response.instructions, instructions);
  assert.equal(response.max_output_tokens, 8);
  assert.ok(['completed', 'incomplete'].includes(response.status), response.status);
  if (response.status === 'incomplete') assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
  assert.equal(response.output.length, 1);
  const [message] = response.output;
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.match(message.id, /^msg_/);
  assert.equal(message.content[0].type, 'output_text');
  assert.ok(response.output_text.length > 0);  // the SDK's convenience: the output_text parts joined
  assert.equal(response.output_text, message.content[0].text);
  assert.ok(response.usage.input_tokens > 0);
  assert.ok(response.usage.output_tokens > 0 && response.usage.output_tokens <= 8);
  assert.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens);
  assert.equal(typeof response.miner, 'string');
});

test('the same conversation answers the same through /v1/responses and /v1/chat/completions', async () => {
  const response = await client.responses.create({ model, instructions, input, max_output_tokens: 16, temperature: 0 });
  const chat = await client.chat.completions.create({
    model, max_tokens: 16, temperature: 0,
    messages: [{ role: 'system', content: instructions }, { role: 'user', content: input }],
  });
  assert.equal(response.output_text, chat.choices[0].message.content);
  assert.equal(response.usage.input_tokens, chat.usage.prompt_tokens);
  assert.equal(response.usage.output_tokens, chat.usage.completion_tokens);
  // Items as input: a message with text parts, and an earlier assistant turn.
  const items = await client.responses.create({
    model, max_output_tokens: 16, temperature: 0,
    input: [
      { role: 'developer', content: instructions },
      { role: 'user', content: [{ type: 'input_text', text: 'Once upon ' }, { type: 'input_text', text: 'a time' }] },
    ],
  });
  assert.equal(items.output_text, chat.choices[0].message.content);
});

test('responses.stream sends typed events in order; the deltas add up to the final response', async () => {
  const stream = client.responses.stream({
    model, instructions, input, max_output_tokens: 12, temperature: 0, include: ['message.output_text.logprobs'], top_logprobs: 2,
  });
  const types = [];
  const sequence = [];
  let deltas = '';
  let deltaLogprobs = 0;
  let final;  // the response the last event carries (response.completed or response.incomplete)
  for await (const event of stream) {
    types.push(event.type);
    sequence.push(event.sequence_number);
    if (event.response) final = event.response;
    if (event.type === 'response.output_text.delta') {
      deltas += event.delta;
      deltaLogprobs += event.logprobs.length;
      for (const entry of event.logprobs) assert.equal(entry.top_logprobs.length, 2);
    }
  }
  // The SDK's own snapshot: the message's text from the deltas (it adds output_text only to parsed responses).
  const snapshot = await stream.finalResponse();
  assert.equal(snapshot.output[0].content[0].text, deltas);
  assert.deepEqual(sequence, sequence.map((_, i) => i));
  assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added',
    'response.content_part.added']);
  const last = types.at(-1);
  assert.ok(['response.completed', 'response.incomplete'].includes(last), last);
  assert.deepEqual(types.slice(-4, -1), ['response.output_text.done', 'response.content_part.done',
    'response.output_item.done']);
  assert.ok(types.slice(4, -4).every((type) => type === 'response.output_text.delta'), types.join(' '));
  assert.equal(final.status, last.replace('response.', ''));
  assert.equal(final.output[0].content[0].text, deltas);
  assert.equal(deltaLogprobs, final.usage.output_tokens);
  assert.equal(final.output[0].content[0].logprobs.length, final.usage.output_tokens);
  // The same text as the whole answer.
  const whole = await client.responses.create({ model, instructions, input, max_output_tokens: 12, temperature: 0 });
  assert.equal(deltas, whole.output_text);
  assert.deepEqual(final.usage, whole.usage);
});

test('a kept response: retrieved, continued with previous_response_id, deleted; store false keeps none', async () => {
  const first = await client.responses.create({ model, instructions, input, max_output_tokens: 8, temperature: 0 });
  assert.equal(first.store, true);
  const retrieved = await client.responses.retrieve(first.id);
  assert.deepEqual(retrieved, first);
  // The continuation sees the conversation so far (without the first instructions: its own apply),
  // exactly as a chat request holding the whole history.
  const next = await client.responses.create({ model, previous_response_id: first.id, input: 'The end.', max_output_tokens: 8,
    temperature: 0 });
  assert.equal(next.previous_response_id, first.id);
  const chat = await client.chat.completions.create({ model, max_tokens: 8, temperature: 0, messages: [
    { role: 'user', content: input }, { role: 'assistant', content: first.output_text }, { role: 'user', content: 'The end.' }] });
  assert.equal(next.output_text, chat.choices[0].message.content);
  assert.equal(next.usage.input_tokens, chat.usage.prompt_tokens);
  // A streamed answer is kept too.
  let streamedId = null;
  for await (const event of client.responses.stream({ model, input, max_output_tokens: 4 })) {
    if (event.type === 'response.created') streamedId = event.response.id;
  }
  assert.equal((await client.responses.retrieve(streamedId)).id, streamedId);
  // Only its account reads it.
  const other = new OpenAI({ apiKey: 'sk-infergrid-dev', baseURL: grid.baseURL, maxRetries: 0 });
  assert.equal((await rejection(other.responses.retrieve(first.id))).status, 404);
  const foreign = await rejection(other.responses.create({ model, previous_response_id: first.id, input }));
  assert.equal(foreign.status, 400);
  assert.equal(foreign.param, 'previous_response_id');
  await client.responses.delete(first.id);
  assert.equal((await rejection(client.responses.retrieve(first.id))).status, 404);
  const unkept = await client.responses.create({ model, input, max_output_tokens: 4, store: false });
  assert.equal(unkept.store, false);
  assert.equal((await rejection(client.responses.retrieve(unkept.id))).status, 404);
});

test('what the grid cannot do is a 400 naming the field; an unknown model a 404', async () => {
  const cases = [
    [{ model, input, previous_response_id: 'resp_0123' }, 'previous_response_id'],
    [{ model, input, conversation: 'conv_1' }, 'conversation'],
    [{ model, input, tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ model, input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] },
      'input[0].content[0]'],
    [{ model, input, max_output_tokens: 0 }, 'max_output_tokens'],
    [{ model }, 'input'],
  ];
  for (const [body, param] of cases) {
    const error = await rejection(client.responses.create(body));
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, 400, error.message);
    assert.equal(error.param, param, error.message);
  }
  const missing = await rejection(client.responses.create({ model: 'no-such-model', input }));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'model_not_found');
  const anonymous = new OpenAI({ apiKey: 'sk-nobody', baseURL: grid.baseURL, maxRetries: 0 });
  assert.equal((await rejection(anonymous.responses.create({ model, input }))).status, 401);
});

test("the AI SDK's OpenAI provider (Responses API by default): generateText and streamText", async () => {
  const openai = createOpenAI({ apiKey: 'sk-test-rich', baseURL: grid.baseURL });
  const generated = await generateText({ model: openai(model), system: instructions, prompt: input, maxOutputTokens: 10,
    temperature: 0 });
  assert.ok(generated.text.length > 0);
  assert.ok(generated.usage.outputTokens > 0 && generated.usage.outputTokens <= 10);
  assert.ok(['stop', 'length'].includes(generated.finishReason), generated.finishReason);
  const streamed = streamText({ model: openai(model), system: instructions, prompt: input, maxOutputTokens: 10,
    temperature: 0 });
  let text = '';
  for await (const piece of streamed.textStream) text += piece;
  assert.equal(text, generated.text);
  assert.equal((await streamed.usage).outputTokens, generated.usage.outputTokens);
});

test('/v1/responses is counted on /metrics under its own route', async () => {
  const metrics = await (await fetch(`${grid.baseURL.replace(/\/v1$/, '')}/metrics`)).text();
  const served = metrics.match(/infergrid_http_requests_total\{route="\/v1\/responses",status="200"\} (\d+)/);
  assert.ok(served && Number(served[1]) >= 5, metrics.split('\n').filter((l) => l.includes('responses')).join('\n'));
  assert.match(metrics, /infergrid_http_requests_total\{route="\/v1\/responses",status="400"\} [1-9]/);
});

test('another method on a kept response is a 405 naming GET and DELETE; its input_items are not served (404)', async () => {
  const headers = { Authorization: 'Bearer sk-test-rich', 'Content-Type': 'application/json' };
  const put = await fetch(`${grid.baseURL}/responses/resp_0123`, { method: 'PUT', headers, body: '{}' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, DELETE');
  const items = await fetch(`${grid.baseURL}/responses/resp_0123/input_items`, { headers });
  assert.equal(items.status, 404);
  assert.equal((await items.json()).error.code, 'unknown_url');
});
