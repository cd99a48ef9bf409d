using System.Collections;
using System.Globalization;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Builds the converter for a .NET type (primitives, enums, nullables, collections, dictionaries, classes).</summary>
internal static class ValueConverters
{
    public static ValueConverter Create(Type type, BsonMapper mapper)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return new NullableConverter(mapper.GetConverter(underlying));
        if (type == typeof(object)) return new ObjectConverter();
        if (typeof(BsonValue).IsAssignableFrom(type)) return new Simple(v => (BsonValue?)v ?? BsonNull.Value, v => v.IsNull && type != typeof(BsonValue) ? null : v);
        if (type.IsEnum) return new EnumConverter(type, mapper.Options.EnumsAsStrings);
        var primitive = Primitive(type);
        if (primitive is not null) return primitive;
        if (type == typeof(byte[])) return new Simple(v => new BsonBinary((byte[])v!), v => v.AsBinary.Data.ToArray());
        var dictionaryValue = DictionaryValueType(type);
        if (dictionaryValue is not null) return new DictionaryConverter(dictionaryValue);
        var element = ElementType(type);
        if (element is not null) return new CollectionConverter(type, element);
        if (type.IsInterface || type.IsAbstract)
            throw new NotSupportedException($"The mapper cannot create instances of {type}; use a concrete class or record.");
        return new ClassConverter(mapper.GetClassMap(type));
    }

    private static ValueConverter? Primitive(Type type)
    {
        if (type == typeof(string)) return new Simple(v => new BsonString((string)v!), v => v.IsString ? v.AsString : v.IsObjectId ? v.AsObjectId.ToString() : v.ToString());
        if (type == typeof(int)) return new Simple(v => BsonInt32.Create((int)v!), v => checked((int)ToInt64(v)));
        if (type == typeof(long)) return new Simple(v => new BsonInt64((long)v!), v => ToInt64(v));
        if (type == typeof(double)) return new Simple(v => new BsonDouble((double)v!), v => v.ToDouble());
        if (type == typeof(float)) return new Simple(v => new BsonDouble((float)v!), v => (float)v.ToDouble());
        if (type == typeof(short)) return new Simple(v => BsonInt32.Create((short)v!), v => checked((short)ToInt64(v)));
        if (type == typeof(byte)) return new Simple(v => BsonInt32.Create((byte)v!), v => checked((byte)ToInt64(v)));
        if (type == typeof(uint)) return new Simple(v => new BsonInt64((uint)v!), v => checked((uint)ToInt64(v)));
        if (type == typeof(bool)) return new Simple(v => BsonBoolean.Create((bool)v!), v => v.AsBoolean);
        if (type == typeof(decimal)) return new Simple(v => new BsonDecimal128((decimal)v!), ToDecimal);
        if (type == typeof(Decimal128)) return new Simple(v => new BsonDecimal128((Decimal128)v!), v => v.IsNumeric ? v is BsonDecimal128 d ? d.Value : (Decimal128)v.ToDouble() : v.AsDecimal128);
        if (type == typeof(DateTime)) return new Simple(v => new BsonDateTime((DateTime)v!), v => v.AsDateTime.ToDateTime());
        if (type == typeof(DateTimeOffset)) return new Simple(v => new BsonDateTime((DateTimeOffset)v!), v => v.AsDateTime.ToDateTimeOffset());
        if (type == typeof(Guid)) return new Simple(v => BsonBinary.FromGuid((Guid)v!), v => v.IsString ? Guid.Parse(v.AsString) : v.AsBinary.ToGuid());
        if (type == typeof(ObjectId)) return new Simple(v => new BsonObjectId((ObjectId)v!), v => v.IsString ? ObjectId.Parse(v.AsString) : v.AsObjectId);
        if (type == typeof(TimeSpan)) return new Simple(v => new BsonInt64(((TimeSpan)v!).Ticks), v => TimeSpan.FromTicks(ToInt64(v)));
        return null;
    }

    private static long ToInt64(BsonValue v) => v switch
    {
        BsonInt32 i => i.Value,
        BsonInt64 l => l.Value,
        BsonDouble d => checked((long)d.Value),
        BsonDecimal128 m => m.Value.ToInt64(),
        _ => throw new FormatException($"Cannot read a {v.Type} as an integer."),
    };

    private static object ToDecimal(BsonValue v)
    {
        if (v is BsonDecimal128 d)
            return d.Value.TryToDecimal(out var value) ? value : throw new OverflowException($"{d.Value} does not fit a System.Decimal.");
        if (v is BsonDouble dbl) return (decimal)dbl.Value;
        return (decimal)ToInt64(v);
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        if (args.Length != 2) return null;
        if (definition != typeof(Dictionary<,>) && definition != typeof(IDictionary<,>) && definition != typeof(IReadOnlyDictionary<,>)) return null;
        return args[0] == typeof(string)
            ? args[1]
            : throw new NotSupportedException($"Dictionaries map to documents and need string keys ({type}).");
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(ICollection<>) ||
            definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) ||
            definition == typeof(HashSet<>) || definition == typeof(ISet<>))
            return type.GetGenericArguments()[0];
        return null;
    }

    private sealed class Simple(Func<object?, BsonValue> write, Func<BsonValue, object?> read) : ValueConverter
    {
        public override BsonValue Write(object? value, BsonMapper mapper) => value is null ? BsonNull.Value : write(value);

        public override object? Read(BsonValue value, BsonMapper mapper) => value.IsNull ? null : read(value);
    }

    private sealed class NullableConverter(ValueConverter inner) : ValueConverter
    {
        public override BsonValue Write(object? value, BsonMapper mapper) => value is null ? BsonNull.Value : inner.Write(value, mapper);

        public override object? Read(BsonValue value, BsonMapper mapper) => value.IsNull ? null : inner.Read(value, mapper);
    }

    private sealed class EnumConverter(Type type, bool asStrings) : ValueConverter
    {
        private readonly Type _underlying = Enum.GetUnderlyingType(type);

        public override BsonValue Write(object? value, BsonMapper mapper)
        {
            if (value is null) return BsonNull.Value;
            if (asStrings) return new BsonString(value.ToString()!);
            var number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            return _underlying == typeof(long) || _underlying == typeof(ulong) || _underlying == typeof(uint) ? new BsonInt64(number) : BsonInt32.Create((int)number);
        }

        public override object? Read(BsonValue value, BsonMapper mapper) =>
            value.IsNull ? null : value.IsString ? Enum.Parse(type, value.AsString) : Enum.ToObject(type, ToInt64(value));
    }

    private sealed class CollectionConverter(Type type, Type element) : ValueConverter
    {
        private readonly Type _listType = typeof(List<>).MakeGenericType(element);
        private ValueConverter? _elementConverter;

        public override BsonValue Write(object? value, BsonMapper mapper)
        {
            if (value is null) return BsonNull.Value;
            var converter = _elementConverter ??= mapper.GetConverter(element);
            var array = new BsonArray();
            foreach (var item in (IEnumerable)value) array.Add(converter.Write(item, mapper));
            return array;
        }

        public override object? Read(BsonValue value, BsonMapper mapper)
        {
            if (value.IsNull) return null;
            var converter = _elementConverter ??= mapper.GetConverter(element);
            var source = value.AsArray;
            if (type.IsArray)
            {
                var array = Array.CreateInstance(element, source.Count);
                for (var i = 0; i < source.Count; i++) array.SetValue(converter.Read(source[i], mapper), i);
                return array;
            }

            var isSet = type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(HashSet<>) || type.GetGenericTypeDefinition() == typeof(ISet<>));
            var target = isSet ? Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(element))! : Activator.CreateInstance(_listType, source.Count)!;
            if (target is IList list)
            {
                foreach (var item in source) list.Add(converter.Read(item, mapper));
            }
            else
            {
                var add = target.GetType().GetMethod("Add")!;
                foreach (var item in source) add.Invoke(target, [converter.Read(item, mapper)]);
            }

            return target;
        }
    }

    private sealed class DictionaryConverter(Type valueType) : ValueConverter
    {
        private readonly Type _dictionaryType = typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType);
        private ValueConverter? _valueConverter;

        public override BsonValue Write(object? value, BsonMapper mapper)
        {
            if (value is null) return BsonNull.Value;
            var converter = _valueConverter ??= mapper.GetConverter(valueType);
            var document = new BsonDocument();
            foreach (DictionaryEntry entry in (IDictionary)value) document.Add((string)entry.Key, converter.Write(entry.Value, mapper));
            return document;
        }

        public override object? Read(BsonValue value, BsonMapper mapper)
        {
            if (value.IsNull) return null;
            var converter = _valueConverter ??= mapper.GetConverter(valueType);
            var dictionary = (IDictionary)Activator.CreateInstance(_dictionaryType)!;
            foreach (var element in value.AsDocument) dictionary[element.Name] = converter.Read(element.Value, mapper);
            return dictionary;
        }
    }

    private sealed class ClassConverter(ClassMap map) : ValueConverter
    {
        public override BsonValue Write(object? value, BsonMapper mapper) => value is null ? BsonNull.Value : map.ToDocument(value, mapper);

        public override object? Read(BsonValue value, BsonMapper mapper) => value.IsNull ? null : map.FromDocument(value.AsDocument, mapper);
    }

    /// <summary>Members typed <c>object</c>: written by their runtime type, read back as plain .NET values.</summary>
    private sealed class ObjectConverter : ValueConverter
    {
        public override BsonValue Write(object? value, BsonMapper mapper) =>
            value is null ? BsonNull.Value : value.GetType() == typeof(object) ? new BsonDocument() : mapper.GetConverter(value.GetType()).Write(value, mapper);

        public override object? Read(BsonValue value, BsonMapper mapper) => value switch
        {
            BsonNull => null,
            BsonString s => s.Value,
            BsonInt32 i => i.Value,
            BsonInt64 l => l.Value,
            BsonDouble d => d.Value,
            BsonBoolean b => b.Value,
            BsonDateTime t => t.ToDateTime(),
            BsonObjectId o => o.Value,
            _ => value,
        };
    }
}
