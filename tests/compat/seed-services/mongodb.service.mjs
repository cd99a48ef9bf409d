// MongoDBService of seed 000 ("Direct MongoDB Integration"), TypeScript types stripped; logic unchanged.
import { MongoClient } from 'mongodb';
import { z } from 'zod';

// Configuration with type safety
export const MongoConfigSchema = z.object({
  connectionString: z.string().url(),
  databaseName: z.string().min(1),
  maxPoolSize: z.number().default(10),
  serverSelectionTimeoutMS: z.number().default(5000),
  connectTimeoutMS: z.number().default(10000)
});

export class MongoDBService {
  isConnected = false;

  constructor(config) {
    this.config = config;
    const options = {
      maxPoolSize: config.maxPoolSize,
      serverSelectionTimeoutMS: config.serverSelectionTimeoutMS,
      connectTimeoutMS: config.connectTimeoutMS,
      retryWrites: true,
      writeConcern: { w: 'majority', j: true },
      readPreference: 'primary'
    };

    this.client = new MongoClient(config.connectionString, options);
  }

  async connect() {
    if (this.isConnected) return;

    try {
      await this.client.connect();
      this.db = this.client.db(this.config.databaseName);
      this.isConnected = true;

      console.log(`Connected to MongoDB database: ${this.config.databaseName}`);
    } catch (error) {
      console.error('Failed to connect to MongoDB:', error);
      throw error;
    }
  }

  async disconnect() {
    if (!this.isConnected) return;

    await this.client.close();
    this.isConnected = false;
  }

  getCollection(name) {
    if (!this.isConnected) {
      throw new Error('Database not connected');
    }
    return this.db.collection(name);
  }

  async healthCheck() {
    const start = Date.now();

    try {
      await this.db.admin().ping();
      return {
        status: 'healthy',
        latency: Date.now() - start
      };
    } catch (error) {
      return {
        status: 'unhealthy',
        latency: Date.now() - start
      };
    }
  }
}
