using System.Globalization;
using Outpost.Bson;

namespace Outpost.Query.Sorting;

/// <summary>
/// A MongoDB collation (locale, strength, caseLevel, caseFirst, numericOrdering). Locale "simple" compares strings by
/// code point; other locales use .NET's ICU-backed <see cref="CompareInfo"/>. Only string comparison changes: every other
/// BSON type keeps MongoDB's order, which is why <see cref="ValueComparer"/> falls back to <see cref="BsonComparer"/>.
/// </summary>
public sealed partial class Collation
{
    private static readonly HashSet<string> KnownFields =
        ["locale", "strength", "caseLevel", "caseFirst", "numericOrdering", "alternate", "maxVariable", "backwards", "normalization", "version"];

    private CompareInfo? _compareInfo;
    private CompareOptions _options;
    private bool _prepared;

    public string Locale { get; init; } = "simple";

    /// <summary>ICU comparison level 1 (base letters) … 5 (identical); MongoDB's default is 3.</summary>
    public int Strength { get; init; } = 3;

    /// <summary>At strength 1 or 2, whether case still distinguishes strings.</summary>
    public bool CaseLevel { get; init; }

    /// <summary>"off", "upper" or "lower": which case sorts first among strings equal ignoring case.</summary>
    public string CaseFirst { get; init; } = "off";

    /// <summary>Compare digit runs as numbers ("10" after "9").</summary>
    public bool NumericOrdering { get; init; }

    /// <summary>The simple (binary) collation.</summary>
    public static Collation Simple { get; } = new();

    /// <summary>Whether this is the simple collation (plain code-point comparison).</summary>
    public bool IsSimple => Locale == "simple";

    /// <summary>A BSON value comparer that uses this collation for strings (also inside documents and arrays).</summary>
    public IComparer<BsonValue> ValueComparer => IsSimple ? BsonComparer.Instance : new CollatedValueComparer(this);

