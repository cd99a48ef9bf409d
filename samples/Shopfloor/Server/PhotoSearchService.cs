using System.Text.RegularExpressions;
using Outpost;
using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Server;

/// <summary>
/// The seed's getPhotoSearchResults. A text query uses the photos text index (<c>$text</c>, sorted by
/// <c>textScore</c> then newest first). Should the engine refuse <c>$text</c> (an engine without text indexes),
/// the search falls back to a case-insensitive regex over file name, defects, job number, part and inspection
/// type, newest first, and says so in <c>searchMode</c>. Encrypted inspector notes are never searchable.
/// Page and total come from one <c>$facet</c>, so both read the same snapshot.
/// </summary>
public sealed class PhotoSearchService
{
    private readonly Collection _photos;

    public PhotoSearchService(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _photos = database.GetCollection(CollectionNames.Photos);
    }

    /// <summary>
    /// <c>{ photos, totalCount, page, limit, totalPages, hasNext, hasPrev, searchMode }</c>; photos are in stored form
    /// (encrypted fields as ciphertext) — callers decrypt for authorized readers.
    /// </summary>
    public async Task<BsonDocument> SearchAsync(PhotoSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Page < 1 || query.Limit is < 1 or > 200)
        {
            throw new MongoException(ErrorCodes.BadValue, "page must be ≥ 1 and limit 1–200");
        }
        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        if (text is null)
        {
            return await RunAsync(query, null, "none", cancellationToken).ConfigureAwait(false);
        }
        try
        {
            return await RunAsync(query, new BsonDocument("$text", new BsonDocument { { "$search", text }, { "$caseSensitive", false } }), "text", cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException e) when (e.Code is ErrorCodes.IndexNotFound or ErrorCodes.BadValue)
        {
            var pattern = new BsonRegularExpression(Regex.Escape(text), "i");
            var or = new BsonArray();
            foreach (var field in new[] { "fileName", "metadata.defectsFound", "jobNumber", "partId", "metadata.inspectionType" })
            {
                or.Add(new BsonDocument(field, pattern));
            }
            return await RunAsync(query, new BsonDocument("$or", or), "regex", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BsonDocument> RunAsync(PhotoSearchQuery query, BsonDocument? textMatch, string mode, CancellationToken cancellationToken)
    {
        var pipeline = new BsonArray();
        if (textMatch is not null)
        {
            pipeline.Add(new BsonDocument("$match", textMatch));
            if (mode == "text")
            {
                pipeline.Add(new BsonDocument("$addFields", new BsonDocument("searchScore", new BsonDocument("$meta", "textScore"))));
            }
        }
        var filter = Filters(query);
        if (filter.ElementCount > 0)
        {
            pipeline.Add(new BsonDocument("$match", filter));
        }
        var sort = new BsonDocument();
        if (mode == "text")
        {
            sort.Add("searchScore", -1);
        }
        sort.Add("capturedAt", -1);
        sort.Add("_id", -1);
        pipeline.Add(new BsonDocument("$sort", sort));
        var skip = (query.Page - 1) * query.Limit;
        pipeline.Add(new BsonDocument("$facet", new BsonDocument
        {
            { "photos", new BsonArray { new BsonDocument("$skip", skip), new BsonDocument("$limit", query.Limit) } },
            { "total", new BsonArray { new BsonDocument("$count", "total") } },
        }));
        var facet = (await _photos.AggregateListAsync(pipeline, cancellationToken: cancellationToken).ConfigureAwait(false))[0];
        var photos = facet["photos"].AsArray;
        var totals = facet["total"].AsArray;
        long total = totals.Count == 0 ? 0 : totals[0].AsDocument["total"].ToInt64();
        var pages = (total + query.Limit - 1) / query.Limit;
        return new BsonDocument
        {
            { "photos", photos },
            { "totalCount", total },
            { "page", query.Page },
            { "limit", query.Limit },
            { "totalPages", pages },
            { "hasNext", skip + photos.Count < total },
            { "hasPrev", query.Page > 1 },
            { "searchMode", mode },
        };
    }

    private static BsonDocument Filters(PhotoSearchQuery query)
    {
        var filter = new BsonDocument();
        if (query.DepartmentId is not null)
        {
            filter.Add("departmentId", query.DepartmentId);
        }
        if (query.ProjectId is { } project)
        {
            filter.Add("projectId", project);
        }
        if (query.From is not null || query.To is not null)
        {
            var range = new BsonDocument();
            if (query.From is { } from) range.Add("$gte", from);
            if (query.To is { } to) range.Add("$lte", to);
            filter.Add("capturedAt", range);
        }
        if (query.MinQuality is not null || query.MaxQuality is not null)
        {
            var range = new BsonDocument();
            if (query.MinQuality is { } min) range.Add("$gte", min);
            if (query.MaxQuality is { } max) range.Add("$lte", max);
            filter.Add("metadata.qualityRating", range);
        }
        if (query.HasDefects is { } hasDefects)
        {
            // The seed's { $ne: [] } also matches photos whose field is missing; { "0": exists } says "has one".
            filter.Add("metadata.defectsFound.0", new BsonDocument("$exists", hasDefects));
        }
        return filter;
    }
}
