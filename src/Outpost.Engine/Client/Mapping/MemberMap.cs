using System.Reflection;

namespace Outpost.Engine.Client;

/// <summary>One mapped property or field: element name, type and compiled accessors.</summary>
internal sealed class MemberMap
{
    private ValueConverter? _converter;

    public MemberMap(MemberInfo member, Type type, string elementName, Func<object, object?> getter, Action<object, object?>? setter)
    {
        Member = member;
        Type = type;
        ElementName = elementName;
        Getter = getter;
        Setter = setter;
    }

    public MemberInfo Member { get; }
    public Type Type { get; }
    public string ElementName { get; }
    public Func<object, object?> Getter { get; }
    public Action<object, object?>? Setter { get; }

    /// <summary>Index of the constructor parameter that receives this member, or -1.</summary>
    public int ConstructorIndex { get; set; } = -1;

    // Resolved on first use rather than while building the class map so that self-referencing types do not recurse.
    public ValueConverter Converter(BsonMapper mapper) => _converter ??= mapper.GetConverter(Type);
}
