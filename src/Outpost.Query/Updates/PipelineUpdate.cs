using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Updates;

/// <summary>
/// A pipeline-style update: $set/$addFields, $project, $unset, $replaceRoot/$replaceWith, evaluated with
/// <see cref="AggregationExpression"/>.
/// </summary>
internal sealed class PipelineUpdate
{
    private readonly List<Func<BsonDocument, DateTime, BsonDocument>> _stages = [];
    private readonly QueryContext _context;

    public PipelineUpdate(BsonArray pipeline, QueryContext context)
    {
        _context = context;
        foreach (var s in pipeline)
        {
            if (s is not BsonDocument stage || stage.ElementCount != 1)
            {
                throw new MongoException(ErrorCodes.Location40323, "A pipeline stage specification object must contain exactly one field.");
            }

            var e = stage.GetElement(0);
            _stages.Add(e.Name switch
            {
                "$set" or "$addFields" => CompileSet(e.Value),
                "$unset" => CompileUnset(e.Value),
                "$project" => CompileProject(e.Value),
                "$replaceRoot" => CompileReplace(e.Value is BsonDocument rr && rr.TryGetValue("newRoot", out var nr) ? nr
                    : throw new MongoException(ErrorCodes.Location40231, "no newRoot specified for the $replaceRoot stage")),
                "$replaceWith" => CompileReplace(e.Value),
                _ => throw new MongoException(ErrorCodes.InvalidOptions, $"{e.Name} is not allowed to be used within an update"),
            });
        }
    }

    public BsonDocument Run(BsonDocument document, DateTime now)
    {
        var current = document.DeepClone();
        foreach (var stage in _stages)
        {
            current = stage(current, now);
        }

        return current;
    }

    private QueryContext ContextAt(DateTime now) => new()
    {
        Collation = _context.Collation, Variables = _context.Variables, Now = now, ClusterTime = _context.ClusterTime,
    };

    private Func<BsonDocument, DateTime, BsonDocument> CompileSet(BsonValue spec)
    {
        if (spec is not BsonDocument d)
        {
            throw new MongoException(ErrorCodes.Location40272, "$set specification stage must be an object");
        }

        var fields = d.Select(e => (Path: e.Name.Split('.'), Expr: AggregationExpression.Compile(e.Value, _context))).ToArray();
        return (doc, now) =>
        {
            var scope = new ExpressionScope(doc, ContextAt(now));
            var values = fields.Select(f => f.Expr.Evaluate(scope)).ToArray();
            for (int i = 0; i < fields.Length; i++)
            {
                SetPath(doc, fields[i].Path, values[i]);
            }

            return doc;
        };
    }

    private static Func<BsonDocument, DateTime, BsonDocument> CompileUnset(BsonValue spec)
    {
        var paths = (spec is BsonArray a ? a.Select(v => v.AsString) : [spec.AsString]).Select(p => p.Split('.')).ToArray();
        return (doc, _) =>
        {
            foreach (var p in paths)
            {
                RemovePath(doc, p, 0);
            }

            return doc;
        };
    }

    private Func<BsonDocument, DateTime, BsonDocument> CompileProject(BsonValue spec)
    {
        var d = spec as BsonDocument ?? throw new MongoException(ErrorCodes.Location15969, "$project specification must be an object");
        bool exclusion = d.All(e => e.Value is BsonBoolean { Value: false } || (e.Value.IsNumeric && e.Value.ToDouble() == 0));
        if (exclusion)
        {
            return CompileUnset(new BsonArray(d.Names.Select(n => (BsonValue)n)));
        }

        var include = new List<string[]>();
        var computed = new List<(string[] Path, AggregationExpression Expr)>();
        bool excludeId = false;
        foreach (var e in d)
        {
            if (e.Value is BsonBoolean || e.Value.IsNumeric)
            {
                bool on = e.Value is BsonBoolean b ? b.Value : e.Value.ToDouble() != 0;
                if (!on)
                {
                    excludeId |= e.Name == "_id";
                    continue;
                }

                include.Add(e.Name.Split('.'));
            }
            else
            {
                computed.Add((e.Name.Split('.'), AggregationExpression.Compile(e.Value, _context)));
            }
        }

        return (doc, now) =>
        {
            var result = new BsonDocument();
            if (!excludeId && doc.TryGetValue("_id", out var id))
            {
                result.Add("_id", id);
            }

            foreach (var p in include)
            {
                var v = new FieldPath(string.Join('.', p)).GetExact(doc);
                if (v is not null)
                {
                    SetPath(result, p, v);
                }
            }

            var scope = new ExpressionScope(doc, ContextAt(now));
            foreach (var (p, expr) in computed)
            {
                SetPath(result, p, expr.Evaluate(scope));
            }

            return result;
        };
    }

    private Func<BsonDocument, DateTime, BsonDocument> CompileReplace(BsonValue spec)
    {
        var expr = AggregationExpression.Compile(spec, _context);
        return (doc, now) => expr.Evaluate(new ExpressionScope(doc, ContextAt(now))) as BsonDocument
            ?? throw new MongoException(ErrorCodes.Location40228, "'newRoot' expression must evaluate to an object");
    }

    private static void SetPath(BsonDocument doc, string[] path, BsonValue value)
    {
        var current = doc;
        for (int i = 0; i < path.Length - 1; i++)
        {
            if (!current.TryGetValue(path[i], out var next) || next is not BsonDocument nd)
            {
                nd = new BsonDocument();
                current.Set(path[i], nd);
            }

            current = nd;
        }

        current.Set(path[^1], value);
    }

    private static void RemovePath(BsonValue node, string[] path, int i)
    {
        switch (node)
        {
            case BsonDocument d when i == path.Length - 1:
                d.Remove(path[i]);
                break;
            case BsonDocument d:
                if (d.TryGetValue(path[i], out var child))
                {
                    RemovePath(child, path, i + 1);
                }

                break;
            case BsonArray a:
                foreach (var item in a)
                {
                    RemovePath(item, path, i);
                }

                break;
        }
    }
}
