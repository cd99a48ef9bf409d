// The ~1.5 KB photo document of the wire-vs-embedded load. Mirrors bench/Outpost.Benchmarks/Load/LoadPhoto.cs
// (PhotoMetadataSample with a two-entry audit trail) field for field, so both sides store the same bytes;
// both tools print the BSON size so a drift shows.
const captured = new Date(Date.UTC(2024, 2, 14, 9, 26, 53));
const minutes = (d, m) => new Date(d.getTime() + m * 60_000);
const base = Date.UTC(2024, 0, 1, 0, 0, 0);

export const idOf = (i) => `photo_${String(i).padStart(6, '0')}`;

export function photo(i) {
  const actions = ['created', 'updated'];
  return {
    _id: idOf(i),
    localPath: '/data/user/0/com.outpost.shopfloor/files/photos/2024/03/14/IMG_20240314_092653.jpg',
    remoteUrl: 'https://files.example.com/photos/2024/03/14/IMG_20240314_092653.jpg',
    fileName: 'IMG_20240314_092653.jpg',
    departmentId: 'dept_paint',
    projectId: 'proj_J24-0815',
    partId: 'part_PNL-3310-A',
    jobNumber: 'J24-0815',
    capturedAt: new Date(base + i * 60_000),
    syncedAt: minutes(captured, 3),
    lastModified: minutes(captured, 21),
    fileSize: 3_482_113,
    mimeType: 'image/jpeg',
    checksumMD5: `md5_${String(i).padStart(8, '0')}`,
    syncStatus: 'synced',
    syncAttempts: 1,
    metadata: {
      inspectionType: 'final-paint-inspection',
      qualityRating: 8,
      defectsFound: ['orange-peel', 'run', 'dust-nib', 'thin-coverage-edge'],
      inspectorNotes: 'Minor orange peel on lower left panel edge; run near mounting hole B. Acceptable after polish.',
      machineId: 'paint-booth-2',
      batchNumber: 'B-2024-03-0142',
      location: { latitude: 47.376887, longitude: 8.541694, accuracy: 4.5 },
      deviceInfo: {
        deviceId: 'tablet-line3-07',
        model: 'Galaxy Tab Active4 Pro',
        osVersion: 'Android 14',
        appVersion: '2.8.1+build.512',
        cameraSettings: { quality: 92, flash: 'auto', resolution: { width: 4000, height: 3000 } },
      },
    },
    auditTrail: actions.map((action, k) => ({
      action,
      timestamp: minutes(captured, k * 7),
      userId: 'user-4711',
      deviceId: 'tablet-line3-07',
      details: { field: 'metadata.qualityRating', from: 6 + k, to: 7 + k },
    })),
    stationId: `station_${i % 40}`,
    qualityScore: i % 100,
  };
}
