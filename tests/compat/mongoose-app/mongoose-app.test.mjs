// Seed 004's Mongoose users/posts application (models, repositories, pagination plugin, analytics, points transfer,
// change stream, error handler) run as written against Outpost, each behaviour asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { connectDatabase } from './config/database.config.mjs';
import { User } from './models/user.model.mjs';
import { Post } from './models/post.model.mjs';
import { UserRepository, BaseRepository } from './repositories/base.repository.mjs';
import { AnalyticsService } from './services/analytics.service.mjs';
import { TransactionService } from './services/transaction.service.mjs';
import { StreamService } from './services/stream.service.mjs';
import { MongooseErrorHandler } from './utils/mongoose-error-handler.mjs';

const users = new UserRepository();
const posts = new BaseRepository(Post);

before(async () => {
  await connectDatabase();
  await mongoose.connection.dropDatabase();
  // Builds the schemas' indexes before the tests rely on them. The seed declares the email index twice — `unique: true`
  // on the path and `userSchema.index({ email: 1 })` — so, exactly as against MongoDB 7.0, the second createIndex is
  // refused with IndexOptionsConflict (85) and User.init() rejects with it, while Mongoose goes on building the others.
  userInitError = await User.init().then(() => null, (e) => e);
  await Post.init();
});

let userInitError;

after(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
});

async function waitFor(predicate, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('timed out waiting for a condition');
}

test('indexes of both schemas exist: unique email, text indexes', async () => {
  assert.equal(userInitError?.code, 85, `User.init(): ${userInitError}`);
  const userIndexes = await User.collection.indexes();
  const email = userIndexes.find((i) => i.key.email === 1 && Object.keys(i.key).length === 1);
  assert.ok(email?.unique, `unique email index missing: ${JSON.stringify(userIndexes)}`);
  assert.ok(userIndexes.some((i) => i.key._fts === 'text'), 'user text index missing');
  const postIndexes = await Post.collection.indexes();
  assert.ok(postIndexes.some((i) => i.key._fts === 'text'), 'post text index missing');
  assert.ok(postIndexes.some((i) => i.key.status === 1 && i.key.createdAt === -1));
});

test('create: trim/lowercase, default role, timestamps, pre-save hash, select:false, comparePassword', async () => {
  const u = await users.create({ email: '  Alice@Example.COM ', password: 'secret-1', name: ' Alice ', profile: { name: 'Alice Liddell', age: 30 } });
  assert.equal(u.email, 'alice@example.com');
  assert.equal(u.name, 'Alice');
  assert.equal(u.role, 'user');
  assert.ok(u.createdAt instanceof Date && u.updatedAt instanceof Date);
  assert.notEqual(u.password, 'secret-1');
  assert.match(u.password, /^\$2[aby]\$10\$/);
  assert.equal(u.toJSON().password, undefined, 'toJSON transform drops the password');

  const loaded = await users.findByEmail('alice@example.com');
  assert.equal(loaded.password, undefined, 'select:false hides the hash');
  const withHash = await User.findOne({ email: 'alice@example.com' }).select('+password');
  assert.equal(await withHash.comparePassword('secret-1'), true);
  assert.equal(await withHash.comparePassword('wrong'), false);

  // Saving without changing the password must not re-hash it.
  withHash.name = 'Alice L.';
  await withHash.save();
  const again = await User.findById(u._id).select('+password');
  assert.equal(again.password, withHash.password);
  assert.ok(again.updatedAt >= u.updatedAt);
});

test('error handler: duplicate key (11000) and validation paths', async () => {
  await assert.rejects(users.create({ email: 'ALICE@example.com', password: 'x' }), (e) => {
    const r = MongooseErrorHandler.handle(e);
    assert.deepEqual(r, { status: 409, message: 'Duplicate key error', field: 'email' });
    return true;
  });
  await assert.rejects(users.create({ email: 'bob@example.com', role: 'superuser' }), (e) => {
    const r = MongooseErrorHandler.handle(e);
    assert.equal(r.status, 400);
    assert.equal(r.message, 'Validation Error');
    assert.equal(r.errors.length, 2);
    assert.ok(r.errors.some((m) => m.includes('superuser')), r.errors.join());
    assert.ok(r.errors.some((m) => m.includes('password')), r.errors.join());
    return true;
  });
  await assert.rejects(users.findById('not-an-id'), (e) => {
    assert.deepEqual(MongooseErrorHandler.handle(e), { status: 400, message: 'Invalid ID format' });
    return true;
  });
});

test('pagination: repository paginate and the pagination plugin', async () => {
  for (let i = 0; i < 12; i++) {
    await users.create({ email: `user${String(i).padStart(2, '0')}@example.com`, password: `pw${i}`, role: i % 3 === 0 ? 'admin' : 'user', profile: { age: 20 + i } });
  }
  const total = await User.countDocuments({});
  assert.equal(total, 13);
  const page2 = await users.paginate({}, 2, 5, { email: 1 });
  assert.deepEqual(page2.metadata, { total: 13, page: 2, limit: 5, totalPages: 3 });
  assert.deepEqual(page2.data.map((u) => u.email), ['user04@example.com', 'user05@example.com', 'user06@example.com', 'user07@example.com', 'user08@example.com']);
  const last = await User.paginate({ role: 'admin' }, { page: 2, limit: 3, sort: { email: -1 } });
  assert.deepEqual(last.metadata, { total: 4, page: 2, limit: 3, totalPages: 2 });
  assert.deepEqual(last.data.map((u) => u.email), ['user00@example.com']);
  const newest = await users.findAll({ role: 'admin' });
  assert.equal(newest.length, 4);
  for (let i = 1; i < newest.length; i++) assert.ok(newest[i - 1].createdAt >= newest[i].createdAt);
});

