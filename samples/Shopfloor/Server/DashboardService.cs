using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Server;

/// <summary>
/// The seed's getManufacturingDashboardData: one <c>$facet</c> over the matching photos giving daily stats (last 30
/// days present), department stats with sync success rate, top-10 project stats with defect counts, quality
/// distribution, sync status and a summary; plus the 12 most recent photos (without encrypted fields) for the
/// web dashboard's thumbnails (an index-ordered find, not a sort inside the facet). Whole-day ranges read the
/// <see cref="DashboardRollups"/> instead of the photos (same numbers, independent of the photo count). Fixes to the seed: its summary pushed one <c>{min, max}</c> pair per photo (an
/// array as large as the collection) — here it is <c>firstCapturedAt</c>/<c>lastCapturedAt</c>; the unique project
/// set is reduced to its count; <c>$size</c> of a missing defects list counts 0 instead of failing.
/// </summary>
public sealed class DashboardService
{
    private readonly Collection _photos;
    private readonly TimeProvider _time;
    private readonly DashboardRollups? _rollups;

    /// <param name="database">The Shopfloor database.</param>
    /// <param name="time">Clock for <c>generatedAt</c>.</param>
    /// <param name="rollups">Daily rollups to answer whole-day ranges from; null computes every dashboard on the fly.</param>
    public DashboardService(Database database, TimeProvider? time = null, DashboardRollups? rollups = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _photos = database.GetCollection(CollectionNames.Photos);
        _time = time ?? TimeProvider.System;
        _rollups = rollups;
    }

