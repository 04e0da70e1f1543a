import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '../../../src/core/entities.js';
import {
  MAX_RESULTS_DEFAULT,
  MAX_RESULTS_LIMIT,
  decodePageToken,
  encodePageToken,
  searchInMemory,
  type SearchOptions,
} from '../../../src/core/search/index.js';
import { assertInvalid, ids, makeRun } from './helpers.js';

function manyRuns(n: number): Run[] {
  return Array.from({ length: n }, (_, i) =>
    makeRun({
      id: `r${String(i).padStart(5, '0')}`,
      startTime: 1_000 + (i % 97),
      metrics: i % 10 === 0 ? {} : { acc: ((i * 7919) % 1000) / 1000, loss: i % 13 === 0 ? Number.NaN : 1 / (i + 1) },
      params: { model: i % 3 === 0 ? 'cnn-small' : 'rnn', lr: String(i % 5) },
      tags: { team: i % 2 === 0 ? 'Vision' : 'nlp' },
    }),
  );
}

describe('searchInMemory', () => {
  it('filters, orders and returns one page', () => {
    const runs = [
      makeRun({ id: 'a', metrics: { acc: 0.2 } }),
      makeRun({ id: 'b', metrics: { acc: 0.9 } }),
      makeRun({ id: 'c' }),
    ];
    const page = searchInMemory(runs, { filter: 'metrics.acc > 0.1', orderBy: ['metrics.acc DESC'] });
    assert.deepEqual(ids(page.runs), ['b', 'a']);
    assert.equal('nextPageToken' in page, false);
    assert.deepEqual(ids(searchInMemory(runs).runs), ['a', 'b', 'c'], 'default order: start_time DESC then id');
  });

  it('pages through 2,500 runs in 3 pages with no duplicates or omissions', () => {
    const runs = manyRuns(2_500);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const options: SearchOptions = { orderBy: ['params.lr DESC', 'metrics.acc'] };
      if (token !== undefined) options.pageToken = token;
      const page = searchInMemory(runs, options);
      seen.push(...ids(page.runs));
      token = page.nextPageToken;
      pages++;
    } while (token !== undefined);
    assert.equal(pages, 3);
    assert.equal(seen.length, 2_500);
    assert.equal(new Set(seen).size, 2_500);
    assert.deepEqual(
      seen,
      ids(searchInMemory(runs, { orderBy: ['params.lr DESC', 'metrics.acc'], maxResults: 2_500 }).runs),
    );
  });

  it('gives no nextPageToken when the page ends exactly at the last run', () => {
    const runs = manyRuns(20);
    const first = searchInMemory(runs, { maxResults: 10 });
    assert.equal(decodePageToken(first.nextPageToken!), 10);
    const second = searchInMemory(runs, { maxResults: 10, pageToken: first.nextPageToken! });
    assert.equal(second.runs.length, 10);
    assert.equal(second.nextPageToken, undefined);
    assert.deepEqual(searchInMemory(runs, { pageToken: encodePageToken(50) }).runs, []);
    assert.equal(searchInMemory(runs, { pageToken: '' }).runs.length, 20, 'an empty token is the first page');
  });

  it('uses MLflow page tokens: base64 of {"offset": N}', () => {
    assert.equal(encodePageToken(1000), 'eyJvZmZzZXQiOiAxMDAwfQ==');
    assert.equal(atob(encodePageToken(5)), '{"offset": 5}');
    assert.equal(decodePageToken(btoa('{"offset":7}')), 7);
  });

  it('defaults maxResults to 1000 and accepts up to 50000', () => {
    const runs = manyRuns(MAX_RESULTS_DEFAULT + 1);
    assert.equal(searchInMemory(runs).runs.length, MAX_RESULTS_DEFAULT);
    assert.equal(searchInMemory(runs, { maxResults: MAX_RESULTS_LIMIT }).runs.length, runs.length);
    assert.equal(searchInMemory(runs, { maxResults: 1 }).runs.length, 1);
  });

  it('rejects maxResults out of 1..50000, naming the value', () => {
    for (const bad of [0, -1, 50_001, 1.5, Number.NaN]) {
      assertInvalid(() => searchInMemory([], { maxResults: bad }), `invalid maxResults ${bad}`, 'from 1 to 50000');
    }
  });

  it('rejects malformed page tokens, naming the token', () => {
    const bad = [
      'not base64!',
      btoa('not json'),
      btoa('{"offset": -1}'),
      btoa('{"offset": 1.5}'),
      btoa('{"x": 1}'),
      btoa('null'),
      btoa('[1]'),
    ];
    for (const token of bad) {
      assertInvalid(
        () => searchInMemory([], { pageToken: token }),
        `invalid pageToken ${JSON.stringify(token)}`,
        'nextPageToken',
      );
    }
  });

  it('validates filter and order_by even when there are no runs', () => {
    assertInvalid(() => searchInMemory([], { filter: 'metrics.a >> 1' }), 'invalid filter');
    assertInvalid(() => searchInMemory([], { orderBy: ['metrics.a sideways'] }), 'invalid order_by');
  });

  it('filters and sorts 10,000 runs consistently (speed is measured in bench/, not here)', () => {
    const runs = manyRuns(10_000);
    const options: SearchOptions = {
      filter: "metrics.acc > 0.2 AND params.model LIKE 'cnn%' AND tags.team ILIKE 'vision'",
      orderBy: ['metrics.loss DESC', 'params.lr'],
      maxResults: 50_000,
    };
    const found = searchInMemory(runs, options).runs;
    const naive = runs.filter(
      (r) =>
        (r.metrics['acc'] ?? -1) > 0.2 &&
        (r.params['model'] ?? '').startsWith('cnn') &&
        (r.tags['team'] ?? '').toLowerCase() === 'vision',
    );
    assert.ok(found.length > 500, `only ${found.length} matches`);
    assert.deepEqual(new Set(found.map((r) => r.id)), new Set(naive.map((r) => r.id)));
    for (let i = 1; i < found.length; i++) {
      const [a, b] = [found[i - 1]?.metrics['loss'] ?? Number.NaN, found[i]?.metrics['loss'] ?? Number.NaN];
      assert.ok(Number.isNaN(b) || a >= b, `sorted by loss DESC, NaN and missing last (${a} before ${b})`);
    }
  });
});
