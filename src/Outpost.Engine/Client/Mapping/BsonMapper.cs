using System.Collections.Concurrent;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// Maps C# classes and records to BSON documents by convention: the <c>Id</c> member (or <see cref="BsonIdAttribute"/>)
/// is <c>_id</c>; other public properties and fields keep their names (camelCase optional) unless renamed with
/// <see cref="BsonElementNameAttribute"/> or left out with <see cref="BsonIgnoreAttribute"/>; records are built through
/// their constructor. Decimal is stored as Decimal128, DateTime/DateTimeOffset as UTC datetimes, Guid as binary subtype 4,
/// enums as numbers or (option) names, collections as arrays and string-keyed dictionaries as documents.
/// Accessors are compiled once per type and cached in this instance (thread-safe); share one mapper per database.
/// </summary>
public sealed class BsonMapper
{
    private readonly ConcurrentDictionary<Type, ValueConverter> _converters = new();
    private readonly ConcurrentDictionary<Type, ClassMap> _classMaps = new();

    /// <summary>Creates a mapper with the given conventions.</summary>
    public BsonMapper(BsonMapperOptions? options = null) => Options = options ?? new BsonMapperOptions();

    /// <summary>The conventions in force.</summary>
    public BsonMapperOptions Options { get; }

    /// <summary>Maps an object to a document (the id, when null, is left out).</summary>
    public BsonDocument ToDocument<T>(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is BsonDocument document) return document;
        return GetConverter(value.GetType()).Write(value, this).AsDocument;
    }

    /// <summary>Maps a document to <typeparamref name="T"/>; elements without a member are ignored.</summary>
    public T FromDocument<T>(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (typeof(T) == typeof(BsonDocument)) return (T)(object)document;
        return (T)GetConverter(typeof(T)).Read(document, this)!;
    }

    /// <summary>Converts one value of <paramref name="type"/> the way a member of that type would be stored.</summary>
    public BsonValue ToBsonValue(object? value, Type type)
    {
        if (value is BsonValue bson) return bson;
        if (value is null) return BsonNull.Value;
        return GetConverter(type == typeof(object) ? value.GetType() : type).Write(value, this);
    }

    /// <summary>Reads a BSON value as <paramref name="type"/>.</summary>
    public object? FromBsonValue(BsonValue value, Type type) => GetConverter(type).Read(value, this);

    /// <summary>
    /// The element path of a member chain (<c>Address.City</c> → <c>address.city</c>) under this mapper's conventions;
    /// used by the builders.
    /// </summary>
    public string ElementName(Type declaringType, string memberName)
    {
        var map = GetClassMap(declaringType);
        return map.FindMember(memberName)?.ElementName
            ?? throw new NotSupportedException($"{declaringType.Name}.{memberName} is not a mapped member (ignored or not public).");
    }

    /// <summary>
    /// Gives the object a new id when its id member holds the empty value (ObjectId.Empty, null string → ObjectId
    /// string, Guid.Empty → new Guid), as the driver does on insert. Returns false when there is nothing to fill.
    /// </summary>
    public bool AssignIdIfMissing(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is BsonDocument) return false;
        var map = GetClassMap(value.GetType());
        var id = map.IdMember;
        if (id?.Setter is null) return false;
        var current = id.Getter(value);
        object? generated = id.Type switch
        {
            var t when t == typeof(ObjectId) && (ObjectId)current! == ObjectId.Empty => ObjectId.GenerateNewId(),
            var t when t == typeof(ObjectId?) && current is null => ObjectId.GenerateNewId(),
            var t when t == typeof(string) && current is null => ObjectId.GenerateNewId().ToString(),
            var t when t == typeof(Guid) && (Guid)current! == Guid.Empty => Guid.NewGuid(),
            var t when t == typeof(Guid?) && current is null => Guid.NewGuid(),
            _ => null,
        };
        if (generated is null) return false;
        id.Setter(value, generated);
        return true;
    }

    internal ValueConverter GetConverter(Type type) =>
        _converters.TryGetValue(type, out var converter) ? converter : _converters.GetOrAdd(type, ValueConverters.Create(type, this));

    internal ClassMap GetClassMap(Type type) =>
        _classMaps.TryGetValue(type, out var map) ? map : _classMaps.GetOrAdd(type, ClassMap.Build(type, Options));
}