test('text search with textScore', async () => {
  await users.create({ email: 'carol@example.com', password: 'pw', profile: { name: 'Carol Wonderland' } });
  const found = await users.searchUsers('wonderland');
  assert.deepEqual(found.map((u) => u.email), ['carol@example.com']);
  const byName = await users.searchUsers('alice liddell');
  assert.equal(byName[0].email, 'alice@example.com');
  assert.ok(typeof byName[0].get('score') === 'number' && byName[0].get('score') > 0);
});

test('posts: create with enums and comments, update, populate with projection, delete', async () => {
  const alice = await users.findByEmail('alice@example.com');
  const carol = await users.findByEmail('carol@example.com');
  const post = await posts.create({ title: '  Hello Outpost ', content: 'Mongoose on an embedded document database', author: alice._id, tags: [' db ', 'mongo'], comments: [{ user: carol._id, content: 'Nice!' }] });
  assert.equal(post.title, 'Hello Outpost');
  assert.equal(post.status, 'draft');
  assert.deepEqual([...post.tags], ['db', 'mongo']);
  assert.ok(post.comments[0].createdAt instanceof Date);
  await assert.rejects(posts.create({ title: 't', content: 'c', author: alice._id, status: 'deleted' }), (e) => MongooseErrorHandler.handle(e).status === 400);

  const updated = await posts.update(post._id, { status: 'published' });
  assert.equal(updated.status, 'published');
  const populated = await Post.findById(post._id).populate('author', 'name email').populate('comments.user', 'email').exec();
  assert.equal(populated.author.email, 'alice@example.com');
  assert.equal(populated.author.name, 'Alice L.');
  assert.equal(populated.author.role, undefined, 'populate projection');
  assert.equal(populated.comments[0].user.email, 'carol@example.com');

  const search = await Post.find({ $text: { $search: 'embedded' } }).lean();
  assert.equal(search.length, 1);
  const byTag = await Post.find({ tags: 'mongo', status: 'published' }).sort({ createdAt: -1 });
  assert.equal(byTag.length, 1);
  assert.equal(await posts.delete(post._id), true);
  assert.equal(await posts.delete(post._id), false);
});

test('analytics aggregations: getUserStats and getActiveUsers', async () => {
  const analytics = new AnalyticsService(User);
  const stats = await analytics.getUserStats();
  // 10 users (alice, carol, 8 of the 12) and 4 admins; ages: admins 20,23,26,29; users 30 and 21,22,24,25,27,28,30,31
  assert.deepEqual(stats.map((s) => [s._id, s.count]), [['user', 10], ['admin', 4]]);
  assert.equal(stats[1].averageAge, 24.5);
  assert.equal(stats[0].averageAge, (30 + 21 + 22 + 24 + 25 + 27 + 28 + 30 + 31) / 9);

  const now = new Date();
  const yesterday = new Date(now.getTime() - 86_400_000);
  await User.updateMany({ email: { $in: ['user01@example.com', 'user02@example.com'] } }, { lastLoginDate: now });
  await User.updateOne({ email: 'user03@example.com' }, { lastLoginDate: yesterday });
  await User.updateOne({ email: 'user04@example.com' }, { lastLoginDate: new Date(now.getTime() - 30 * 86_400_000) });
  const active = await analytics.getActiveUsers(7);
  const day = (d) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
  assert.deepEqual(active, [{ _id: day(yesterday), count: 1 }, { _id: day(now), count: 2 }]);
});

test('points transfer transaction: commits, and aborts on insufficient points', async () => {
  const a = await users.create({ email: 'payer@example.com', password: 'pw', points: 100 });
  const b = await users.create({ email: 'payee@example.com', password: 'pw', points: 5 });
  const service = new TransactionService();
  assert.equal(await service.transferPoints(a._id.toString(), b._id.toString(), 30), true);
  assert.equal((await User.findById(a._id)).points, 70);
  assert.equal((await User.findById(b._id)).points, 35);
  await assert.rejects(service.transferPoints(a._id.toString(), b._id.toString(), 500), /Insufficient points/);
  await assert.rejects(service.transferPoints(a._id.toString(), new mongoose.Types.ObjectId().toString(), 1), /User not found/);
  assert.equal((await User.findById(a._id)).points, 70);
  assert.equal((await User.findById(b._id)).points, 35);
});

test('change stream: insert, update (updateLookup) and delete reach the handlers', async () => {
  const stream = new StreamService(User);
  try {
    // The stream is opened lazily by the driver; wait until the server has the cursor before writing.
    await new Promise((resolve) => { if (stream.changeStream.cursor?.id) resolve(); else stream.changeStream.once('init', resolve); setTimeout(resolve, 30000); });
    const u = await users.create({ email: 'watched@example.com', password: 'pw' });
    await users.update(u._id, { name: 'Watched' });
    await users.delete(u._id);
    await waitFor(() => stream.seen.length >= 3);
    assert.deepEqual(stream.seen.map((s) => s.type), ['insert', 'update', 'delete']);
    assert.equal(stream.seen[0].document.email, 'watched@example.com');
    assert.equal(stream.seen[1].document.name, 'Watched');
    assert.equal(stream.seen[2].documentId.toString(), u._id.toString());
  } finally {
    await stream.close();
  }
});
