using Outpost.Bson;

namespace Outpost.Wire.Auth;

/// <summary>
/// The collection-level actions a command needs, for checking user-defined roles (built-in roles are checked per
/// database by <see cref="Authorization"/>). Only the data commands a collection-scoped role can sensibly hold are
/// mapped; anything else needs a built-in role, which fails closed.
/// </summary>
public static class RequiredActions
{
    // Stages that write a namespace: a collection-scoped role would need write privileges there (and a document
    // restriction could not follow the documents), so they are refused rather than half-checked. Stages that read
    // another collection ($lookup, $graphLookup, $unionWith) are checked per source by RestrictedCommand.RestrictSources.
    private static readonly HashSet<string> ForeignNamespaceStages = new(StringComparer.Ordinal)
    {
        "$out", "$merge",
    };

    /// <summary>
    /// The collection and actions <paramref name="command"/> needs, or null when it cannot be granted by
    /// collection privileges (so only built-in roles may run it). An aggregate's other sources ($lookup, $graphLookup,
    /// $unionWith) need <c>find</c> on each of them as well, checked by <see cref="RestrictedCommand.RestrictSources"/>.
    /// </summary>
    public static (string Collection, string[] Actions)? For(string commandName, BsonDocument command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var required = Core(commandName, command);
        // MongoDB: skipping the collection validator is an action of its own (otherwise a user limited to some
        // documents, or any collection-scoped writer, could store what the validator refuses).
        if (required is { } r && commandName is "insert" or "update" or "findAndModify" or "aggregate"
            && command.TryGetValue("bypassDocumentValidation", out var bypass) && bypass.IsBoolean && bypass.AsBoolean)
        {
            return (r.Collection, [.. r.Actions, "bypassDocumentValidation"]);
        }
        return required;
    }

    private static (string Collection, string[] Actions)? Core(string commandName, BsonDocument command)
    {
        switch (commandName)
        {
            case "find":
            case "count":
            case "distinct":
                return Named(command, commandName, "find");
            case "aggregate":
                return command.TryGetValue("pipeline", out var pipeline) && !ReachesOtherNamespaces(pipeline) ? Named(command, commandName, "find") : null;
            case "getMore":
                return command.TryGetValue("collection", out var coll) && coll.IsString ? (coll.AsString, ["find"]) : null;
            case "killCursors":
                return Named(command, commandName, "killCursors");
            case "listIndexes":
                return Named(command, commandName, "listIndexes");
            case "collStats":
                return Named(command, commandName, "collStats");
            case "insert":
                return Named(command, commandName, "insert");
            case "delete":
                return Named(command, commandName, "remove");
            case "update":
                return Named(command, commandName, AnyUpsert(command) ? ["update", "insert"] : ["update"]);
            case "findAndModify":
                bool remove = command.TryGetValue("remove", out var r) && r.IsBoolean && r.AsBoolean;
                bool upsert = command.TryGetValue("upsert", out var u) && u.IsBoolean && u.AsBoolean;
                return Named(command, commandName, remove ? ["find", "remove"] : upsert ? ["find", "update", "insert"] : ["find", "update"]);
            case "explain":
                if (!command.TryGetValue("explain", out var inner) || inner is not BsonDocument explained || explained.ElementCount == 0) return null;
                string innerName = explained.GetElement(0).Name;
                return innerName is "find" or "count" or "distinct" or "aggregate" ? For(innerName, explained) : null;
            default:
                return null;
        }
    }

    private static (string, string[])? Named(BsonDocument command, string name, params string[] actions) =>
        command.TryGetValue(name, out var target) && target.IsString ? (target.AsString, actions) : null;

    private static bool AnyUpsert(BsonDocument command)
    {
        if (!command.TryGetValue("updates", out var updates) || !updates.IsArray) return false;
        foreach (var statement in updates.AsArray)
        {
            if (statement is BsonDocument d && d.TryGetValue("upsert", out var upsert) && upsert.IsBoolean && upsert.AsBoolean) return true;
        }
        return false;
    }

    private static bool ReachesOtherNamespaces(BsonValue value)
    {
        if (value is BsonDocument doc)
        {
            foreach (var element in doc)
            {
                if (ForeignNamespaceStages.Contains(element.Name) || ReachesOtherNamespaces(element.Value)) return true;
            }
        }
        else if (value is BsonArray array)
        {
            foreach (var item in array)
            {
                if (ReachesOtherNamespaces(item)) return true;
            }
        }
        return false;
    }
}
