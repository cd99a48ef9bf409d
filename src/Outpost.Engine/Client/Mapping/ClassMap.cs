using System.Linq.Expressions;
using System.Reflection;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// How one class or record maps to a document: members in declaration order (the id first), element names by
/// convention and attributes, and compiled getters, setters and constructor — built once per type so that mapping
/// a document involves no reflection.
/// </summary>
internal sealed class ClassMap
{
    private readonly Dictionary<string, MemberMap> _byElement;
    private readonly Dictionary<string, MemberMap> _byMember;
    private readonly Func<object?[], object> _create;
    private readonly object?[] _parameterDefaults;

    private ClassMap(Type type, List<MemberMap> members, MemberMap? id, Func<object?[], object> create, object?[] parameterDefaults)
    {
        Type = type;
        Members = members;
        IdMember = id;
        _create = create;
        _parameterDefaults = parameterDefaults;
        _byElement = new Dictionary<string, MemberMap>(StringComparer.Ordinal);
        _byMember = new Dictionary<string, MemberMap>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            _byElement[m.ElementName] = m;
            _byMember[m.Member.Name] = m;
        }
    }

    public Type Type { get; }
    public IReadOnlyList<MemberMap> Members { get; }
    public MemberMap? IdMember { get; }

    public MemberMap? FindMember(string memberName) => _byMember.GetValueOrDefault(memberName);

    public static ClassMap Build(Type type, BsonMapperOptions options)
    {
        var members = new List<MemberMap>();
        MemberMap? id = null;
        foreach (var member in MappableMembers(type))
        {
            if (member.IsDefined(typeof(BsonIgnoreAttribute))) continue;
            var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
            var isId = member.IsDefined(typeof(BsonIdAttribute)) || (id is null && member.Name is "Id" or "_id" && !type.GetMembers().Any(m => m.IsDefined(typeof(BsonIdAttribute))));
            var name = isId ? "_id" : member.GetCustomAttribute<BsonElementNameAttribute>()?.Name ?? ElementName(member.Name, options);
            var map = new MemberMap(member, memberType, name, CompileGetter(type, member), CompileSetter(type, member));
            if (isId && id is null) id = map;
            else members.Add(map);
        }

        if (id is not null) members.Insert(0, id);
        var (create, defaults) = CompileConstructor(type, members);
        return new ClassMap(type, members, id, create, defaults);
    }

    public BsonDocument ToDocument(object value, BsonMapper mapper)
    {
        var document = new BsonDocument(Members.Count);
        foreach (var member in Members)
        {
            var memberValue = member.Getter(value);
            if (memberValue is null && (mapper.Options.IgnoreNullValues || member == IdMember)) continue;
            document.Add(member.ElementName, member.Converter(mapper).Write(memberValue, mapper));
        }

        return document;
    }

    public object FromDocument(BsonDocument document, BsonMapper mapper)
    {
        var args = (object?[])_parameterDefaults.Clone();
        List<(MemberMap Member, object? Value)>? assignments = null;
        foreach (var element in document)
        {
            if (!_byElement.TryGetValue(element.Name, out var member)) continue; // extra elements are ignored
            var value = member.Converter(mapper).Read(element.Value, mapper);
            if (member.ConstructorIndex >= 0)
            {
                // A null read into a value-type parameter keeps the parameter's default.
                if (value is not null || !member.Type.IsValueType || Nullable.GetUnderlyingType(member.Type) is not null) args[member.ConstructorIndex] = value;
            }
            else if (member.Setter is not null && (value is not null || !member.Type.IsValueType || Nullable.GetUnderlyingType(member.Type) is not null))
            {
                (assignments ??= []).Add((member, value));
            }
        }

        var instance = _create(args);
        if (assignments is not null)
        {
            foreach (var (member, value) in assignments) member.Setter!(instance, value);
        }

        return instance;
    }

    private static string ElementName(string memberName, BsonMapperOptions options) =>
        options.CamelCaseElementNames && memberName.Length > 0 && char.IsUpper(memberName[0])
            ? char.ToLowerInvariant(memberName[0]) + memberName[1..]
            : memberName;

    private static IEnumerable<MemberInfo> MappableMembers(Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null) continue;
            if (property.Name == "EqualityContract") continue; // records
            yield return property;
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            yield return field;
    }

    private static Func<object, object?> CompileGetter(Type type, MemberInfo member)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var access = Expression.MakeMemberAccess(Expression.Convert(instance, type), member);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(access, typeof(object)), instance).Compile();
    }

    private static Action<object, object?>? CompileSetter(Type type, MemberInfo member)
    {
        if (type.IsValueType) return null; // assigning into an unboxed copy would be lost
        if (member is PropertyInfo { SetMethod: null }) return null;
        if (member is FieldInfo { IsInitOnly: true }) return null;
        var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
        var instance = Expression.Parameter(typeof(object), "instance");
        var value = Expression.Parameter(typeof(object), "value");
        var assign = Expression.Assign(Expression.MakeMemberAccess(Expression.Convert(instance, type), member), Expression.Convert(value, memberType));
        return Expression.Lambda<Action<object, object?>>(assign, instance, value).Compile();
    }

    private static (Func<object?[], object> Create, object?[] Defaults) CompileConstructor(Type type, List<MemberMap> members)
    {
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameterless = type.GetConstructor(Type.EmptyTypes);
        if (parameterless is not null || type.IsValueType)
        {
            Expression create = parameterless is not null ? Expression.New(parameterless) : Expression.New(type);
            return (Expression.Lambda<Func<object?[], object>>(Expression.Convert(create, typeof(object)), args).Compile(), []);
        }

        // Records and immutable classes: the public constructor with the most parameters that all name a member.
        ConstructorInfo? best = null;
        foreach (var ctor in type.GetConstructors())
        {
            var parameters = ctor.GetParameters();
            if (best is not null && parameters.Length <= best.GetParameters().Length) continue;
            if (parameters.All(parameter => members.Any(m => string.Equals(m.Member.Name, parameter.Name, StringComparison.OrdinalIgnoreCase) && m.Type == parameter.ParameterType)))
                best = ctor;
        }

        if (best is null)
            throw new NotSupportedException($"{type} needs a parameterless constructor or a constructor whose parameters are named after its members.");
        var ctorParameters = best.GetParameters();
        var defaults = new object?[ctorParameters.Length];
        var arguments = new Expression[ctorParameters.Length];
        for (var i = 0; i < ctorParameters.Length; i++)
        {
            var parameter = ctorParameters[i];
            var member = members.First(m => string.Equals(m.Member.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
            member.ConstructorIndex = i;
            defaults[i] = parameter.HasDefaultValue ? parameter.DefaultValue : parameter.ParameterType.IsValueType ? Activator.CreateInstance(parameter.ParameterType) : null;
            arguments[i] = Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), parameter.ParameterType);
        }

        var body = Expression.Convert(Expression.New(best, arguments), typeof(object));
        return (Expression.Lambda<Func<object?[], object>>(body, args).Compile(), defaults);
    }
}
