// "Repository Pattern with MongoDB" of seed 000 (MongoRepository, PhotoRepository), TypeScript types stripped.
// One adaptation: the seed was written for driver 5, where findOneAndUpdate resolved to a ModifyResult and the code
// reads `result.value`; driver 6 resolves to the document unless `includeResultMetadata: true` is passed, so that
// option is added to keep the seed's logic (otherwise update() would always return null).
import { ObjectId } from 'mongodb';
import { validatePhotoMetadata } from './schemas.mjs';

export class MongoRepository {
  constructor(collection, validator, partialValidator) {
    this.collection = collection;
    this.validator = validator;
    this.partialValidator = partialValidator;
  }

  async create(data) {
    const docWithId = {
      ...data,
      _id: new ObjectId(),
      createdAt: new Date(),
      updatedAt: new Date()
    };

    // Validate before insertion
    const validatedDoc = this.validator(docWithId);

    const result = await this.collection.insertOne(validatedDoc);

    if (!result.acknowledged) {
      throw new Error('Failed to create document');
    }

    return validatedDoc;
  }

  async findById(id) {
    const doc = await this.collection.findOne({ _id: id });

    if (!doc) return null;

    // Validate document from database
    return this.validator(doc);
  }

  async findMany(filter = {}, options = {}) {
    const cursor = this.collection.find(filter, options);
    const docs = await cursor.toArray();

    // Validate all documents
    return docs.map(doc => this.validator(doc));
  }

  async update(id, updates) {
    const updateDoc = {
      ...updates,
      $set: {
        ...(updates.$set || {}),
        updatedAt: new Date()
      }
    };

    const result = await this.collection.findOneAndUpdate(
      { _id: id },
      updateDoc,
      { returnDocument: 'after', includeResultMetadata: true }
    );

    if (!result.value) return null;

    return this.validator(result.value);
  }

  async delete(id) {
    const result = await this.collection.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  async count(filter = {}) {
    return await this.collection.countDocuments(filter);
  }

  // Manufacturing-specific queries
  async findByDepartment(departmentId) {
    return await this.findMany({
      departmentId
    });
  }

  async findPendingSync() {
    return await this.findMany({
      syncStatus: { $in: ['pending', 'failed'] }
    });
  }

  async findByDateRange(startDate, endDate) {
    return await this.findMany({
      capturedAt: {
        $gte: startDate,
        $lte: endDate
      }
    });
  }
}

// Specialized Photo Repository
export class PhotoRepository extends MongoRepository {
  constructor(collection) {
    super(collection, validatePhotoMetadata);
  }

  async findByProject(projectId) {
    return await this.findMany({ projectId });
  }

  async findByPart(partId) {
    return await this.findMany({ partId });
  }

  async getQualityStats(departmentId) {
    const matchStage = {};
    if (departmentId) {
      matchStage.departmentId = departmentId;
    }

    const pipeline = [
      { $match: matchStage },
      {
        $group: {
          _id: '$metadata.qualityRating',
          count: { $sum: 1 },
          avgFileSize: { $avg: '$fileSize' }
        }
      },
      { $sort: { _id: 1 } }
    ];

    const results = await this.collection.aggregate(pipeline).toArray();

    return {
      totalPhotos: results.reduce((sum, r) => sum + r.count, 0),
      qualityDistribution: results.map(r => ({
        rating: r._id,
        count: r.count,
        avgFileSize: r.avgFileSize
      })),
      averageQuality: this.calculateAverageQuality(results)
    };
  }

  calculateAverageQuality(results) {
    const totalWeighted = results.reduce((sum, r) => sum + (r._id * r.count), 0);
    const totalCount = results.reduce((sum, r) => sum + r.count, 0);
    return totalCount > 0 ? totalWeighted / totalCount : 0;
  }
}
