namespace Outpost.Bson;

/// <summary>The BSON element type bytes, as they appear on the wire.</summary>
public enum BsonType
{
    /// <summary>Type byte 0xFF (sign-extended: -1 as sbyte).</summary>
    MinKey = -1,
    Double = 0x01,
    String = 0x02,
    Document = 0x03,
    Array = 0x04,
    Binary = 0x05,
    /// <summary>Deprecated.</summary>
    Undefined = 0x06,
    ObjectId = 0x07,
    Boolean = 0x08,
    DateTime = 0x09,
    Null = 0x0A,
    RegularExpression = 0x0B,
    /// <summary>Deprecated.</summary>
    DBPointer = 0x0C,
    JavaScript = 0x0D,
    /// <summary>Deprecated.</summary>
    Symbol = 0x0E,
    /// <summary>Deprecated.</summary>
    JavaScriptWithScope = 0x0F,
    Int32 = 0x10,
    Timestamp = 0x11,
    Int64 = 0x12,
    Decimal128 = 0x13,
    MaxKey = 0x7F,
}
