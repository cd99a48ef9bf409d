using Outpost.Storage;

namespace Outpost.Engine;

/// <summary>Factory of the MongoDB errors the engine raises, so codes and messages stay consistent.</summary>
internal static class EngineErrors
{
    public static MongoException WriteConflict(StorageWriteConflictException? inner = null) =>
        new(ErrorCodes.WriteConflict, "WriteConflict", "Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.",
            ["TransientTransactionError"], inner);

    public static MongoException NamespaceNotFound(string ns) => new(ErrorCodes.NamespaceNotFound, $"ns not found: {ns}");

    public static MongoException NamespaceExists(string ns) => new(ErrorCodes.NamespaceExists, $"Collection {ns} already exists.");

    public static MongoException InvalidNamespace(string message) => new(ErrorCodes.InvalidNamespace, message);

    public static MongoException ViewWrite(string ns) => new(ErrorCodes.CommandNotSupportedOnView, $"Namespace {ns} is a view, not a collection");
}
