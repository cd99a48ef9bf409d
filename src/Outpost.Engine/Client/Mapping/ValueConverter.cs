using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Converts values of one .NET type to and from BSON; built once per type and cached by the mapper.</summary>
internal abstract class ValueConverter
{
    public abstract BsonValue Write(object? value, BsonMapper mapper);

    public abstract object? Read(BsonValue value, BsonMapper mapper);
}
