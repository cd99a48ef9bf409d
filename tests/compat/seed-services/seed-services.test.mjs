// Seed 000's MongoDBService, PhotoRepository, MongoIndexManager, MongoAggregationService and MongoMigrationManager,
// run as written (types stripped) against Outpost through the official driver; results asserted against values
// computed here from the fixture data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectId } from 'mongodb';
import { MongoConfigSchema, MongoDBService } from './mongodb.service.mjs';
import { PhotoRepository } from './photo.repository.mjs';
import { MongoIndexManager } from './index-manager.mjs';
import { MongoAggregationService } from './aggregation.service.mjs';
import { MongoMigrationManager } from './migration-manager.mjs';

const uri = process.env.OUTPOST_URI ?? 'mongodb://127.0.0.1:27017/';
const dbName = `seed_services_${process.pid}`;
const service = new MongoDBService(MongoConfigSchema.parse({ connectionString: uri, databaseName: dbName }));
const projectA = new ObjectId();
const projectB = new ObjectId();
const day = (d, h = 12) => new Date(Date.UTC(2025, 2, d, h));

function photo(i, overrides = {}) {
  return {
    localPath: `/sdcard/photos/${i}.jpg`,
    fileName: `part-${i}.jpg`,
    departmentId: i % 2 === 0 ? 'PNT' : 'QAC',
    projectId: i < 4 ? projectA : projectB,
    partId: `P-${i % 3}`,
    jobNumber: `J-${i < 4 ? 100 : 200}`,
    capturedAt: day(1 + (i % 3), 8 + i),
    lastModified: day(5),
    fileSize: 1048576 * (i + 1),
    mimeType: 'image/jpeg',
    checksumMD5: String(i).repeat(32).slice(0, 32),
    syncStatus: ['pending', 'synced', 'failed', 'synced', 'synced', 'pending'][i],
    syncAttempts: i,
    metadata: {
      inspectionType: 'visual',
      qualityRating: [7, 9, 4, 9, 7, 2][i],
      defectsFound: [[], [], ['scratch', 'dent'], [], ['scratch'], ['rust', 'crack', 'dent']][i],
      inspectorNotes: ['clean finish', 'perfect', 'deep scratch near the weld', 'ok', 'minor scratch', 'needs rework'][i],
      deviceInfo: { deviceId: `dev-${i % 2}`, model: 'Pixel', osVersion: '14', appVersion: '1.2.0', cameraSettings: { quality: 90, flash: 'auto', resolution: { width: 4000, height: 3000 } } }
    },
    auditTrail: [],
    ...overrides
  };
}

let repo;
const created = [];

before(async () => {
  assert.throws(() => service.getCollection('photos'), /Database not connected/);
  await service.connect();
  await service.db.dropDatabase();
  repo = new PhotoRepository(service.getCollection('photos'));
});

after(async () => {
  await service.db.dropDatabase();
  await service.client.db(`${dbName}_migrations`).dropDatabase();
  await service.disconnect();
});

test('MongoDBService: connect is idempotent and healthCheck reports healthy', async () => {
  await service.connect();
  const health = await service.healthCheck();
  assert.equal(health.status, 'healthy');
  assert.ok(health.latency >= 0);
});

