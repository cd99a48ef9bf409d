using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Migrations;

/// <summary>What a step runs against: the database, the migration's transaction, and (for down steps) the up memos.</summary>
public sealed class MigrationContext
{
    public MigrationContext(Database database, EngineTransaction transaction, BsonArray upMemos)
    {
        Database = database;
        Transaction = transaction;
        Operation = new OperationContext { Transaction = transaction };
        UpMemos = upMemos;
    }

    /// <summary>The Shopfloor database.</summary>
    public Database Database { get; }

    /// <summary>The engine transaction every data step runs in.</summary>
    public EngineTransaction Transaction { get; }

    /// <summary>Context carrying the transaction.</summary>
    public OperationContext Operation { get; }

    /// <summary>Memos of the up steps, by step index (empty while going up).</summary>
    public BsonArray UpMemos { get; }
}
