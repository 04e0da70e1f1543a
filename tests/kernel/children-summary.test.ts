/** How a parent run summarises its children: the ranking metric, the best child, the %runs cell and the table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '../../src/core/entities.js';
import {
  bestChild,
  childrenByParent,
  childrenCell,
  childrenTableHtml,
  rankingFor,
} from '../../src/kernel/children-summary.js';
import { toPlainText } from '../../src/kernel/html.js';

let n = 0;
function run(name: string, metrics: Record<string, number>, extra: Partial<Run> = {}): Run {
  n++;
  return {
    id: `${String(n).padStart(8, '0')}${'a'.repeat(24)}`,
    name,
    experimentId: '1',
    experimentName: 'sweep',
    status: 'FINISHED',
    startTime: n,
    endTime: n + 1,
    lifecycleStage: 'active',
    user: 'me',
    parentRunId: 'p',
    params: {},
    metrics,
    metricSummaries: {},
    tags: {},
    inputs: [],
    ...extra,
  };
}
const short = (id: string) => id.slice(0, 8);

describe('children summaries', () => {
  it('ranks by the order-by metric when given, else by the most logged metric, costs minimised', () => {
    const kids = [run('a', { loss: 0.5, acc: 0.7 }), run('b', { loss: 0.2, acc: 0.6 }), run('c', { loss: 0.9 })];
    assert.deepEqual(rankingFor(kids), { key: 'loss', lowerIsBetter: true });
    assert.deepEqual(rankingFor(kids, ['metrics.acc DESC']), { key: 'acc', lowerIsBetter: false });
    assert.deepEqual(rankingFor(kids, ['params.lr', 'metrics.`val loss`']), { key: 'val loss', lowerIsBetter: true });
    assert.deepEqual(rankingFor([run('x', { accuracy: 1, f1: 1 })]), { key: 'accuracy', lowerIsBetter: false });
    assert.equal(rankingFor([run('x', {})]), undefined);
    assert.equal(bestChild(kids, rankingFor(kids))?.run.name, 'b');
    assert.equal(bestChild(kids, rankingFor(kids, ['metrics.acc DESC']))?.run.name, 'a');
  });

  it('passes over children without a finite value of the metric', () => {
    const kids = [run('nan', { loss: NaN }), run('none', {}), run('ok', { loss: 3 })];
    assert.equal(bestChild(kids, { key: 'loss', lowerIsBetter: true })?.run.name, 'ok');
    assert.equal(bestChild([run('none', {})], { key: 'loss', lowerIsBetter: true }), undefined);
  });

  it('groups runs under their parents and writes the %runs cell', () => {
    const kids = [run('a', { acc: 0.7 }), run('b', { acc: 0.9 }), run('solo', {}, { parentRunId: null })];
    const by = childrenByParent(kids);
    assert.deepEqual([...by.keys()], ['p']);
    assert.equal(childrenCell(by.get('p')), '2 (best: highest acc 0.9 in b)');
    assert.equal(childrenCell(by.get('p'), ['metrics.acc ASC']), '2 (best: lowest acc 0.7 in a)');
    assert.equal(childrenCell([run('m', {})]), '1');
    assert.equal(childrenCell(undefined), '');
  });

  it("a parent's table lists its children best first, in bold, with the params that differ", () => {
    const kids = [
      run('lr-0.3', { loss: 0.4 }, { params: { lr: '0.3', seed: '1' } }),
      run('lr-0.1', { loss: 0.1 }, { params: { lr: '0.1', seed: '1' } }),
      run('lr-9', {}, { params: { lr: '9', seed: '1' }, status: 'FAILED' }),
    ];
    const html = childrenTableHtml(kids, short);
    assert.match(html, /<tr><td[^>]*><b>lr-0\.1<\/b>/);
    assert.deepEqual(toPlainText(html).split('\n'), [
      '3 child runs (2 FINISHED, 1 FAILED); best: lowest loss 0.1 in lr-0.1',
      'child  id  status  loss  params.lr',
      `lr-0.1  ${short(kids[1]!.id)}  FINISHED  0.1  0.1`,
      `lr-0.3  ${short(kids[0]!.id)}  FINISHED  0.4  0.3`,
      `lr-9  ${short(kids[2]!.id)}  FAILED    9`,
    ]);
    assert.equal(childrenTableHtml([], short), '');
  });

  it('shows at most 25 children and says how many there are', () => {
    const kids = Array.from({ length: 30 }, (_, i) => run(`c${i}`, { acc: i }));
    const text = toPlainText(childrenTableHtml(kids, short));
    assert.match(
      text.split('\n')[0]!,
      /^30 child runs \(30 FINISHED\); best: highest acc 29 in c29; showing 25 of 30$/,
    );
    assert.equal(text.split('\n').length, 27);
  });
});
