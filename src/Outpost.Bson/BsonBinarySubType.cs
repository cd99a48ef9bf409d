namespace Outpost.Bson;

/// <summary>BSON binary subtypes. Values 0x80–0xFF are user defined and kept as-is.</summary>
public enum BsonBinarySubType : byte
{
    Binary = 0x00,
    Function = 0x01,
    /// <summary>Deprecated: the payload carries its own int32 length prefix on the wire.</summary>
    OldBinary = 0x02,
    /// <summary>Deprecated: legacy driver-specific UUID byte order.</summary>
    UuidLegacy = 0x03,
    /// <summary>RFC 4122 UUID in network byte order.</summary>
    UuidStandard = 0x04,
    MD5 = 0x05,
    Encrypted = 0x06,
    Column = 0x07,
    Sensitive = 0x08,
    Vector = 0x09,
    UserDefined = 0x80,
}
