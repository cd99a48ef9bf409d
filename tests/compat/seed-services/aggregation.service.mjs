// MongoAggregationService of seed 000 ("Aggregation Pipeline Optimizations"), TypeScript types stripped; logic unchanged.
import { validatePhotoMetadata } from './schemas.mjs';

export class MongoAggregationService {
  constructor(mongoService) { this.mongoService = mongoService; }

  async getManufacturingDashboardData(departmentId, dateRange) {
    const photosCollection = this.mongoService.getCollection('photos');

    // Build match stage
    const matchStage = {};
    
    if (departmentId) {
      matchStage.departmentId = departmentId;
    }
    
    if (dateRange) {
      matchStage.capturedAt = {
        $gte: dateRange.start,
        $lte: dateRange.end
      };
    }

    // Optimized aggregation pipeline
    const pipeline = [
      // Match stage should be first for performance
      { $match: matchStage },
      
      // Add computed fields
      {
        $addFields: {
          capturedDate: {
            $dateToString: {
              format: '%Y-%m-%d',
              date: '$capturedAt'
            }
          },
          fileSizeMB: { $divide: ['$fileSize', 1048576] }
        }
      },
      
      // Facet for multiple aggregations in one query
      {
        $facet: {
          // Daily photo counts
          dailyStats: [
            {
              $group: {
                _id: '$capturedDate',
                photoCount: { $sum: 1 },
                totalSizeMB: { $sum: '$fileSizeMB' },
                avgQuality: { $avg: '$metadata.qualityRating' }
              }
            },
            { $sort: { _id: -1 } },
            { $limit: 30 } // Last 30 days
          ],
          
          // Department breakdown
          departmentStats: [
            {
              $group: {
                _id: '$departmentId',
                photoCount: { $sum: 1 },
                avgFileSize: { $avg: '$fileSize' },
                syncSuccessRate: {
                  $avg: {
                    $cond: [{ $eq: ['$syncStatus', 'synced'] }, 1, 0]
                  }
                }
              }
            }
          ],
          
          // Project breakdown
          projectStats: [
            {
              $group: {
                _id: '$projectId',
                photoCount: { $sum: 1 },
                latestPhoto: { $max: '$capturedAt' },
                defectCount: {
                  $sum: { $size: '$metadata.defectsFound' }
                }
              }
            },
            { $sort: { photoCount: -1 } },
            { $limit: 10 }
          ],
          
          // Quality metrics
          qualityStats: [
            {
              $group: {
                _id: '$metadata.qualityRating',
                count: { $sum: 1 },
                avgDefects: {
                  $avg: { $size: '$metadata.defectsFound' }
                }
              }
            },
            { $sort: { _id: 1 } }
          ],
          
          // Sync status
          syncStats: [
            {
              $group: {
                _id: '$syncStatus',
                count: { $sum: 1 },
                avgAttempts: { $avg: '$syncAttempts' }
              }
            }
          ],
          
          // Overall summary
          summary: [
            {
              $group: {
                _id: null,
                totalPhotos: { $sum: 1 },
                totalSizeMB: { $sum: '$fileSizeMB' },
                avgQuality: { $avg: '$metadata.qualityRating' },
                uniqueProjects: { $addToSet: '$projectId' },
                dateRange: {
                  $push: {
                    min: { $min: '$capturedAt' },
                    max: { $max: '$capturedAt' }
                  }
                }
              }
            },
            {
              $addFields: {
                uniqueProjectCount: { $size: '$uniqueProjects' }
              }
            }
          ]
        }
      }
    ];

    const [result] = await photosCollection.aggregate(pipeline).toArray();
    
    return {
      dailyStats: result.dailyStats,
      departmentStats: result.departmentStats,
      projectStats: result.projectStats,
      qualityStats: result.qualityStats,
      syncStats: result.syncStats,
      summary: result.summary[0],
      generatedAt: new Date()
    };
  }

  async getPhotoSearchResults(searchParams) {
    const photosCollection = this.mongoService.getCollection('photos');

    // Build search pipeline
    const pipeline = [];

    // Text search stage (if text query provided)
    if (searchParams.textQuery) {
      pipeline.push({
        $match: {
          $text: {
            $search: searchParams.textQuery,
            $caseSensitive: false
          }
        }
      });
      
      // Add score for text search relevance
      pipeline.push({
        $addFields: {
          searchScore: { $meta: 'textScore' }
        }
      });
    }

    // Filter stage
    const filterStage = {};
    
    if (searchParams.departmentId) {
      filterStage.departmentId = searchParams.departmentId;
    }
    
    if (searchParams.projectId) {
      filterStage.projectId = searchParams.projectId;
    }
    
    if (searchParams.dateRange) {
      filterStage.capturedAt = {
        $gte: searchParams.dateRange.start,
        $lte: searchParams.dateRange.end
      };
    }
    
    if (searchParams.qualityRange) {
      filterStage['metadata.qualityRating'] = {
        $gte: searchParams.qualityRange.min,
        $lte: searchParams.qualityRange.max
      };
    }

    if (searchParams.hasDefects !== undefined) {
      if (searchParams.hasDefects) {
        filterStage['metadata.defectsFound'] = { $ne: [] };
      } else {
        filterStage['metadata.defectsFound'] = { $eq: [] };
      }
    }

    if (Object.keys(filterStage).length > 0) {
      pipeline.push({ $match: filterStage });
    }

    // Sort stage
    const sortStage = {};
    if (searchParams.textQuery) {
      sortStage.searchScore = { $meta: 'textScore' };
    }
    sortStage.capturedAt = -1; // Secondary sort by date

    pipeline.push({ $sort: sortStage });

    // Pagination
    const skip = (searchParams.page - 1) * searchParams.limit;
    pipeline.push({ $skip: skip });
    pipeline.push({ $limit: searchParams.limit });

    // Execute search
    const photos = await photosCollection.aggregate(pipeline).toArray();

    // Get total count for pagination
    const countPipeline = [...pipeline.slice(0, -2)]; // Remove skip and limit
    countPipeline.push({ $count: 'total' });
    const countResult = await photosCollection.aggregate(countPipeline).toArray();
    const totalCount = countResult[0]?.total || 0;

    return {
      photos: photos.map(p => validatePhotoMetadata(p)),
      totalCount,
      page: searchParams.page,
      totalPages: Math.ceil(totalCount / searchParams.limit),
      hasNext: skip + photos.length < totalCount,
      hasPrev: searchParams.page > 1
    };
  }
}
