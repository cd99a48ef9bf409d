namespace Outpost.Fixtures;

/// <summary>
/// The seed's manufacturing dashboard pipeline (000_5021a6a0ed32fc7e.txt, MongoAggregationService
/// .getManufacturingDashboardData): a $match, then $addFields and a $facet of six statistics. One copy, compiled into
/// the query tests (golden results) and the engine benchmark (timing); mongosh syntax.
/// </summary>
internal static class SeedDashboardPipeline
{
    /// <summary>The pipeline with <paramref name="match"/> (a mongosh-syntax filter document) as its first stage.</summary>
    public static string WithMatch(string match) => Template.Replace("MATCH", match, StringComparison.Ordinal);

    private const string Template = """
        [
          { $match: MATCH },
          { $addFields: {
              capturedDate: { $dateToString: { format: '%Y-%m-%d', date: '$capturedAt' } },
              fileSizeMB: { $divide: ['$fileSize', 1048576] } } },
          { $facet: {
              dailyStats: [
                { $group: { _id: '$capturedDate', photoCount: { $sum: 1 }, totalSizeMB: { $sum: '$fileSizeMB' }, avgQuality: { $avg: '$metadata.qualityRating' } } },
                { $sort: { _id: -1 } },
                { $limit: 30 } ],
              departmentStats: [
                { $group: { _id: '$departmentId', photoCount: { $sum: 1 }, avgFileSize: { $avg: '$fileSize' },
                            syncSuccessRate: { $avg: { $cond: [{ $eq: ['$syncStatus', 'synced'] }, 1, 0] } } } } ],
              projectStats: [
                { $group: { _id: '$projectId', photoCount: { $sum: 1 }, latestPhoto: { $max: '$capturedAt' },
                            defectCount: { $sum: { $size: '$metadata.defectsFound' } } } },
                { $sort: { photoCount: -1 } },
                { $limit: 10 } ],
              qualityStats: [
                { $group: { _id: '$metadata.qualityRating', count: { $sum: 1 }, avgDefects: { $avg: { $size: '$metadata.defectsFound' } } } },
                { $sort: { _id: 1 } } ],
              syncStats: [
                { $group: { _id: '$syncStatus', count: { $sum: 1 }, avgAttempts: { $avg: '$syncAttempts' } } } ],
              summary: [
                { $group: { _id: null, totalPhotos: { $sum: 1 }, totalSizeMB: { $sum: '$fileSizeMB' }, avgQuality: { $avg: '$metadata.qualityRating' },
                            uniqueProjects: { $addToSet: '$projectId' },
                            dateRange: { $push: { min: { $min: '$capturedAt' }, max: { $max: '$capturedAt' } } } } },
                { $addFields: { uniqueProjectCount: { $size: '$uniqueProjects' } } } ]
          } }
        ]
        """;
}
