using System.Collections.Frozen;

namespace Outpost.Wire.Commands;

/// <summary>codeNames for codes drivers' tests inject through failpoints that <see cref="ErrorCodes"/> does not list.</summary>
internal static class CodeNames
{
    private static readonly FrozenDictionary<int, string> Extra = new Dictionary<int, string>
    {
        [64] = "WriteConcernFailed", [79] = "UnknownReplWriteConcern", [91] = "ShutdownInProgress", [100] = "UnsatisfiableWriteConcern",
        [134] = "ReadConcernMajorityNotAvailableYet", [175] = "QueryPlanKilled", [189] = "PrimarySteppedDown",
        [237] = "CursorKilled", [9001] = "SocketException", [10058] = "LegacyNotPrimary", [11602] = "InterruptedDueToReplStateChange",
        [13436] = "NotPrimaryOrSecondary", [13388] = "StaleConfig", [150] = "StaleEpoch", [234] = "RetryChangeStream",
        [133] = "FailedToSatisfyReadPreference", [63] = "StaleShardVersion", [51003] = "Location51003",
        [8000] = "AtlasError", [276] = "IncompleteTransactionHistory", [225] = "TransactionTooOld", [244] = "TransactionAborted",
        [217] = "IncompatibleWithUpgradedServer", [350] = "Location350",
    }.ToFrozenDictionary();

    public static string NameOf(int code, string? given)
    {
        if (given is not null && !given.StartsWith("Location", StringComparison.Ordinal)) return given;
        return Extra.TryGetValue(code, out var name) ? name : ErrorCodes.NameOf(code);
    }
}
