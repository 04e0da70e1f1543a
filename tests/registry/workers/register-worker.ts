/** Child process of concurrency.test.ts: registers `count` versions of one model and prints the versions it got. */
import { Tracker } from '../../../src/tracker.js';

const [store, name, source, count, user] = process.argv.slice(2);
const tracker = await Tracker.open({ store: store as string, user: user as string });
const got: number[] = [];
for (let i = 0; i < Number(count); i++) {
  const mv = await tracker.registerModel(name as string, source as string, { tags: { worker: user as string, i } });
  got.push(mv.version);
  if (i % 3 === 0) await tracker.setAlias(name as string, `w-${user as string}`, mv.version);
}
await tracker.close();
process.stdout.write(JSON.stringify(got));
