using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Updates;

/// <summary>
/// A compiled update: operator document, replacement document, or pipeline. Compile once, apply per document:
/// <see cref="Apply"/> mutates the document in place and reports what changed for the change log.
/// </summary>
public sealed partial class UpdatePlan
{
    private static readonly HashSet<string> Operators =
        ["$set", "$unset", "$inc", "$mul", "$min", "$max", "$rename", "$currentDate", "$setOnInsert", "$push", "$addToSet", "$pop", "$pull", "$pullAll", "$bit"];

    private readonly List<UpdateOperation> _operations = [];
    private readonly BsonDocument? _replacement;
    private readonly PipelineUpdate? _pipeline;
    private readonly Dictionary<string, QueryFilter> _arrayFilters = new(StringComparer.Ordinal);
    private readonly QueryContext _context;

    private UpdatePlan(UpdateKind kind, QueryContext context)
    {
        Kind = kind;
        _context = context;
    }

    private UpdatePlan(BsonValue update, UpdateCompileOptions options)
        : this(Classify(update), options.Context ?? QueryContext.Default)
    {
        if (options.Let is not null)
        {
            _context = new QueryContext
            {
                Collation = _context.Collation, Variables = options.Let, Now = _context.Now, ClusterTime = _context.ClusterTime,
                MemoryLimitBytes = _context.MemoryLimitBytes, AllowDiskUse = _context.AllowDiskUse, TempDirectory = _context.TempDirectory,
            };
        }

        switch (Kind)
        {
            case UpdateKind.Pipeline:
                _pipeline = new PipelineUpdate((BsonArray)update, _context);
                if (options.ArrayFilters is { Count: > 0 })
                {
                    throw new MongoException(ErrorCodes.FailedToParse, "arrayFilters may not be specified for pipeline-style updates");
                }

                break;
            case UpdateKind.Replacement:
                _replacement = (BsonDocument)update;
                ValidateReplacement(_replacement);
                if (options.ArrayFilters is { Count: > 0 })
                {
                    throw new MongoException(ErrorCodes.FailedToParse, "Cannot use array filters with a replacement-style update");
                }

                break;
            default:
                CompileArrayFilters(options.ArrayFilters);
                CompileOperators((BsonDocument)update);
                break;
        }
    }

    /// <summary>Operators, replacement or pipeline.</summary>
    public UpdateKind Kind { get; }

    /// <summary>Compiles an update; throws <see cref="MongoException"/> with MongoDB's codes for malformed updates.</summary>
    public static UpdatePlan Compile(BsonValue update, QueryContext? context = null, BsonArray? arrayFilters = null) =>
        Compile(update, new UpdateCompileOptions { ArrayFilters = arrayFilters, Context = context });

    /// <summary>Compiles an update with the command's arrayFilters and let.</summary>
    public static UpdatePlan Compile(BsonValue update, UpdateCompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(options);
        return new UpdatePlan(update, options);
    }

    /// <summary>
    /// Applies the update to <paramref name="document"/> in place. Throws MongoException (e.g. 66 when _id would change,
    /// 14 for $inc on a non-number, 28 when a path cannot be created).
    /// </summary>
    public UpdateResult Apply(BsonDocument document, ApplyContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        context ??= new ApplyContext();
        var original = document.DeepClone();
        var description = new UpdateDescription();
        switch (Kind)
        {
            case UpdateKind.Replacement:
                ReplaceContents(document, _replacement!.DeepClone(), original);
                description.IsReplacement = true;
                break;
            case UpdateKind.Pipeline:
            {
                var result = _pipeline!.Run(document, context.Now ?? _context.Now);
                ReplaceContents(document, result, original);
                DiffTopLevel(original, document, description);
                break;
            }

            default:
            {
                var state = new ApplyState(document, context, context.Now ?? _context.Now, _arrayFilters, description, _context);
                foreach (var op in _operations)
                {
                    op.Apply(state);
                }

                state.FinishDescription();
                break;
            }
        }

        CheckId(original, document);
        bool changed = BsonComparer.Instance.Compare(original, document) != 0;
        if (!changed)
        {
            description.UpdatedFields.Clear();
            description.RemovedFields.Clear();
            description.TruncatedArrays.Clear();
        }

        return new UpdateResult(document, changed, description);
    }

    /// <summary>
    /// The document an upsert starts from: the query's equality predicates (top level and inside $and), dotted paths
    /// expanded into nested documents, _id first.
    /// </summary>
    public static BsonDocument CreateUpsertSeed(BsonDocument query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var seed = new BsonDocument();
        AddEqualities(query, seed);
        if (seed.TryGetValue("_id", out var id) && seed.IndexOf("_id") != 0)
        {
            seed.Remove("_id");
            seed.InsertAt(0, new BsonElement("_id", id));
        }

        return seed;
    }

