using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Filters;

/// <summary>$in: equality with any listed value, or a match with any listed regex.</summary>
internal sealed class InMatcher : LeafMatcher
{
    private readonly BsonValue[] _values;
    private readonly RegexMatcher[] _regexes;
    private readonly IComparer<BsonValue> _comparer;
    private readonly HashSet<BsonValue>? _set;
    private readonly bool _hasNull;

    public InMatcher(FieldPath? path, BsonArray values, IComparer<BsonValue> comparer) : base(path)
    {
        var plain = new List<BsonValue>();
        var regexes = new List<RegexMatcher>();
        foreach (var v in values)
        {
            if (v is BsonRegularExpression r)
            {
                regexes.Add(new RegexMatcher(null, r));
            }
            else
            {
                plain.Add(v);
                _hasNull |= v.Type == BsonType.Null;
            }
        }

        _values = [.. plain];
        _regexes = [.. regexes];
        _comparer = comparer;
        // Hashing is only consistent with equality under the simple collation and without NaN subtleties.
        if (ReferenceEquals(comparer, BsonComparer.Instance) && _values.Length > 8)
        {
            _set = new HashSet<BsonValue>(_values, BsonComparer.Instance);
        }

        Values = values;
    }

    public BsonArray Values { get; }

    public override bool MatchesView(BsonValueView value)
    {
        if (_set is not null)
        {
            return MatchesValue(value.ToBsonValue()); // large lists: hash the decoded value
        }

        if (_hasNull && value.Type == BsonType.Null)
        {
            return true;
        }

        bool simple = ReferenceEquals(_comparer, BsonComparer.Instance);
        foreach (var v in _values)
        {
            switch (ValueMatching.CompareView(ComparisonOperator.Eq, value, v, simple))
            {
                case true:
                    return true;
                case null:
                    return MatchesValue(value.ToBsonValue());
            }
        }

        // Regexes only ever match strings, symbols and regexes.
        return _regexes.Length > 0 && (value.Type is BsonType.String or BsonType.Symbol or BsonType.RegularExpression) &&
               MatchesValue(value.ToBsonValue());
    }

    public override bool MatchesValue(BsonValue? value)
    {
        if (value is null || value.Type == BsonType.Null)
        {
            if (_hasNull)
            {
                return true;
            }

            if (value is null)
            {
                return false;
            }
        }

        if (_set is not null && value.Type != BsonType.Undefined)
        {
            if (_set.Contains(value))
            {
                return true;
            }
        }
        else
        {
            foreach (var v in _values)
            {
                if (ValueMatching.Compare(ComparisonOperator.Eq, value, v, _comparer))
                {
                    return true;
                }
            }
        }

        foreach (var r in _regexes)
        {
            if (r.MatchesValue(value))
            {
                return true;
            }
        }

        return false;
    }
}
