// Mongoose 8 against a running Outpost: schemas with validation and enums, timestamps, a unique index and its
// 11000 error, populate, pagination, an aggregation, and a transaction. (The full users/posts seed app is not here yet.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import mongoose from 'mongoose';

const base = process.env.OUTPOST_URI ?? 'mongodb://127.0.0.1:27017/';
const uri = base.replace(/\/(\?|$)/, `/mongoose_${process.pid}$1`);
const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
after(async () => { await conn.dropDatabase().catch(() => {}); await conn.close(); });

const User = conn.model('User', new mongoose.Schema({
  email: { type: String, required: true, unique: true, lowercase: true },
  role: { type: String, enum: ['user', 'admin'], default: 'user' },
  points: { type: Number, min: 0, default: 0 },
}, { timestamps: true }));
const Post = conn.model('Post', new mongoose.Schema({
  title: { type: String, required: true },
  author: { type: mongoose.Schema.Types.ObjectId, ref: 'User' },
  likes: { type: Number, default: 0 },
}, { timestamps: true }));

test('validation, enums, timestamps and the unique index (11000)', async () => {
  await User.init();
  const u = await User.create({ email: 'A@x.org' });
  assert.equal(u.email, 'a@x.org');
  assert.ok(u.createdAt instanceof Date);
  await assert.rejects(User.create({ email: 'b@x.org', role: 'king' }), (e) => e.name === 'ValidationError');
  await assert.rejects(User.create({ email: 'a@x.org' }), (e) => e.code === 11000);
});

test('populate, pagination and aggregation', async () => {
  const author = await User.create({ email: 'author@x.org' });
  await Post.insertMany(Array.from({ length: 25 }, (_, i) => ({ title: `p${i}`, author: author._id, likes: i })));
  const page = await Post.find().sort({ likes: -1 }).skip(10).limit(10).populate('author').lean();
  assert.equal(page.length, 10);
  assert.equal(page[0].likes, 14);
  assert.equal(page[0].author.email, 'author@x.org');
  const stats = await Post.aggregate([{ $group: { _id: '$author', total: { $sum: '$likes' }, n: { $sum: 1 } } }]);
  assert.deepEqual(stats.map((s) => [s.total, s.n]), [[300, 25]]);
});

test('a points transfer in a transaction', async () => {
  const [a, b] = await User.create([{ email: 'from@x.org', points: 50 }, { email: 'to@x.org' }]);
  await conn.transaction(async (session) => {
    await User.updateOne({ _id: a._id }, { $inc: { points: -20 } }, { session });
    await User.updateOne({ _id: b._id }, { $inc: { points: 20 } }, { session });
  });
  assert.equal((await User.findById(b._id)).points, 20);
  assert.equal((await User.findById(a._id)).points, 30);
});
