using System.Buffers.Binary;
using Outpost.Bson;
using Outpost.Bson.Serialization;

namespace Outpost.Query.Pipeline;

/// <summary>
/// A temporary file of BSON documents written once and read back sequentially (a sorted run of $sort, or a run of
/// partial groups of $group). Deleted on dispose.
/// </summary>
internal sealed class SpillFile : IAsyncDisposable
{
    private readonly string _path;
    private FileStream? _writer;

    public SpillFile(QueryContext context)
    {
        string dir = context.TempDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(dir);
        _path = Path.Combine(dir, $"outpost-spill-{Guid.NewGuid():N}.bson");
        _writer = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    public long Count { get; private set; }

    public string FilePath => _path;

    public async ValueTask WriteAsync(BsonDocument doc, CancellationToken ct)
    {
        // BSON documents carry their own length prefix, so they can be written back to back.
        var bytes = BsonSerializer.Serialize(doc);
        await _writer!.WriteAsync(bytes, ct).ConfigureAwait(false);
        Count++;
    }

    public async ValueTask CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync().ConfigureAwait(false);
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
    }

    public Reader OpenReader() => new(_path);

    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is harmless.
        }
    }

    /// <summary>Sequential reader of a completed spill file.</summary>
    internal sealed class Reader(string path) : IAsyncDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        private readonly byte[] _lengthBuffer = new byte[4];

        public async ValueTask<BsonDocument?> ReadAsync(CancellationToken ct)
        {
            int read = await _stream.ReadAtLeastAsync(_lengthBuffer, 4, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            int length = BinaryPrimitives.ReadInt32LittleEndian(_lengthBuffer);
            var buffer = new byte[length];
            _lengthBuffer.CopyTo(buffer, 0);
            await _stream.ReadExactlyAsync(buffer.AsMemory(4, length - 4), ct).ConfigureAwait(false);
            return BsonSerializer.Deserialize(buffer);
        }

        public ValueTask DisposeAsync() => _stream.DisposeAsync();
    }
}