    private static void AddEqualities(BsonDocument query, BsonDocument seed)
    {
        foreach (var e in query)
        {
            if (e.Name == "$and" && e.Value is BsonArray and)
            {
                foreach (var c in and)
                {
                    if (c is BsonDocument cd)
                    {
                        AddEqualities(cd, seed);
                    }
                }

                continue;
            }

            if (e.Name.StartsWith('$'))
            {
                continue;
            }

            BsonValue? value = e.Value switch
            {
                BsonDocument d when d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$') =>
                    d.TryGetValue("$eq", out var eq) ? eq : d.TryGetValue("$in", out var inv) && inv is BsonArray { Count: 1 } one ? one[0] : null,
                BsonRegularExpression => null,
                _ => e.Value,
            };
            if (value is not null)
            {
                var parts = e.Name.Split('.');
                var state = new ApplyState(seed, new ApplyContext(), DateTime.UtcNow, [], new UpdateDescription(), QueryContext.Default);
                state.SetAt(parts, value is BsonDocument vd ? vd.DeepClone() : value);
            }
        }
    }

    private static UpdateKind Classify(BsonValue update) => update switch
    {
        BsonArray => UpdateKind.Pipeline,
        BsonDocument d when d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$') => UpdateKind.Operators,
        BsonDocument => UpdateKind.Replacement,
        _ => throw new MongoException(ErrorCodes.FailedToParse, "Update argument must be either an object or an array"),
    };

    private static void ValidateReplacement(BsonDocument replacement)
    {
        foreach (var e in replacement)
        {
            if (e.Name.StartsWith('$'))
            {
                throw new MongoException(ErrorCodes.DollarPrefixedFieldName, $"The dollar ($) prefixed field '{e.Name}' in '{e.Name}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.");
            }
        }
    }

    private void CompileArrayFilters(BsonArray? filters)
    {
        if (filters is null)
        {
            return;
        }

        foreach (var f in filters)
        {
            if (f is not BsonDocument fd || fd.ElementCount == 0)
            {
                throw new MongoException(ErrorCodes.FailedToParse, "Cannot use an expression without a top-level field name in arrayFilters");
            }

            string? id = null;
            foreach (var e in fd)
            {
                string top = e.Name.Split('.')[0];
                if (e.Name.StartsWith('$'))
                {
                    // {$or: [{ "x.a": 1 }, ...]}: take the identifier from the first nested field.
                    top = e.Value is BsonArray { Count: > 0 } arr && arr[0] is BsonDocument first && first.ElementCount > 0 ? first.GetElement(0).Name.Split('.')[0] : "";
                }

                if (id is not null && id != top)
                {
                    throw new MongoException(ErrorCodes.FailedToParse, $"Error parsing array filter :: caused by :: Expected a single top-level field name, found '{id}' and '{top}'");
                }

                id = top;
            }

            if (string.IsNullOrEmpty(id) || !char.IsLower(id[0]) || !id.All(char.IsLetterOrDigit))
            {
                throw new MongoException(ErrorCodes.BadValue, $"Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '{id}'");
            }

            if (_arrayFilters.ContainsKey(id))
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"Found multiple array filters with the same top-level field name {id}");
            }

