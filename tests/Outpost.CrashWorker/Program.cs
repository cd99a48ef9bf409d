using System.Text;
using Outpost.Bson;
using Outpost.Engine;

// Crash-test worker: performs acknowledged writes on a SQLite database until it is killed, and prints one line per
// acknowledged operation *after* the engine returned it (each line is one write(2) of < PIPE_BUF bytes, so the parent
// never sees a torn line; lines end with " ." so a truncated one would be recognisable anyway).
//   I <id>          insert acknowledged
//   U <id> <seq>    update acknowledged: the document's u is now >= seq (later updates only raise it)
//   P <id>          a delete of <id> is about to start (the document may vanish without a D line)
//   D <id>          delete acknowledged: the document is gone (ids are never reused)
//   T <pair>        transaction acknowledged: <pair>-a and <pair>-b both exist (and its U line follows)
// Usage: Outpost.CrashWorker <database path> <run tag> <seed>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Outpost.CrashWorker <database path> <run tag> <seed>");
    return 2;
}

var (path, tag, seed) = (args[0], args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
var stdout = Console.OpenStandardOutput();
void Ack(string line)
{
    var bytes = Encoding.ASCII.GetBytes(line + " .\n");
    stdout.Write(bytes);
    stdout.Flush();
}

await using var engine = await OutpostEngine.OpenAsync(path);
var docs = engine.GetDatabase("crash").GetCollection("docs");
await docs.CreateIndexesAsync(
[
    new IndexModel { Keys = new BsonDocument("k", 1) },
    new IndexModel { Keys = new BsonDocument { { "grp", 1 }, { "u", -1 } } },
    new IndexModel { Keys = new BsonDocument("tags", 1) },
    new IndexModel { Keys = new BsonDocument("pair", 1), Sparse = true },
    new IndexModel { Keys = new BsonDocument("serial", 1), Unique = true, Sparse = true },
]);
Ack("READY");

var random = new Random(seed);
var live = new List<string>();
long n = 0, seq = 0;
while (true)
{
    n++;
    var roll = random.Next(100);
    if (roll < 45 || live.Count < 5)
    {
        var count = random.Next(1, 4);
        var batch = new List<BsonDocument>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"{tag}-i{n}-{i}";
            batch.Add(new BsonDocument
            {
                { "_id", id }, { "k", n * 10 + i }, { "grp", (int)(n % 7) }, { "u", 0L },
                { "tags", new BsonArray { "a" + (n % 3), "b" + (n % 5) } },
                { "serial", $"{tag}-s{n}-{i}" },
                { "pad", new string((char)('a' + (n % 26)), random.Next(50, 400)) },
            });
        }

        var result = await docs.InsertAsync(batch);
        if (result.HasErrors) throw new InvalidOperationException(result.WriteErrors[0].Message);
        foreach (var doc in batch)
        {
            live.Add(doc["_id"].AsString);
            Ack("I " + doc["_id"].AsString);
        }
    }
    else if (roll < 75)
    {
        var id = live[random.Next(live.Count)];
        seq++;
        var update = new BsonDocument("$set", new BsonDocument { { "u", seq }, { "grp", (int)(seq % 7) } });
        if (random.Next(2) == 0) update.Add("$push", new BsonDocument("tags", "c" + (seq % 4)));
        var result = await docs.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = update }]);
        if (result.HasErrors || result.N != 1) throw new InvalidOperationException("update failed for " + id);
        Ack($"U {id} {seq}");
    }
    else if (roll < 85)
    {
        var index = random.Next(live.Count);
        var id = live[index];
        live.RemoveAt(index);
        Ack("P " + id); // intent: once the delete starts the document may be gone even if the kill beats the ack
        var result = await docs.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", id), Limit = 1 }]);
        if (result.HasErrors || result.N != 1) throw new InvalidOperationException("delete failed for " + id);
        Ack("D " + id);
    }
    else
    {
        // A multi-document transaction: a pair of inserts plus an update of a live document, all or nothing.
        var pair = $"{tag}-t{n}";
        var target = live[random.Next(live.Count)];
        seq++;
        var transaction = await engine.StartTransactionAsync();
        var context = new OperationContext { Transaction = transaction };
        var a = await docs.InsertAsync([new BsonDocument { { "_id", pair + "-a" }, { "pair", pair }, { "k", n * 10 }, { "grp", 0 }, { "tags", new BsonArray { "t" } } }], null, context);
        var u = await docs.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", target), Update = new BsonDocument("$set", new BsonDocument("u", seq)) }], null, context);
        var b = await docs.InsertAsync([new BsonDocument { { "_id", pair + "-b" }, { "pair", pair }, { "k", n * 10 + 1 }, { "grp", 1 } }], null, context);
        if (a.HasErrors || b.HasErrors || u.HasErrors || u.N != 1) throw new InvalidOperationException("transaction statement failed for " + pair);
        await transaction.CommitAsync();
        Ack("T " + pair);
        Ack($"U {target} {seq}");
    }
}
