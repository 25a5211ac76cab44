// The real `openai` npm package against a live `infergrid up` (tests/http.cmake runs it).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import OpenAI from 'openai';

import { rejection, sourceDir, startGrid } from './grid.mjs';

const model = 'stories260k';
let grid;
let client;

function clientWith(apiKey) {
  return new OpenAI({ apiKey, baseURL: grid.baseURL, maxRetries: 0, timeout: 60000 });
}


function assertErrorShape(error, status, code) {
  assert.ok(error instanceof OpenAI.APIError, `not an APIError: ${error}`);
  assert.equal(error.status, status, error.message);
  assert.equal(typeof error.error.message, 'string');
  assert.equal(typeof error.error.type, 'string');
  if (code) assert.equal(error.code, code);
}

before(async () => {
  grid = await startGrid({ keysFile: path.join(sourceDir, 'tests/openai_client/test-keys.yaml') });
  client = clientWith('sk-test-rich');
});

after(async () => {
  if (!grid) return;
  const exit = await grid.stop();
  assert.equal(exit.code, 0, `infergrid up did not exit cleanly: ${JSON.stringify(exit)}\n${grid.output()}`);
});

test('models.list names the served model with owner and context length', async () => {
  const models = [];
  for await (const m of client.models.list()) models.push(m);
  const served = models.find((m) => m.id === model);
  assert.ok(served, JSON.stringify(models));
  assert.equal(served.object, 'model');
  assert.equal(typeof served.owned_by, 'string');
  assert.ok(served.context_length > 0);
});

const question = [
  { role: 'system', content: 'You tell short stories.' },
  { role: 'user', content: 'Once upon a time' },
];

test('n choices: each its own sequence (seed + index), whole and streamed with its index', async () => {
  const whole = await client.chat.completions.create({ model, messages: question, max_tokens: 12, temperature: 1, seed: 41, n: 3 });
  assert.deepEqual(whole.choices.map((c) => c.index), [0, 1, 2]);
  for (const choice of whole.choices) assert.ok(['stop', 'length'].includes(choice.finish_reason));
  assert.ok(new Set(whole.choices.map((c) => c.message.content)).size > 1, JSON.stringify(whole.choices));
  // The prompt once, the completions summed (OpenAI's usage for n).
  const alone = await client.chat.completions.create({ model, messages: question, max_tokens: 12, temperature: 1, seed: 42 });
  assert.equal(whole.usage.prompt_tokens, alone.usage.prompt_tokens);
  assert.equal(alone.choices[0].message.content, whole.choices[1].message.content, 'choice 1 is seed 42');
  assert.ok(whole.usage.completion_tokens >= 3 && whole.usage.completion_tokens <= 36, String(whole.usage.completion_tokens));

  const stream = await client.chat.completions.create({ model, messages: question, max_tokens: 12, temperature: 1, seed: 41, n: 3,
    stream: true, stream_options: { include_usage: true } });
  const texts = ['', '', ''];
  const finishes = [null, null, null];
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      texts[choice.index] += choice.delta.content ?? '';
      finishes[choice.index] = choice.finish_reason ?? finishes[choice.index];
    }
  }
  assert.deepEqual(texts, whole.choices.map((c) => c.message.content), 'the same seeds stream the same choices');
  assert.ok(finishes.every((f) => ['stop', 'length'].includes(f)), JSON.stringify(finishes));
  assert.deepEqual(usage, whole.usage);

  const text = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 8, temperature: 1, seed: 5, n: 2 });
  assert.deepEqual(text.choices.map((c) => c.index), [0, 1]);
});

test('models.retrieve gives one model; an unknown id is a 404', async () => {
  const one = await client.models.retrieve(model);
  assert.equal(one.id, model);
  assert.equal(one.object, 'model');
  assert.ok(one.context_length > 0);
  const missing = await rejection(client.models.retrieve('no-such-model'));
  assertErrorShape(missing, 404, 'model_not_found');
});

