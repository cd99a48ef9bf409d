using Outpost.Bson;
using Outpost.Storage;

namespace Outpost.Engine;

public sealed partial class Collection
{
    /// <summary>
    /// The <c>validate</c> command: reads every document and every index entry in one snapshot and checks that each
    /// document is stored under its own _id key and that each secondary index holds exactly the entries the documents
    /// produce (no missing, no extra). Returns MongoDB's shape: <c>{ns, nrecords, nIndexes, keysPerIndex, valid, errors}</c>.
    /// Reads the whole collection: meant for tests, crash recovery checks and operators, not for hot paths.
    /// </summary>
    public async Task<BsonDocument> ValidateAsync(CancellationToken cancellationToken = default)
    {
        var state = State ?? throw EngineErrors.NamespaceNotFound(Namespace);
        var errors = new BsonArray();
        var indexes = state.Indexes;
        var expected = new HashSet<string>[indexes.Length];
        for (var i = 1; i < indexes.Length; i++) expected[i] = new HashSet<string>(StringComparer.Ordinal);

        await using var tx = await Engine.Storage.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        long records = 0;
        await foreach (var entry in tx.ScanAsync(state.Tree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
        {
            records++;
            BsonDocument document;
            try
            {
                document = BsonSerializer.Deserialize(entry.Value);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
            {
                errors.Add($"record {Convert.ToHexString(entry.Key)} is not valid BSON: {e.Message}");
                continue;
            }

            if (!document.TryGetValue("_id", out var id) || !Engine.Writer.EncodeId(id).AsSpan().SequenceEqual(entry.Key))
            {
                errors.Add($"record {Convert.ToHexString(entry.Key)} is not stored under its _id");
                continue;
            }

            var idHex = Convert.ToHexString(entry.Key);
            for (var i = 1; i < indexes.Length; i++)
            {
                foreach (var key in Writes.DocumentWriter.KeysOf(indexes[i], document))
                    expected[i].Add(Convert.ToHexString(Writes.DocumentWriter.EntryKey(indexes[i], key, entry.Key)) + ":" + (indexes[i].IdInKey ? "" : idHex));
            }
        }

        var keysPerIndex = new BsonDocument { { indexes[0].Name, records } };
        for (var i = 1; i < indexes.Length; i++)
        {
            long keys = 0;
            await foreach (var entry in tx.ScanAsync(indexes[i].Tree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
            {
                keys++;
                if (!expected[i].Remove(Convert.ToHexString(entry.Key) + ":" + Convert.ToHexString(entry.Value)))
                    errors.Add($"index {indexes[i].Name} has an entry {Convert.ToHexString(entry.Key)} that no document produces");
            }

            if (expected[i].Count > 0)
                errors.Add($"index {indexes[i].Name} is missing {expected[i].Count} entries for existing documents");
            keysPerIndex.Add(indexes[i].Name, keys);
        }

        return new BsonDocument
        {
            { "ns", Namespace },
            { "nrecords", records },
            { "nIndexes", indexes.Length },
            { "keysPerIndex", keysPerIndex },
            { "valid", errors.Count == 0 },
            { "errors", errors },
        };
    }
}