test('MongoIndexManager.createOptimalIndexes: every index of the seed is built', async () => {
  const manager = new MongoIndexManager(service);
  // As in MongoDB 7.0: the seed creates { jobNumber: 1 } twice under the same default name, the second time unique,
  // which the server refuses (IndexOptionsConflict, 85) — so the seed's Promise.all rejects with that error.
  await assert.rejects(manager.createOptimalIndexes(), (e) => e.code === 85 || (console.error(e), false));
  // Let the other three branches of the Promise.all finish (re-creating an identical index is a no-op).
  await manager.createPhotoIndexes();
  await manager.createDepartmentIndexes();
  await manager.createSyncIndexes();
  assert.deepEqual(manager.failedIndexes.map((f) => `${JSON.stringify(f.indexSpec)}: ${f.error.message}`), []);

  const names = async (c) => (await service.getCollection(c).indexes()).map((i) => i.name).sort();
  assert.deepEqual(await names('photos'), [
    '_id_', 'checksumMD5_1', 'createdAt_1', 'departmentId_1_capturedAt_-1', 'departmentId_1_projectId_1_syncStatus_1_capturedAt_-1',
    'fileName_1', 'metadata.inspectorNotes_text_metadata.defectsFound_text_fileName_text', 'metadata.location_2dsphere',
    'partId_1_capturedAt_-1', 'projectId_1_capturedAt_-1', 'syncStatus_1_lastModified_-1'
  ].sort());
  assert.deepEqual(await names('projects'), ['_id_', 'client_1_startDate_-1', 'departments_1', 'expectedEndDate_1', 'jobNumber_1', 'status_1_startDate_-1']);
  const ttl = (await service.getCollection('sync_events').indexes()).find((i) => i.name === 'timestamp_1');
  assert.equal(ttl.expireAfterSeconds, 7 * 24 * 60 * 60);
  const code = (await service.getCollection('departments').indexes()).find((i) => i.name === 'code_1');
  assert.equal(code.unique, true);
});

test('PhotoRepository: create validates with Zod, then find, update, count and delete', async () => {
  for (let i = 0; i < 6; i++) created.push(await repo.create(photo(i)));
  assert.ok(created[0]._id instanceof ObjectId);
  // The seed adds createdAt/updatedAt before validating, and its Zod schema (which does not list them) strips them:
  // what is stored is exactly the validated document.
  assert.equal(created[0].createdAt, undefined);
  assert.deepEqual(await service.getCollection('photos').findOne({ _id: created[0]._id }), created[0]);
  await assert.rejects(repo.create(photo(9, { mimeType: 'text/plain' })), (e) => e.name === 'ZodError');
  assert.equal(await repo.count(), 6);

  const one = await repo.findById(created[2]._id);
  assert.equal(one.fileName, 'part-2.jpg');
  assert.deepEqual(one.metadata.defectsFound, ['scratch', 'dent']);
  assert.ok(one.capturedAt instanceof Date);
  assert.equal(await repo.findById(new ObjectId()), null);

  assert.deepEqual((await repo.findByDepartment('PNT')).map((p) => p.fileName).sort(), ['part-0.jpg', 'part-2.jpg', 'part-4.jpg']);
  assert.deepEqual((await repo.findPendingSync()).map((p) => p.fileName).sort(), ['part-0.jpg', 'part-2.jpg', 'part-5.jpg']);
  assert.deepEqual((await repo.findByDateRange(day(2, 0), day(3, 23))).map((p) => p.fileName).sort(), ['part-1.jpg', 'part-2.jpg', 'part-4.jpg', 'part-5.jpg']);
  assert.equal((await repo.findByProject(projectB)).length, 2);
  assert.equal((await repo.findByPart('P-0')).length, 2);

  const before = new Date(Date.now() - 1000);
  const updated = await repo.update(created[0]._id, { $set: { syncStatus: 'syncing' }, $inc: { syncAttempts: 1 } });
  assert.equal(updated.syncStatus, 'syncing');
  assert.equal(updated.syncAttempts, 1);
  assert.ok((await service.getCollection('photos').findOne({ _id: created[0]._id })).updatedAt >= before);
  assert.equal(await repo.update(new ObjectId(), { $set: { syncStatus: 'synced' } }), null);
  await repo.update(created[0]._id, { $set: { syncStatus: 'pending' }, $inc: { syncAttempts: -1 } });

  const extra = await repo.create(photo(6, { syncStatus: 'synced', metadata: { ...photo(0).metadata, qualityRating: undefined } }));
  assert.equal(await repo.delete(extra._id), true);
  assert.equal(await repo.delete(extra._id), false);
  assert.equal(await repo.count({ departmentId: 'QAC' }), 3);
});

