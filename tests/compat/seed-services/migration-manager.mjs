// MongoMigrationManager of seed 000 ("Schema Versioning Strategy"), TypeScript types stripped; logic unchanged.
export class MongoMigrationManager {
  constructor(mongoService) { this.mongoService = mongoService; }

  async getCurrentSchemaVersion() {
    const versionsCollection = this.mongoService.getCollection('schema_versions');
    
    const latestVersion = await versionsCollection
      .findOne({}, { sort: { version: -1 } });
    
    return latestVersion?.version || 0;
  }

  async runMigrations() {
    const currentVersion = await this.getCurrentSchemaVersion();
    const migrations = this.getMigrations();
    
    const pendingMigrations = migrations.filter(m => m.version > currentVersion);
    
    if (pendingMigrations.length === 0) {
      console.log('No pending migrations');
      return;
    }

    console.log(`Running ${pendingMigrations.length} migrations...`);

    for (const migration of pendingMigrations) {
      await this.runMigration(migration);
    }

    console.log('All migrations completed successfully');
  }

  getMigrations() {
    return [
      {
        version: 1,
        description: 'Add sync status and attempts fields',
        up: async (db) => {
          await db.collection('photos').updateMany(
            { syncStatus: { $exists: false } },
            {
              $set: {
                syncStatus: 'pending',
                syncAttempts: 0,
                lastModified: new Date()
              }
            }
          );
        }
      },
      {
        version: 2,
        description: 'Add department-specific settings',
        up: async (db) => {
          await db.collection('departments').updateMany(
            { settings: { $exists: false } },
            {
              $set: {
                settings: {
                  maxPhotosPerSession: 100,
                  compressionQuality: 90,
                  requireGPSLocation: false,
                  mandatoryFields: [],
                  photoRetentionDays: 365
                }
              }
            }
          );
        }
      },
      {
        version: 3,
        description: 'Add audit trail to photos',
        up: async (db) => {
          const photosCollection = db.collection('photos');
          const photos = await photosCollection.find({
            auditTrail: { $exists: false }
          }).toArray();

          for (const photo of photos) {
            await photosCollection.updateOne(
              { _id: photo._id },
              {
                $set: {
                  auditTrail: [{
                    action: 'created',
                    timestamp: photo.capturedAt || photo.createdAt,
                    userId: photo.metadata?.deviceInfo?.deviceId || 'unknown',
                    deviceId: photo.metadata?.deviceInfo?.deviceId || 'unknown',
                    details: {
                      migrated: true,
                      originalCreatedAt: photo.createdAt
                    }
                  }]
                }
              }
            );
          }
        }
      },
      {
        version: 4,
        description: 'Create compound indexes for performance',
        up: async (db) => {
          const photosCollection = db.collection('photos');
          
          await photosCollection.createIndex(
            { departmentId: 1, capturedAt: -1 },
            { background: true }
          );
          
          await photosCollection.createIndex(
            { projectId: 1, syncStatus: 1 },
            { background: true }
          );
        }
      }
    ];
  }

  async runMigration(migration) {
    const session = this.mongoService.client.startSession();
    
    try {
      await session.withTransaction(async () => {
        console.log(`Running migration ${migration.version}: ${migration.description}`);
        
        await migration.up(this.mongoService.db);
        
        // Record the migration
        await this.mongoService.getCollection('schema_versions').insertOne({
          version: migration.version,
          appliedAt: new Date(),
          description: migration.description,
          migrationScript: migration.up.toString()
        });
      });
      
      console.log(`Migration ${migration.version} completed successfully`);
    } catch (error) {
      console.error(`Migration ${migration.version} failed:`, error);
      throw error;
    } finally {
      await session.endSession();
    }
  }

  async rollback(targetVersion) {
    const currentVersion = await this.getCurrentSchemaVersion();
    
    if (targetVersion >= currentVersion) {
      console.log('Target version is not lower than current version');
      return;
    }

    const migrations = this.getMigrations();
    const rollbackMigrations = migrations
      .filter(m => m.version > targetVersion && m.down)
      .reverse(); // Rollback in reverse order

    for (const migration of rollbackMigrations) {
      console.log(`Rolling back migration ${migration.version}`);
      
      const session = this.mongoService.client.startSession();
      
      try {
        await session.withTransaction(async () => {
          if (migration.down) {
            await migration.down(this.mongoService.db);
          }
          
          // Remove migration record
          await this.mongoService.getCollection('schema_versions').deleteOne({
            version: migration.version
          });
        });
      } finally {
        await session.endSession();
      }
    }

    console.log(`Rollback to version ${targetVersion} completed`);
  }
}