test('chat.completions.create answers with usage and the miner', async () => {
  const answer = await client.chat.completions.create({ model, messages: question, max_tokens: 16, temperature: 0, seed: 7 });
  assert.equal(answer.object, 'chat.completion');
  assert.equal(answer.choices.length, 1);
  assert.equal(answer.choices[0].message.role, 'assistant');
  assert.ok(answer.choices[0].message.content.length > 0);
  assert.ok(['stop', 'length'].includes(answer.choices[0].finish_reason));
  assert.ok(answer.usage.prompt_tokens > 0);
  assert.ok(answer.usage.completion_tokens > 0 && answer.usage.completion_tokens <= 16);
  assert.equal(answer.usage.total_tokens, answer.usage.prompt_tokens + answer.usage.completion_tokens);
  assert.ok(answer.system_fingerprint.startsWith('miner:'));
  assert.equal(typeof answer.miner, 'string');
});

test('top_k, min_p and repetition_penalty (vLLM and llama.cpp fields) reach the sampler', async () => {
  const base = { model, messages: question, max_tokens: 24, seed: 11 };
  const greedy = await client.chat.completions.create({ ...base, temperature: 0 });
  // One candidate left: a temperature-1 draw is the greedy answer.
  const topOne = await client.chat.completions.create({ ...base, temperature: 1, top_k: 1 });
  assert.equal(topOne.choices[0].message.content, greedy.choices[0].message.content);
  const minPOne = await client.chat.completions.create({ ...base, temperature: 1, min_p: 1 });
  assert.equal(minPOne.choices[0].message.content, greedy.choices[0].message.content);
  // A strong repetition penalty changes the greedy text of this repetitive little model.
  const penalised = await client.chat.completions.create({ ...base, temperature: 0, max_tokens: 64, repetition_penalty: 5 });
  const plain = await client.chat.completions.create({ ...base, temperature: 0, max_tokens: 64 });
  assert.notEqual(penalised.choices[0].message.content, plain.choices[0].message.content);
});

test('streamed chat equals the whole answer and ends with usage', async () => {
  const request = { model, messages: question, max_tokens: 16, temperature: 0, seed: 7, max_completion_tokens: 16 };
  const whole = await client.chat.completions.create(request);
  const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? '';
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  assert.ok(chunks >= 3, `only ${chunks} chunks`);
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.equal(usage.completion_tokens, whole.usage.completion_tokens);
});

test('completions.create, whole and streamed', async () => {
  const whole = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 16, temperature: 0 });
  assert.equal(whole.object, 'text_completion');
  assert.ok(whole.choices[0].text.length > 0);
  assert.ok(whole.usage.completion_tokens > 0);
  let text = '';
  for await (const chunk of await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 16, temperature: 0, stream: true })) {
    text += chunk.choices[0]?.text ?? '';
  }
  assert.equal(text, whole.choices[0].text);
});

test('stop strings are cut; with vLLM\'s include_stop_str_in_output they end the text and stay in it', async () => {
  const ask = (extra) => client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 32, temperature: 0, ...extra });
  const free = (await ask({})).choices[0].text;
  const stop = ` ${free.trim().split(/\s+/)[3]}`;  // the fourth word of the greedy answer
  const at = free.indexOf(stop);
  assert.ok(at > 0, `${JSON.stringify(stop)} in ${JSON.stringify(free)}`);
  const cut = await ask({ stop: [stop] });
  assert.equal(cut.choices[0].text, free.slice(0, at));
  assert.equal(cut.choices[0].finish_reason, 'stop');
  const kept = await ask({ stop: [stop], include_stop_str_in_output: true });
  assert.equal(kept.choices[0].text, free.slice(0, at + stop.length));
  assert.equal(kept.choices[0].finish_reason, 'stop');
  assert.ok(kept.usage.completion_tokens < 32, JSON.stringify(kept.usage));
  let streamed = '';
  for await (const chunk of await ask({ stop: [stop], include_stop_str_in_output: true, stream: true })) {
    streamed += chunk.choices[0]?.text ?? '';
  }
  assert.equal(streamed, kept.choices[0].text);
});