test('PhotoRepository.getQualityStats', async () => {
  const stats = await repo.getQualityStats();
  assert.equal(stats.totalPhotos, 6);
  assert.deepEqual(stats.qualityDistribution, [
    { rating: 2, count: 1, avgFileSize: 6 * 1048576 },
    { rating: 4, count: 1, avgFileSize: 3 * 1048576 },
    { rating: 7, count: 2, avgFileSize: 3 * 1048576 },
    { rating: 9, count: 2, avgFileSize: 3 * 1048576 }
  ]);
  assert.equal(stats.averageQuality, (2 + 4 + 14 + 18) / 6);
  const pnt = await repo.getQualityStats('PNT');
  assert.equal(pnt.totalPhotos, 3);
  assert.equal(pnt.averageQuality, (7 + 4 + 7) / 3);
});

test('MongoAggregationService.getManufacturingDashboardData ($facet, $dateToString, $size, $addToSet)', async () => {
  const aggregation = new MongoAggregationService(service);
  const d = await aggregation.getManufacturingDashboardData();
  assert.deepEqual(d.dailyStats.map((s) => [s._id, s.photoCount, s.totalSizeMB, s.avgQuality]), [
    ['2025-03-03', 2, 3 + 6, (4 + 2) / 2],
    ['2025-03-02', 2, 2 + 5, (9 + 7) / 2],
    ['2025-03-01', 2, 1 + 4, (7 + 9) / 2]
  ]);
  const depts = Object.fromEntries(d.departmentStats.map((s) => [s._id, s]));
  assert.deepEqual(Object.keys(depts).sort(), ['PNT', 'QAC']);
  assert.equal(depts.PNT.photoCount, 3);
  assert.equal(depts.PNT.avgFileSize, 3 * 1048576);
  assert.equal(depts.PNT.syncSuccessRate, 1 / 3);
  assert.equal(depts.QAC.syncSuccessRate, 2 / 3);
  assert.deepEqual(d.projectStats.map((s) => [s._id.toString(), s.photoCount, s.defectCount]), [[projectA.toString(), 4, 2], [projectB.toString(), 2, 4]]);
  assert.deepEqual(d.projectStats[0].latestPhoto, day(3, 10));
  assert.deepEqual(d.qualityStats.map((s) => [s._id, s.count, s.avgDefects]), [[2, 1, 3], [4, 1, 2], [7, 2, 0.5], [9, 2, 0]]);
  assert.deepEqual(Object.fromEntries(d.syncStats.map((s) => [s._id, [s.count, s.avgAttempts]])), { pending: [2, 2.5], synced: [3, (1 + 3 + 4) / 3], failed: [1, 2] });
  assert.equal(d.summary.totalPhotos, 6);
  assert.equal(d.summary.totalSizeMB, 21);
  assert.equal(d.summary.avgQuality, 38 / 6);
  assert.equal(d.summary.uniqueProjectCount, 2);
  assert.equal(d.summary.dateRange.length, 6);
  assert.deepEqual(d.summary.dateRange[0], { min: created[0].capturedAt, max: created[0].capturedAt });

  const filtered = await aggregation.getManufacturingDashboardData('QAC', { start: day(2, 0), end: day(3, 23) });
  assert.equal(filtered.summary.totalPhotos, 2);
  assert.deepEqual(filtered.dailyStats.map((s) => s._id), ['2025-03-03', '2025-03-02']);
});

