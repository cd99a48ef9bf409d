using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// SQL text for key ranges. A range has 9 shapes (each bound absent, inclusive or exclusive); each shape gets its
/// own prepared statement so no statement carries a "bound is null" branch the planner cannot see through.
/// </summary>
internal static class SqliteRangeSql
{
    public const int ShapeCount = 9;

    public static int Shape(in KeyRange range) => (Kind(range.Lower, range.LowerInclusive) * 3) + Kind(range.Upper, range.UpperInclusive);

    private static int Kind(byte[]? bound, bool inclusive) => bound is null ? 0 : inclusive ? 1 : 2;

    public static string Where(int shape)
    {
        var lower = (shape / 3) switch { 1 => " AND key >= $lo", 2 => " AND key > $lo", _ => "" };
        var upper = (shape % 3) switch { 1 => " AND key <= $hi", 2 => " AND key < $hi", _ => "" };
        return "tree = $tree" + lower + upper;
    }

    public static SqliteCommand Prepare(SqliteConnection connection, string sql, int shape)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$tree", SqliteType.Integer);
        if (shape / 3 != 0) command.Parameters.Add("$lo", SqliteType.Blob);
        if (shape % 3 != 0) command.Parameters.Add("$hi", SqliteType.Blob);
        command.Prepare();
        return command;
    }

    public static void Bind(SqliteCommand command, long tree, in KeyRange range)
    {
        command.Parameters[0].Value = tree;
        var next = 1;
        if (range.Lower is not null) command.Parameters[next++].Value = range.Lower;
        if (range.Upper is not null) command.Parameters[next].Value = range.Upper;
    }
}