    /// <summary>Parses a collation document as given to find, aggregate, createIndex, …; MongoDB's errors for bad fields.</summary>
    public static Collation FromDocument(BsonDocument spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string? locale = null;
        int strength = 3;
        bool caseLevel = false, numeric = false;
        string caseFirst = "off";
        foreach (var element in spec)
        {
            if (!KnownFields.Contains(element.Name))
            {
                throw new MongoException(ErrorCodes.Location40415, $"BSON field 'collation.{element.Name}' is an unknown field.");
            }

            switch (element.Name)
            {
                case "locale":
                    locale = element.Value is BsonString s ? s.Value : throw TypeError("locale", "string", element.Value);
                    break;
                case "strength":
                    strength = element.Value.IsNumeric ? (int)element.Value.ToInt64() : throw TypeError("strength", "int", element.Value);
                    if (strength is < 1 or > 5)
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"unable to parse collation :: caused by :: Field 'strength' must be an integer 1 through 5. Got: {strength}");
                    }

                    break;
                case "caseLevel":
                    caseLevel = element.Value is BsonBoolean b ? b.Value : throw TypeError("caseLevel", "bool", element.Value);
                    break;
                case "caseFirst":
                    caseFirst = element.Value is BsonString cf ? cf.Value : throw TypeError("caseFirst", "string", element.Value);
                    if (caseFirst is not ("off" or "upper" or "lower"))
                    {
                        throw new MongoException(ErrorCodes.FailedToParse, $"Field 'caseFirst' must be 'upper', 'lower', or 'off'. Got: {caseFirst}");
                    }

                    break;
                case "numericOrdering":
                    numeric = element.Value is BsonBoolean n ? n.Value : throw TypeError("numericOrdering", "bool", element.Value);
                    break;
                default:
                    break; // accepted, no effect on the comparisons supported here
            }
        }

        if (locale is null)
        {
            throw new MongoException(ErrorCodes.Location40414, "BSON field 'collation.locale' is missing but a required field");
        }

        if (locale != "simple")
        {
            try
            {
                var culture = CultureInfo.GetCultureInfo(locale.Replace('_', '-'), predefinedOnly: true);
                _ = culture.CompareInfo;
            }
            catch (CultureNotFoundException)
            {
                throw new MongoException(ErrorCodes.BadValue, $"Field 'locale' is invalid in: {{ locale: \"{locale}\" }}");
            }
        }
        else if (spec.ElementCount > 1)
        {
            throw new MongoException(ErrorCodes.BadValue, "If the locale is 'simple', no other collation options may be specified");
        }

        return new Collation { Locale = locale, Strength = strength, CaseLevel = caseLevel, CaseFirst = caseFirst, NumericOrdering = numeric };
    }

    /// <summary>Compares two strings under this collation.</summary>
    public int Compare(string x, string y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (IsSimple)
        {
            return BsonComparer.CompareStrings(x, y);
        }

        Prepare();
        int c = _compareInfo!.Compare(x, y, _options);
        if (c == 0 || CaseFirst == "off" || Strength < 3)
        {
            return Math.Sign(c);
        }

        // ICU's default puts lower case first; caseFirst "upper" flips ties that differ only in case.
        var ignoreCase = _options | CompareOptions.IgnoreCase;
        if (_compareInfo.Compare(x, y, ignoreCase) == 0 && CaseFirst == "upper")
        {
            return -Math.Sign(c);
        }

        return Math.Sign(c);
    }

    /// <summary>Whether two strings are equal under this collation.</summary>
    public bool StringEquals(string x, string y) => Compare(x, y) == 0;

    /// <summary>A key equal for strings this collation calls equal (for hashing, grouping and distinct).</summary>
    public string GetComparisonKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsSimple)
        {
            return value;
        }

        Prepare();
        return Convert.ToBase64String(_compareInfo!.GetSortKey(value, _options).KeyData);
    }

    /// <summary>The collation as MongoDB reports it (explain, listIndexes).</summary>
    public BsonDocument ToDocument()
    {
        var doc = new BsonDocument("locale", Locale);
        if (!IsSimple)
        {
            doc.Add("caseLevel", CaseLevel).Add("caseFirst", CaseFirst).Add("strength", Strength)
                .Add("numericOrdering", NumericOrdering).Add("alternate", "non-ignorable").Add("maxVariable", "punct")
                .Add("normalization", false).Add("backwards", false);
        }

        return doc;
    }

    private void Prepare()
    {
        if (_prepared)
        {
            return;
        }

        _compareInfo = CultureInfo.GetCultureInfo(Locale.Replace('_', '-')).CompareInfo;
        var options = Strength switch
        {
            1 => CaseLevel ? CompareOptions.IgnoreNonSpace : CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace,
            2 => CaseLevel ? CompareOptions.None : CompareOptions.IgnoreCase,
            _ => CompareOptions.None,
        };
        if (NumericOrdering)
        {
            options |= CompareOptions.NumericOrdering;
        }

        _options = options;
        _prepared = true;
    }

    private static MongoException TypeError(string field, string expected, BsonValue got) =>
        new(ErrorCodes.TypeMismatch, $"BSON field 'collation.{field}' is the wrong type '{got.Type}', expected type '{expected}'");

    /// <summary>MongoDB's order over BSON values with strings compared by a collation.</summary>
    private sealed class CollatedValueComparer(Collation collation) : IComparer<BsonValue>
    {
        public int Compare(BsonValue? x, BsonValue? y)
        {
            if (x is null || y is null)
            {
                return BsonComparer.Instance.Compare(x, y);
            }

            int bx = BsonComparer.GetBracket(x.Type), by = BsonComparer.GetBracket(y.Type);
            if (bx != by)
            {
                return bx < by ? -1 : 1;
            }

            switch (x)
            {
                case BsonString sx when y is BsonString sy:
                    return collation.Compare(sx.Value, sy.Value);
                case BsonDocument dx:
                {
                    var dy = (BsonDocument)y;
                    int n = Math.Min(dx.ElementCount, dy.ElementCount);
                    for (int i = 0; i < n; i++)
                    {
                        var ex = dx.GetElement(i);
                        var ey = dy.GetElement(i);
                        int c = BsonComparer.GetBracket(ex.Value.Type).CompareTo(BsonComparer.GetBracket(ey.Value.Type));
                        if (c == 0)
                        {
                            c = BsonComparer.CompareStrings(ex.Name, ey.Name);
                        }

                        if (c == 0)
                        {
                            c = Compare(ex.Value, ey.Value);
                        }

                        if (c != 0)
                        {
                            return c;
                        }
                    }

                    return dx.ElementCount.CompareTo(dy.ElementCount);
                }

                case BsonArray ax:
                {
                    var ay = (BsonArray)y;
                    int n = Math.Min(ax.Count, ay.Count);
                    for (int i = 0; i < n; i++)
                    {
                        int c = Compare(ax[i], ay[i]);
                        if (c != 0)
                        {
                            return c;
                        }
                    }

                    return ax.Count.CompareTo(ay.Count);
                }

                default:
                    return BsonComparer.Instance.Compare(x, y);
            }
        }
    }
}