            _arrayFilters[id] = QueryFilter.Compile(fd, _context);
        }
    }

    private void CompileOperators(BsonDocument update)
    {
        var targets = new List<(string[] Parts, string Path)>();
        foreach (var e in update)
        {
            if (!e.Name.StartsWith('$'))
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"Unknown modifier: {e.Name}. Expected a valid update modifier or pipeline-style update specified as an array");
            }

            if (!Operators.Contains(e.Name))
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"Unknown modifier: {e.Name}. Expected a valid update modifier or pipeline-style update specified as an array");
            }

            if (e.Value is not BsonDocument args)
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"Modifiers operate on fields but we found type {TypeName(e.Value)} instead. For example: {{$mod: {{<field>: ...}}}} not {{{e.Name}: {e.Value}}}");
            }

            if (args.ElementCount == 0)
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"'{e.Name}' is empty. You must specify a field like so: {{{e.Name}: {{<field_name>: ...}}}}");
            }

            foreach (var a in args)
            {
                var parts = ValidatePath(a.Name, e.Name);
                var op = UpdateOperation.Create(e.Name, parts, a.Name, a.Value, _context);
                targets.Add((parts, a.Name));
                if (op.RenameTarget is { } to)
                {
                    targets.Add((ValidatePath(to, e.Name), to));
                }

                _operations.Add(op);
            }
        }

        CheckConflicts(targets);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (parts, path) in targets)
        {
            foreach (var p in parts)
            {
                if (p.StartsWith("$[", StringComparison.Ordinal) && p.Length > 3)
                {
                    string id = p[2..^1];
                    if (!_arrayFilters.ContainsKey(id))
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"No array filter found for identifier '{id}' in path '{path}'");
                    }

                    used.Add(id);
                }
            }
        }

        foreach (var id in _arrayFilters.Keys)
        {
            if (!used.Contains(id))
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"The array filter for identifier '{id}' was not used in the update {{ }}");
            }
        }
    }

    private static string[] ValidatePath(string path, string op)
    {
        if (path.Length == 0)
        {
            throw new MongoException(ErrorCodes.EmptyFieldName, "An empty update path is not valid.");
        }

        var parts = path.Split('.');
        foreach (var p in parts)
        {
            if (p.Length == 0)
            {
                throw new MongoException(ErrorCodes.EmptyFieldName, $"The update path '{path}' contains an empty field name, which is not allowed.");
            }
        }

        if (parts[0] == "$" || parts[0].StartsWith("$[", StringComparison.Ordinal))
        {
            throw new MongoException(ErrorCodes.BadValue, $"Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '{path}'");
        }

        _ = op;
        return parts;
    }

    private static void CheckConflicts(List<(string[] Parts, string Path)> targets)
    {
        for (int i = 0; i < targets.Count; i++)
        {
            for (int j = i + 1; j < targets.Count; j++)
            {
                var a = targets[i].Parts;
                var b = targets[j].Parts;
                int n = Math.Min(a.Length, b.Length);
                bool prefix = true;
                for (int k = 0; k < n && prefix; k++)
                {
                    prefix = a[k] == b[k];
                }

                if (prefix)
                {
                    string shorter = a.Length <= b.Length ? targets[i].Path : targets[j].Path;
                    string other = a.Length <= b.Length ? targets[j].Path : targets[i].Path;
                    throw new MongoException(ErrorCodes.ConflictingUpdateOperators, $"Updating the path '{other}' would create a conflict at '{shorter}'");
                }
            }
        }
    }

    private static void ReplaceContents(BsonDocument target, BsonDocument replacement, BsonDocument original)
    {
        target.Clear();
        if (original.TryGetValue("_id", out var id) && !replacement.Contains("_id"))
        {
            target.Add("_id", id);
        }

        foreach (var e in replacement)
        {
            target.Add(e.Name, e.Value);
        }
    }

    private static void CheckId(BsonDocument original, BsonDocument updated)
    {
        if (original.TryGetValue("_id", out var before))
        {
            if (!updated.TryGetValue("_id", out var after) || !BsonComparer.Instance.Equals(before, after) || before.Type != after.Type)
            {
                throw new MongoException(ErrorCodes.ImmutableField,
                    after is null ? "Performing an update on the path '_id' would modify the immutable field '_id'"
                    : $"After applying the update, the (immutable) field '_id' was found to have been altered to _id: {after}");
            }
        }

        if (updated.TryGetValue("_id", out var newId) && newId is BsonArray)
        {
            throw new MongoException(ErrorCodes.InvalidIdField, $"The '_id' value cannot be of type array");
        }
    }

    private static void DiffTopLevel(BsonDocument before, BsonDocument after, UpdateDescription description)
    {
        foreach (var e in after)
        {
            if (!before.TryGetValue(e.Name, out var old) || BsonComparer.Instance.Compare(old, e.Value) != 0)
            {
                description.UpdatedFields.Set(e.Name, e.Value);
            }
        }

        foreach (var e in before)
        {
            if (!after.Contains(e.Name))
            {
                description.RemovedFields.Add(e.Name);
            }
        }
    }

    internal static string TypeName(BsonValue v) => v.Type switch
    {
        BsonType.Int32 => "int",
        BsonType.Int64 => "long",
        BsonType.Double => "double",
        BsonType.Decimal128 => "decimal",
        BsonType.String => "string",
        BsonType.Document => "object",
        BsonType.Array => "array",
        BsonType.Boolean => "bool",
        BsonType.Null => "null",
        BsonType.DateTime => "date",
        BsonType.ObjectId => "objectId",
        _ => v.Type.ToString(),
    };

    internal static FieldPath PathOf(string dotted) => new(dotted);
}
