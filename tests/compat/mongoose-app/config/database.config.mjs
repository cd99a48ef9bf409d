// config/database.config.ts of seed 004, types stripped. Adapted: the URL is the test server's (OUTPOST_URI plus a
// per-run database name), and connectDatabase rethrows instead of process.exit(1) so a failure is reported by the test.
import mongoose from 'mongoose';

const base = process.env.OUTPOST_URI ?? 'mongodb://127.0.0.1:27017/';

export const databaseConfig = {
  url: process.env.MONGODB_URI || base.replace(/\/(\?|$)/, `/mongoose_app_${process.pid}$1`),
  options: {
    useNewUrlParser: true,
    useUnifiedTopology: true,
    maxPoolSize: 10,
    serverSelectionTimeoutMS: 5000,
    socketTimeoutMS: 45000,
  }
};

export async function connectDatabase() {
  await mongoose.connect(databaseConfig.url, databaseConfig.options);

  mongoose.connection.on('error', (error) => {
    console.error('MongoDB connection error:', error);
  });
}