test('completions echo: the answer starts with the prompt, whole and streamed; suffix needs FIM tokens', async () => {
  const prompt = 'Once upon a time';
  const plain = await client.completions.create({ model, prompt, max_tokens: 8, temperature: 0 });
  const echoed = await client.completions.create({ model, prompt, max_tokens: 8, temperature: 0, echo: true });
  assert.equal(echoed.choices[0].text, prompt + plain.choices[0].text);
  assert.equal(echoed.usage.completion_tokens, plain.usage.completion_tokens);
  let streamed = '';
  for await (const chunk of await client.completions.create({ model, prompt, max_tokens: 8, temperature: 0, echo: true, stream: true })) {
    streamed += chunk.choices[0]?.text ?? '';
  }
  assert.equal(streamed, echoed.choices[0].text);
  const withLogprobs = await rejection(client.completions.create({ model, prompt, max_tokens: 4, echo: true, logprobs: 1 }));
  assert.equal(withLogprobs.param, 'echo');
  // stories260k's SentencePiece vocabulary has no fill-in-the-middle tokens.
  const suffix = await rejection(client.completions.create({ model, prompt, suffix: 'The end.', max_tokens: 4 }));
  assertErrorShape(suffix, 400, 'unsupported');
  assert.equal(suffix.param, 'suffix');
});

// Greedy decoding with logprobs: every entry is a log-probability (<= 0), its top_logprobs are the
// `top` most likely tokens sorted descending, the sampled token is the first of them, and bytes
// spell the token.
function assertGreedyChatLogprobs(content, top) {
  assert.ok(content.length > 0, 'no logprobs content');
  for (const [i, entry] of content.entries()) {
    const where = `entry ${i}: ${JSON.stringify(entry)}`;
    assert.equal(typeof entry.token, 'string', where);
    assert.ok(entry.logprob <= 0, where);
    assert.ok(Array.isArray(entry.bytes), where);
    if (!entry.token.includes('\ufffd')) assert.equal(Buffer.from(entry.bytes).toString('utf8'), entry.token, where);
    assert.equal(entry.top_logprobs.length, top, where);
    for (let k = 1; k < top; k += 1) assert.ok(entry.top_logprobs[k - 1].logprob >= entry.top_logprobs[k].logprob, where);
    assert.equal(entry.token, entry.top_logprobs[0].token, where);
    assert.ok(Math.abs(entry.logprob - entry.top_logprobs[0].logprob) < 1e-6, where);
  }
}

const logprobsRequest = { model, messages: question, max_tokens: 16, temperature: 0, seed: 7, logprobs: true, top_logprobs: 3 };

test('chat logprobs: greedy tokens come first among sorted top_logprobs and spell the content', async () => {
  const answer = await client.chat.completions.create(logprobsRequest);
  const { content } = answer.choices[0].logprobs;
  assertGreedyChatLogprobs(content, 3);
  assert.equal(content.map((entry) => entry.token).join(''), answer.choices[0].message.content);
  assert.equal(content.length, answer.usage.completion_tokens);
  const plain = await client.chat.completions.create({ model, messages: question, max_tokens: 4, temperature: 0 });
  assert.equal(plain.choices[0].logprobs, null);
});

test('streamed chat logprobs equal the whole answer\'s', async () => {
  const whole = await client.chat.completions.create(logprobsRequest);
  const entries = [];
  let text = '';
  for await (const chunk of await client.chat.completions.create({ ...logprobsRequest, stream: true })) {
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? '';
      entries.push(...(choice.logprobs?.content ?? []));
    }
  }
  assertGreedyChatLogprobs(entries, 3);
  assert.equal(entries.map((entry) => entry.token).join(''), text);
  assert.equal(text, whole.choices[0].message.content);
  const expected = whole.choices[0].logprobs.content;
  assert.deepEqual(entries.map((entry) => entry.token), expected.map((entry) => entry.token));
  for (const [i, entry] of entries.entries()) assert.ok(Math.abs(entry.logprob - expected[i].logprob) < 1e-3, `entry ${i}`);
});

