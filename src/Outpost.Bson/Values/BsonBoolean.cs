using System.Text;

namespace Outpost.Bson;

/// <summary>A BSON boolean; use the <see cref="True"/> and <see cref="False"/> singletons.</summary>
public sealed class BsonBoolean : BsonValue
{
    private BsonBoolean(bool value) => Value = value;

    public static BsonBoolean True { get; } = new(true);
    public static BsonBoolean False { get; } = new(false);

    public bool Value { get; }
    public override BsonType Type => BsonType.Boolean;

    /// <summary>Returns the singleton for <paramref name="value"/>.</summary>
    public static BsonBoolean Create(bool value) => value ? True : False;

    internal override void AppendTo(StringBuilder builder) => builder.Append(Value ? "true" : "false");
}