test('MongoAggregationService.getPhotoSearchResults (text search, filters, pagination)', async () => {
  const aggregation = new MongoAggregationService(service);
  const scratch = await aggregation.getPhotoSearchResults({ textQuery: 'scratch', page: 1, limit: 1 });
  assert.equal(scratch.totalCount, 2);
  assert.equal(scratch.totalPages, 2);
  assert.equal(scratch.hasNext, true);
  assert.equal(scratch.hasPrev, false);
  assert.equal(scratch.photos.length, 1);
  const page2 = await aggregation.getPhotoSearchResults({ textQuery: 'scratch', page: 2, limit: 1 });
  assert.equal(page2.hasNext, false);
  assert.equal(page2.hasPrev, true);
  assert.deepEqual([scratch.photos[0].fileName, page2.photos[0].fileName].sort(), ['part-2.jpg', 'part-4.jpg']);

  const noDefects = await aggregation.getPhotoSearchResults({ hasDefects: false, departmentId: 'QAC', page: 1, limit: 10 });
  assert.deepEqual(noDefects.photos.map((p) => p.fileName), ['part-1.jpg', 'part-3.jpg']);
  const ranged = await aggregation.getPhotoSearchResults({ hasDefects: true, qualityRange: { min: 3, max: 8 }, projectId: projectA, page: 1, limit: 10 });
  assert.deepEqual(ranged.photos.map((p) => p.fileName), ['part-2.jpg']);
  const none = await aggregation.getPhotoSearchResults({ textQuery: 'nonexistentword', page: 1, limit: 10 });
  assert.deepEqual([none.totalCount, none.photos.length, none.totalPages], [0, 0, 0]);
});

test('MongoMigrationManager: migrations run in transactions, once, in order', async () => {
  // A fresh database of "version 0" documents: photos without sync fields or audit trail, departments without settings.
  const migDb = service.client.db(`${dbName}_migrations`);
  const migService = Object.assign(Object.create(MongoDBService.prototype), { client: service.client, db: migDb, isConnected: true, config: service.config });
  await migDb.collection('photos').insertMany([
    { fileName: 'old-1.jpg', capturedAt: day(1), createdAt: day(1), metadata: { deviceInfo: { deviceId: 'dev-9' } } },
    { fileName: 'old-2.jpg', createdAt: day(2) },
    { fileName: 'old-3.jpg', syncStatus: 'synced', syncAttempts: 3, capturedAt: day(3), auditTrail: [] }
  ]);
  await migDb.collection('departments').insertMany([{ code: 'PNT' }, { code: 'QAC', settings: { maxPhotosPerSession: 5 } }]);

  const migrations = new MongoMigrationManager(migService);
  assert.equal(await migrations.getCurrentSchemaVersion(), 0);
  await migrations.runMigrations();
  assert.equal(await migrations.getCurrentSchemaVersion(), 4);
  const versions = await migDb.collection('schema_versions').find({}, { sort: { version: 1 } }).toArray();
  assert.deepEqual(versions.map((v) => v.version), [1, 2, 3, 4]);
  assert.match(versions[0].migrationScript, /syncStatus/);

  const photos = await migDb.collection('photos').find({}, { sort: { fileName: 1 } }).toArray();
  assert.deepEqual(photos.map((p) => [p.syncStatus, p.syncAttempts]), [['pending', 0], ['pending', 0], ['synced', 3]]);
  assert.equal(photos[0].auditTrail[0].deviceId, 'dev-9');
  assert.deepEqual(photos[0].auditTrail[0].timestamp, day(1));
  assert.deepEqual(photos[1].auditTrail[0].timestamp, day(2));
  assert.equal(photos[1].auditTrail[0].userId, 'unknown');
  assert.deepEqual(photos[1].auditTrail[0].details, { migrated: true, originalCreatedAt: day(2) });
  assert.deepEqual(photos[2].auditTrail, []);
  const depts = await migDb.collection('departments').find({}, { sort: { code: 1 } }).toArray();
  assert.equal(depts[0].settings.photoRetentionDays, 365);
  assert.deepEqual(depts[1].settings, { maxPhotosPerSession: 5 });
  const indexNames = (await migDb.collection('photos').indexes()).map((i) => i.name);
  assert.ok(indexNames.includes('departmentId_1_capturedAt_-1') && indexNames.includes('projectId_1_syncStatus_1'), indexNames.join());

  await migrations.runMigrations(); // nothing pending: no second record
  assert.equal(await migDb.collection('schema_versions').countDocuments(), 4);
  await migrations.rollback(2); // the seed's migrations have no `down`: records stay
  assert.equal(await migrations.getCurrentSchemaVersion(), 4);
});