test('completions logprobs: 2 gives the legacy parallel arrays', async () => {
  const whole = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 16, temperature: 0, logprobs: 2 });
  const { tokens, token_logprobs: tokenLogprobs, top_logprobs: top, text_offset: offsets } = whole.choices[0].logprobs;
  assert.ok(tokens.length > 0);
  assert.equal(tokenLogprobs.length, tokens.length);
  assert.equal(top.length, tokens.length);
  assert.equal(offsets.length, tokens.length);
  assert.equal(tokens.join(''), whole.choices[0].text);
  let offset = 0;
  for (const [i, token] of tokens.entries()) {
    const where = `token ${i}: ${JSON.stringify(token)} ${JSON.stringify(top[i])}`;
    assert.ok(tokenLogprobs[i] <= 0, where);
    const alternatives = Object.entries(top[i]);
    // The 2 most likely and the sampled token, which greedy decoding makes one of them (unless two
    // tokens share a text).
    assert.ok(alternatives.length >= 1 && alternatives.length <= 3, where);
    assert.equal(top[i][token], tokenLogprobs[i], where);
    assert.ok(alternatives.every(([, logprob]) => logprob <= tokenLogprobs[i] + 1e-6), where);
    assert.equal(offsets[i], offset, where);
    offset += [...token].length;
  }
});

// A client that disconnects mid-stream is covered by actors/http_bridge/http_server.test.cpp (real
// sockets, cancel + billing of delivered tokens only): through the openai package the bundled model
// finishes its whole answer before an abort can land, so the case could not fail reliably here.

test('401 without a known key', async () => {
  const error = await rejection(clientWith('sk-wrong').chat.completions.create({ model, messages: question }));
  assertErrorShape(error, 401, 'invalid_api_key');
  assert.ok(error instanceof OpenAI.AuthenticationError);
});

test('400 names the bad field', async () => {
  const badRole = await rejection(client.chat.completions.create({ model, messages: [{ role: 'robot', content: 'x' }] }));
  assertErrorShape(badRole, 400);
  assert.equal(badRole.param, 'messages[0].role');
  const badTemperature = await rejection(client.chat.completions.create({ model, messages: question, temperature: 7 }));
  assert.equal(badTemperature.param, 'temperature');
  const nineChoices = await rejection(client.chat.completions.create({ model, messages: question, n: 9 }));
  assert.equal(nineChoices.param, 'n');
  const tooManyAlternatives = await rejection(client.chat.completions.create({ model, messages: question, logprobs: true, top_logprobs: 21 }));
  assert.equal(tooManyAlternatives.param, 'top_logprobs');
  const topWithoutLogprobs = await rejection(client.chat.completions.create({ model, messages: question, top_logprobs: 2 }));
  assert.equal(topWithoutLogprobs.param, 'top_logprobs');
  const noPrompt = await rejection(client.completions.create({ model }));
  assert.equal(noPrompt.param, 'prompt');
});

test('logit_bias: +100 forces a token at every step, -100 rules it out, an id outside the vocabulary is a 400', async () => {
  const tokensOf = async (logitBias) => {
    const answer = await client.chat.completions.create({
      model, messages: question, max_tokens: 6, temperature: 0.8, seed: 11, logprobs: true, logit_bias: logitBias,
    });
    assert.equal(answer.choices[0].logprobs.content.length, 6);
    return answer.choices[0].logprobs.content.map((entry) => entry.token);
  };
  const forced = await tokensOf({ 300: 100 });
  assert.equal(new Set(forced).size, 1, JSON.stringify(forced));
  const other = await tokensOf({ 300: -100, 301: 100 });
  assert.equal(new Set(other).size, 1, JSON.stringify(other));
  assert.notEqual(other[0], forced[0]);
  const outside = await rejection(client.chat.completions.create({ model, messages: question, logit_bias: { 999999: 5 } }));
  assertErrorShape(outside, 400);
  assert.ok(outside.message.includes('logit_bias'), outside.message);
  assert.equal(outside.param, 'logit_bias');  // named by the bridge, which knows the model's vocabulary
});