    /// <summary>
    /// The dashboard for one department (or all when null), optionally within a capturedAt range. Ranges on whole
    /// UTC days (from at midnight, to at midnight minus one tick, either open) are answered from the daily rollups
    /// once they have caught up with every earlier write; other ranges run the detailed facet.
    /// </summary>
    public async Task<BsonDocument> GetAsync(string? departmentId = null, DateTime? from = null, DateTime? to = null, CancellationToken cancellationToken = default)
    {
        if (_rollups is not null && IsWholeDays(from, to) && await _rollups.WaitForCatchUpAsync(cancellationToken).ConfigureAwait(false))
        {
            var buckets = await _rollups.ReadAsync(departmentId, from, to?.AddTicks(1).AddDays(-1), cancellationToken).ConfigureAwait(false);
            return await ShapeAsync(DashboardRollupComposer.Compose(buckets), departmentId, from, to, cancellationToken).ConfigureAwait(false);
        }
        return await GetDetailedAsync(departmentId, from, to, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsWholeDays(DateTime? from, DateTime? to) =>
        (from is null || from.Value.Kind != DateTimeKind.Local && from.Value.TimeOfDay == TimeSpan.Zero)
        && (to is null || to.Value.Kind != DateTimeKind.Local && to.Value.AddTicks(1).TimeOfDay == TimeSpan.Zero);

    /// <summary>The dashboard computed on the fly from the photos (the seed's <c>$facet</c>), for any range.</summary>
    public async Task<BsonDocument> GetDetailedAsync(string? departmentId = null, DateTime? from = null, DateTime? to = null, CancellationToken cancellationToken = default)
    {
        var match = Match(departmentId, from, to);
        var defects = new BsonDocument("$size", new BsonDocument("$ifNull", new BsonArray { "$metadata.defectsFound", new BsonArray() }));
        var pipeline = new BsonArray
        {
            new BsonDocument("$match", match),
            // Only the fields the facets use travel on: encrypted notes, device info and audit trails stay behind,
            // which keeps the facet's working set small (the seed's $addFields carried whole photos).
            new BsonDocument("$project", new BsonDocument
            {
                { "_id", 0 },
                { "departmentId", 1 },
                { "projectId", 1 },
                { "capturedAt", 1 },
                { "fileSize", 1 },
                { "syncStatus", 1 },
                { "syncAttempts", 1 },
                { "qualityRating", "$metadata.qualityRating" },
                { "capturedDate", new BsonDocument("$dateToString", new BsonDocument { { "format", "%Y-%m-%d" }, { "date", "$capturedAt" } }) },
                { "fileSizeMB", new BsonDocument("$divide", new BsonArray { "$fileSize", 1048576 }) },
                { "defectCount", defects },
            }),
            new BsonDocument("$facet", new BsonDocument
            {
                { "dailyStats", new BsonArray
                    {
                        Group("$capturedDate", ("photoCount", Sum1()), ("totalSizeMB", Op("$sum", "$fileSizeMB")), ("avgQuality", Op("$avg", "$qualityRating"))),
                        new BsonDocument("$sort", new BsonDocument("_id", -1)),
                        new BsonDocument("$limit", 30),
                    }
                },
                { "departmentStats", new BsonArray
                    {
                        Group("$departmentId", ("photoCount", Sum1()), ("avgFileSize", Op("$avg", "$fileSize")),
                            ("syncSuccessRate", Op("$avg", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$syncStatus", "synced" }), 1, 0 })))),
                        new BsonDocument("$sort", new BsonDocument("_id", 1)),
                    }
                },
                { "projectStats", new BsonArray
                    {
                        Group("$projectId", ("photoCount", Sum1()), ("latestPhoto", Op("$max", "$capturedAt")), ("defectCount", Op("$sum", "$defectCount"))),
                        new BsonDocument("$sort", new BsonDocument { { "photoCount", -1 }, { "_id", 1 } }),
                        new BsonDocument("$limit", 10),
                    }
                },
                { "qualityStats", new BsonArray
                    {
                        Group("$qualityRating", ("count", Sum1()), ("avgDefects", Op("$avg", "$defectCount"))),
                        new BsonDocument("$sort", new BsonDocument("_id", 1)),
                    }
                },
                { "syncStats", new BsonArray
                    {
                        Group("$syncStatus", ("count", Sum1()), ("avgAttempts", Op("$avg", "$syncAttempts"))),
                        new BsonDocument("$sort", new BsonDocument("_id", 1)),
                    }
                },
                { "summary", new BsonArray
                    {
                        Group(BsonNull.Value, ("totalPhotos", Sum1()), ("totalSizeMB", Op("$sum", "$fileSizeMB")), ("avgQuality", Op("$avg", "$qualityRating")),
                            ("uniqueProjects", Op("$addToSet", "$projectId")), ("totalDefects", Op("$sum", "$defectCount")),
                            ("firstCapturedAt", Op("$min", "$capturedAt")), ("lastCapturedAt", Op("$max", "$capturedAt"))),
                        new BsonDocument("$addFields", new BsonDocument("uniqueProjectCount", new BsonDocument("$size", "$uniqueProjects"))),
                        new BsonDocument("$project", new BsonDocument { { "_id", 0 }, { "uniqueProjects", 0 } }),
                    }
                },
            }),
        };
        var result = (await (await _photos.AggregateAsync(pipeline, new AggregateOptions { AllowDiskUse = true }, cancellationToken: cancellationToken).ConfigureAwait(false))
            .DrainAsync(cancellationToken).ConfigureAwait(false))[0];
        var summaryArray = result["summary"].AsArray;
        result["summary"] = summaryArray.Count > 0 ? summaryArray[0].AsDocument : new BsonDocument
        {
            { "totalPhotos", 0 }, { "totalSizeMB", 0.0 }, { "avgQuality", BsonNull.Value }, { "totalDefects", 0 },
            { "firstCapturedAt", BsonNull.Value }, { "lastCapturedAt", BsonNull.Value }, { "uniqueProjectCount", 0 },
        };
        return await ShapeAsync(result, departmentId, from, to, cancellationToken).ConfigureAwait(false);
    }

    private static BsonDocument Match(string? departmentId, DateTime? from, DateTime? to)
    {
        var match = new BsonDocument();
        if (departmentId is not null)
        {
            match.Add("departmentId", departmentId);
        }
        if (from is not null || to is not null)
        {
            var range = new BsonDocument();
            if (from is { } f) range.Add("$gte", f);
            if (to is { } t) range.Add("$lte", t);
            match.Add("capturedAt", range);
        }
        return match;
    }

    /// <summary>Adds the recent photos and the envelope to the six facets (<paramref name="result"/>, summary as a document).</summary>
    private async Task<BsonDocument> ShapeAsync(BsonDocument result, string? departmentId, DateTime? from, DateTime? to, CancellationToken cancellationToken)
    {
        var match = Match(departmentId, from, to);
        // The newest photos come from an index-ordered find (top 12), not from sorting every match inside the facet.
        var recent = await _photos.FindListAsync(new FindOptions
        {
            Filter = match,
            // capturedAt alone, so the {departmentId: 1, capturedAt: -1} index delivers the order (an _id tie-break
            // made the engine sort every match of the range in memory).
            Sort = new BsonDocument("capturedAt", -1),
            Limit = 12,
            Projection = new BsonDocument
            {
                { "fileName", 1 }, { "departmentId", 1 }, { "projectId", 1 }, { "partId", 1 }, { "jobNumber", 1 },
                { "capturedAt", 1 }, { "syncStatus", 1 }, { "fileSize", 1 },
                { "metadata.qualityRating", 1 }, { "metadata.defectsFound", 1 }, { "metadata.inspectionType", 1 },
            },
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var recentArray = new BsonArray();
        foreach (var photo in recent)
        {
            // Flattened for the page: the thumbnail needs quality and defects beside the file fields.
            if (photo.TryGetValue("metadata", out var m) && m is BsonDocument metadata)
            {
                photo.Remove("metadata");
                foreach (var element in metadata)
                {
                    photo.Set(element.Name, element.Value);
                }
            }
            recentArray.Add(photo);
        }
        var summary = result["summary"];
        return new BsonDocument
        {
            { "dailyStats", result["dailyStats"] },
            { "departmentStats", result["departmentStats"] },
            { "projectStats", result["projectStats"] },
            { "qualityStats", result["qualityStats"] },
            { "syncStats", result["syncStats"] },
            { "summary", summary },
            { "recentPhotos", recentArray },
            { "departmentId", departmentId is null ? BsonNull.Value : departmentId },
            { "generatedAt", _time.GetUtcNow().UtcDateTime },
        };
    }

    private static BsonDocument Sum1() => new("$sum", 1);

    private static BsonDocument Op(string op, BsonValue arg) => new(op, arg);

    private static BsonDocument Group(BsonValue id, params (string Name, BsonDocument Accumulator)[] fields)
    {
        var group = new BsonDocument("_id", id);
        foreach (var (name, acc) in fields)
        {
            group.Add(name, acc);
        }
        return new BsonDocument("$group", group);
    }
}
