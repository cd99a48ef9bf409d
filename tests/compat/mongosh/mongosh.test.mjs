// mongosh (npm) against a running Outpost: connects, inserts, and runs db.photos.find() and db.photos.aggregate(...).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const mongosh = path.join(here, '..', 'node_modules', '.bin', 'mongosh');
const base = process.env.OUTPOST_URI ?? 'mongodb://127.0.0.1:27017/';
const uri = base.replace(/\/(\?|$)/, `/mongosh_${process.pid}$1`);

function shell(script) {
  const r = spawnSync(mongosh, [uri, '--quiet', '--norc', '--eval', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `mongosh failed: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

test('mongosh runs db.photos.find() and db.photos.aggregate(...)', () => {
  shell('db.photos.insertMany([{ tag: "a", likes: 2 }, { tag: "b", likes: 5 }, { tag: "a", likes: 1 }])');
  const found = JSON.parse(shell('EJSON.stringify(db.photos.find({}, { _id: 0 }).sort({ likes: 1 }).toArray())'));
  assert.deepEqual(found.map((d) => d.likes), [1, 2, 5]);
  const agg = JSON.parse(shell('EJSON.stringify(db.photos.aggregate([{ $group: { _id: "$tag", likes: { $sum: "$likes" } } }, { $sort: { _id: 1 } }]).toArray(), { relaxed: true })'));
  assert.deepEqual(agg, [{ _id: 'a', likes: 3 }, { _id: 'b', likes: 5 }]);
  shell('db.dropDatabase()');
});