test('response_format json_object: the answer is one JSON object, whole and streamed', async () => {
  // Token ids of '"' and '}' in stories260k's vocabulary, pushed up so the object closes within
  // max_tokens; without the mask the same bias gives text such as `"}"}` that is no object.
  const request = {
    model, messages: question, max_tokens: 96, temperature: 0.7, seed: 3,
    response_format: { type: 'json_object' }, logit_bias: { 436: 6, 128: 12 },
  };
  const whole = await client.chat.completions.create(request);
  assert.equal(whole.choices[0].finish_reason, 'stop', whole.choices[0].message.content);
  const parsed = JSON.parse(whole.choices[0].message.content);
  assert.equal(typeof parsed, 'object');
  assert.ok(parsed !== null && !Array.isArray(parsed));
  let streamed = '';
  for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
    for (const choice of chunk.choices) streamed += choice.delta.content ?? '';
  }
  assert.equal(streamed, whole.choices[0].message.content);
  const free = await client.chat.completions.create({ ...request, response_format: { type: 'text' } });
  assert.throws(() => { const v = JSON.parse(free.choices[0].message.content); if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object'); });
});

test('tools on a template without tool calling and unknown response_format types are refused by name', async () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
  const withTools = await rejection(client.chat.completions.create({ model, messages: question, tools, tool_choice: 'required' }));
  assertErrorShape(withTools, 400, 'unsupported');
  assert.equal(withTools.param, 'tools');
  const grammar = await rejection(client.chat.completions.create({
    model, messages: question, response_format: { type: 'grammar', grammar: 'root ::= "x"' },
  }));
  assertErrorShape(grammar, 400, 'unsupported');
  assert.equal(grammar.param, 'response_format');
  const bestOf = await rejection(client.completions.create({ model, prompt: 'Once', best_of: 2 }));
  assert.equal(bestOf.param, 'best_of');
  const plain = await client.chat.completions.create({ model, messages: question, max_tokens: 2, response_format: { type: 'text' } });
  assert.equal(plain.choices.length, 1);
  // As OpenAI: tools [] is no way to say "no tools" (leave the field out), 400 empty_array naming it.
  const noTools = await rejection(client.chat.completions.create({ model, messages: question, max_tokens: 2, tools: [] }));
  assertErrorShape(noTools, 400, 'empty_array');
  assert.equal(noTools.param, 'tools');
  assert.equal(noTools.type, 'invalid_request_error');
});

test('404 for a model nobody serves', async () => {
  const error = await rejection(client.chat.completions.create({ model: 'no-such-model', messages: question }));
  assertErrorShape(error, 404, 'model_not_found');
  assert.ok(error.message.includes('no-such-model'));
});

test('413 for an oversized body', async () => {
  const error = await rejection(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x'.repeat(2 << 20) }] }));
  assertErrorShape(error, 413, 'request_too_large');
});

test('402 when the balance cannot cover max_tokens', async () => {
  const error = await rejection(clientWith('sk-test-poor').chat.completions.create({ model, messages: question, max_tokens: 64 }));
  assertErrorShape(error, 402, 'insufficient_balance');
});

test('429 with Retry-After past the rate limit', async () => {
  const limited = clientWith('sk-test-limited');
  await limited.models.list();
  await limited.models.list();
  const error = await rejection(limited.models.list());
  assertErrorShape(error, 429, 'rate_limit_exceeded');
  assert.ok(error instanceof OpenAI.RateLimitError);
  assert.ok(Number(error.headers.get('retry-after')) >= 1);
});
