using Npgsql;
using NpgsqlTypes;

namespace Outpost.Storage.Postgres;

/// <summary>SQL text per range shape (each bound absent, inclusive or exclusive), so plans stay simple index range scans.</summary>
internal static class PostgresRangeSql
{
    private static readonly string[] Wheres = BuildWheres();

    public static int Shape(in KeyRange range) => (Kind(range.Lower, range.LowerInclusive) * 3) + Kind(range.Upper, range.UpperInclusive);

    private static int Kind(byte[]? bound, bool inclusive) => bound is null ? 0 : inclusive ? 1 : 2;

    public static string Where(in KeyRange range) => Wheres[Shape(range)];

    /// <summary>Adds $1 tree, then $2/$3 for whichever bounds exist.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, long tree, in KeyRange range)
    {
        parameters.Add(new NpgsqlParameter<long> { TypedValue = tree, NpgsqlDbType = NpgsqlDbType.Bigint });
        if (range.Lower is not null) parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = range.Lower, NpgsqlDbType = NpgsqlDbType.Bytea });
        if (range.Upper is not null) parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = range.Upper, NpgsqlDbType = NpgsqlDbType.Bytea });
    }

    /// <summary>Number of parameters <see cref="AddParameters"/> adds.</summary>
    public static int ParameterCount(in KeyRange range) => 1 + (range.Lower is null ? 0 : 1) + (range.Upper is null ? 0 : 1);

    private static string[] BuildWheres()
    {
        var wheres = new string[9];
        for (var shape = 0; shape < 9; shape++)
        {
            var next = 2;
            var lower = (shape / 3) switch { 1 => $" AND key >= ${next++}", 2 => $" AND key > ${next++}", _ => "" };
            var upper = (shape % 3) switch { 1 => $" AND key <= ${next}", 2 => $" AND key < ${next}", _ => "" };
            wheres[shape] = "tree = $1" + lower + upper;
        }

        return wheres;
    }
}
