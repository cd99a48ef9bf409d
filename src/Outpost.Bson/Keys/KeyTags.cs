namespace Outpost.Bson.Keys;

/// <summary>
/// The first byte of every encoded key value. Each type bracket owns the 8 tags starting at
/// <c>(rank + 1) * 8</c>, so a bracket's keys all lie in <c>[base, base + 8)</c> and brackets sort by rank.
/// Byte 0x00 is never a tag: it terminates documents and arrays, so a shorter container sorts first.
/// </summary>
internal static class KeyTags
{
    internal const byte End = 0x00;

    internal const byte MinKey = 0x08;
    internal const byte Null = 0x10;

    // Numbers: one bracket, sub-tags in numeric order (NaN lowest, as in BsonComparer).
    internal const byte NaN = 0x18;
    internal const byte NegativeInfinity = 0x19;
    internal const byte Negative = 0x1A;
    internal const byte Zero = 0x1B;
    internal const byte Positive = 0x1C;
    internal const byte PositiveInfinity = 0x1D;

    internal const byte String = 0x20;
    internal const byte Document = 0x28;
    internal const byte Array = 0x30;
    internal const byte Binary = 0x38;
    internal const byte ObjectId = 0x40;
    internal const byte False = 0x48;
    internal const byte True = 0x49;
    internal const byte DateTime = 0x50;
    internal const byte Timestamp = 0x58;
    internal const byte RegularExpression = 0x60;
    internal const byte DBPointer = 0x68;
    internal const byte JavaScript = 0x70;
    internal const byte JavaScriptWithScope = 0x78;
    internal const byte MaxKey = 0x80;

    /// <summary>The lowest tag of a type's bracket.</summary>
    internal static byte BracketBase(BsonType type) => (byte)((BsonComparer.GetBracket(type) + 1) << 3);
}
